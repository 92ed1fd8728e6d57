"""Speech out: the synthesiser."""
