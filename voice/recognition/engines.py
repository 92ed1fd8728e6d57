"""Choosing a speech engine: ``auto`` = Vosk when a model is found, else PocketSphinx."""

from __future__ import annotations

import logging

from voice.config import ENGINE_CHOICES
from voice.recognition.recognizer import Feature, Recognizer, RecognizerError

log = logging.getLogger(__name__)

ENGINES = ENGINE_CHOICES
"""The engines a setting or ``--engine`` may name (the config checks the same list)."""


def make_recognizer(engine: str = "auto", vosk_model: str | None = None) -> Recognizer:
    """The recogniser asked for; raises RecognizerError saying what to do when it cannot start."""
    if engine not in ENGINES:
        raise RecognizerError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine in ("auto", "vosk"):
        from voice.recognition.vosk_models import find_model

        path = find_model(vosk_model)
        if path is not None:
            from voice.recognition.vosk_engine import VoskRecognizer

            vosk = VoskRecognizer(path)
            if Feature.CRISIS_REREAD not in vosk.features:
                log.warning(
                    "Vosk (model at %s) has no crisis re-read: its graph is static, so a crisis "
                    "sentence misheard once is not read again. Use --engine pocketsphinx, or a "
                    "Vosk model with a dynamic graph (no HCLG.fst).",
                    path,
                )
            return vosk
        if engine == "vosk":
            raise RecognizerError(
                "No Vosk model found. Run `hearth models download en-us`, pass --vosk-model PATH, "
                "or set HEARTH_VOSK_MODEL to an unpacked Vosk model folder."
            )
        log.info("No Vosk model found; using PocketSphinx.")
    from voice.recognition.pocketsphinx import PocketSphinxRecognizer

    return PocketSphinxRecognizer()


def describe(recognizer: Recognizer) -> str:
    """Which engine this is and what it can do, for the line ``hearth run`` prints:
    "pocketsphinx+domain (open vocabulary, crisis re-read, wake spotting)"."""
    can = [feature.value for feature in Feature if feature in recognizer.features]
    return f"{recognizer.name} ({', '.join(can) if can else 'no second readings'})"
