"""Sound in and out: microphone, speaker, WAV files, voice activity. Knows nothing about words."""
