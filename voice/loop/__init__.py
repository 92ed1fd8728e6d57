"""The voice loop: audio in, replies out."""
