"""Intent scripts: the model, the loader and its validation, templates."""
