"""``hearth web``: a local, private page to edit and try the scripts, read the journal and
change the settings. Server-rendered (Starlette, Jinja2) with a little plain JavaScript."""
