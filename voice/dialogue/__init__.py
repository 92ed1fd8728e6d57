"""The conversation: the dialogue engine, its replies, and the journal."""
