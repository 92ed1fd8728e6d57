"""A voice loop over the real recogniser, dialogue and synthesiser, fed like a microphone."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from audio.chunk import AudioChunk
from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.loop.events import LoopEvent, StreamClock
from voice.loop.turns import Playback
from voice.loop.voice_loop import LoopOptions, VoiceLoop
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.speech.synthesizer import Synthesizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander


@dataclass
class Rig:
    """The loop and what it did: events, and the audio it played."""

    loop: VoiceLoop
    clock: StreamClock
    dialogue: Dialogue
    events: list[LoopEvent] = field(default_factory=list)
    played: list[AudioChunk] = field(default_factory=list)

    def feed(self, audio: AudioChunk, chunk_s: float = 0.1) -> None:
        for chunk in audio.split(chunk_s):
            self.loop.feed(chunk)

    def kinds(self) -> list[tuple[str, str]]:
        return [(e.kind, e.text) for e in self.events]


def rig(
    library: ScriptLibrary,
    settings: Settings | None = None,
    synthesizer: Synthesizer | None = None,
    seed: int = 3,
) -> Rig:
    """A loop as ``hearth run`` builds it, with the wake phrase "hey hearth"."""
    settings = settings or Settings()
    clock = StreamClock()
    dialogue = Dialogue(lambda: library.brain, settings, clock=clock, rng=random.Random(seed))
    played: list[AudioChunk] = []
    events: list[LoopEvent] = []
    loop = VoiceLoop(
        Understander(PocketSphinxRecognizer(), library, ("hey hearth",)),
        dialogue,
        synthesizer or Synthesizer(),
        Playback(played.append),
        clock,
        LoopOptions.from_settings(settings),
        on_event=events.append,
    )
    return Rig(loop, clock, dialogue, events, played)
