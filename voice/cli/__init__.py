"""The ``hearth`` command's subcommands, one module each."""
