"""PocketSphinx: the embedded default. Its wheel ships an English model, so it works offline at once.

One decoder (``decoder``) serves every mode, each a search of its own: the
streamed first reading with the domain model built from the scripts
(``domain``), the stock English model reading it again (``open_vocabulary``),
the crisis sentences reading it again where the sound backs them (``crisis``),
and keyword spotting for the wake phrase (``wake``). ``engine`` composes them
into the ``Recognizer``.
"""

from voice.recognition.pocketsphinx.engine import PocketSphinxRecognizer

__all__ = ["PocketSphinxRecognizer"]
