"""Choosing a speech engine: ``auto`` = Vosk when a model is found, else PocketSphinx."""

from __future__ import annotations

import logging

from voice.recognition.recognizer import Recognizer, RecognizerError

log = logging.getLogger(__name__)

ENGINES = ("auto", "vosk", "pocketsphinx", "pocketsphinx-stock")


def make_recognizer(engine: str = "auto", vosk_model: str | None = None) -> Recognizer:
    """The recogniser asked for; raises RecognizerError saying what to do when it cannot start."""
    if engine not in ENGINES:
        raise RecognizerError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine in ("auto", "vosk"):
        from voice.recognition.vosk_models import find_model

        path = find_model(vosk_model)
        if path is not None:
            from voice.recognition.vosk_engine import VoskRecognizer

            return VoskRecognizer(path)
        if engine == "vosk":
            raise RecognizerError(
                "No Vosk model found. Run `hearth models download en-us`, pass --vosk-model PATH, "
                "or set HEARTH_VOSK_MODEL to an unpacked Vosk model folder."
            )
        log.info("No Vosk model found; using PocketSphinx.")
    from voice.recognition.pocketsphinx_engine import PocketSphinxRecognizer

    return PocketSphinxRecognizer(domain=engine != "pocketsphinx-stock")
