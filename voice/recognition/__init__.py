"""Speech recognition: the engines, and the language models built from the scripts."""
