"""``hearth run``: the voice loop on the microphone and speaker, or over WAV files."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError
from audio.echo import EchoCanceller
from audio.reconnect import ReconnectingMicrophone
from audio.speaker import Speaker
from audio.wav import iter_wav, write_wav_chunks
from voice import app
from voice.config import LoadedSettings
from voice.errors import UsageError
from voice.loop.voice_loop import LoopEvent, LoopOptions, Playback, StreamClock, VoiceLoop
from voice.recognition.engines import describe
from voice.recognition.recognizer import Recognizer
from voice.understanding.understander import Understander


class Track:
    """Replies placed on a timeline at the moment they are played, written as one WAV."""

    def __init__(self, clock: StreamClock) -> None:
        self.clock = clock
        self._pieces: list[tuple[int, np.ndarray]] = []
        self._end = 0

    def stop(self) -> None:
        """Barge-in: cut the reply still playing at the current stream time."""
        now = int(self.clock.t * SPEECH_RATE)
        if self._pieces and self._end > now:
            start, samples = self._pieces[-1]
            self._pieces[-1] = (start, samples[: max(0, now - start)])
            self._end = max(now, start)

    def play(self, chunk: AudioChunk) -> None:
        """Place a reply at the current stream time (after any reply still playing)."""
        samples = np.frombuffer(chunk.for_speech().audio, dtype="<i2")
        start = max(int(self.clock.t * SPEECH_RATE), self._end)
        self._pieces.append((start, samples))
        self._end = start + len(samples)

    def write(self, path: Path, min_seconds: float) -> None:
        """Write the track, at least ``min_seconds`` long, a block at a time (hours stay small)."""
        write_wav_chunks(path, self._blocks(max(self._end, int(min_seconds * SPEECH_RATE))))

    def _blocks(self, total: int, block: int = 60 * SPEECH_RATE) -> Iterator[AudioChunk]:
        for begin in range(0, max(total, 1), block):
            end = min(begin + block, total)
            out = np.zeros(end - begin, dtype="<i2")
            for start, samples in self._pieces:
                lo, hi = max(start, begin), min(start + len(samples), end)
                if lo < hi:
                    out[lo - begin : hi - begin] = samples[lo - start : hi - start]
            yield AudioChunk(SPEECH_RATE, 2, 1, out.tobytes())


def _printer(event: LoopEvent) -> None:
    stamp = f"[{event.time:7.2f}s]"
    if event.kind == "heard":
        timings = ", ".join(f"{k} {v:.0f}" for k, v in event.timings.items())
        print(f"{stamp} parent: {event.text}   ({timings} ms)")
    elif event.kind == "reply":
        print(f"{stamp} hearth [{event.intent or 'not understood'}]: {event.text}")
    elif event.kind == "wake":
        print(f"{stamp} (wake phrase: {event.text!r})")
    elif event.kind == "barge-in":
        print(f"{stamp} (interrupted by: {event.text!r})")
    elif event.kind == "ignored":
        if event.text:
            print(f"{stamp} (not for me: {event.text!r})")
    else:
        print(f"{stamp} ({event.text})")
    sys.stdout.flush()


def _status(message: str) -> None:
    """Sound trouble and recovery, for whoever reads the log (stderr)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _play_in_background(speaker: Speaker) -> Callable[[AudioChunk], object]:
    """Play without blocking, so the microphone keeps listening for "stop"."""

    def play(chunk: AudioChunk) -> None:
        try:
            speaker.play(chunk)
        except AudioError as e:
            _status(f"Could not play the reply: {e}")

    return lambda chunk: threading.Thread(target=play, args=(chunk,), daemon=True).start()


def _echo_canceller(wanted: bool) -> EchoCanceller | None:
    """Speex's echo canceller when it is wanted and installed; says so when it is missing."""
    if not wanted:
        return None
    if not EchoCanceller.available():
        _status(
            "Echo cancellation is off: the speexdsp bindings are not installed (run `make demo`, "
            "or `sudo apt-get install libspeexdsp-dev swig` then `pip install speexdsp`); "
            "'stop' may not be heard while Hearth talks."
        )
        return None
    return EchoCanceller()


def _output_for(args: argparse.Namespace) -> Path | None:
    """``--output``, checked before any talk is run (None when not given); raises UsageError."""
    if args.output and not args.input:
        raise UsageError(
            "--output needs --input: Hearth writes its replies to a recording it listens to. "
            "Without --input it listens to the microphone and speaks aloud."
        )
    if not args.output:
        return None
    output = Path(args.output).expanduser()
    if output.is_dir():
        raise UsageError(
            f"--output {args.output} is a folder; give a file name such as replies.wav"
        )
    if not output.parent.is_dir():
        raise UsageError(
            f"--output {args.output}: the folder {output.parent} does not exist; create it first"
        )
    return output


def _announce(hearth: app.Hearth, recognizer: Recognizer, output: Path | None) -> None:
    """Start-up lines on stderr: what went wrong, what listens, where the replies go."""
    app.print_notices(hearth)
    wake = hearth.settings.wake or "(none)"
    print(f"Hearth is using {describe(recognizer)}. Wake phrase: {wake}.", file=sys.stderr)
    if output is not None:
        print(f"Hearth's replies will be written to {output}", file=sys.stderr)


def _serve_page(args: argparse.Namespace, hearth: app.Hearth) -> threading.Event | None:
    """With ``--web PORT``: the page beside the loop, over the same scripts. The event it
    returns is set by a save, so the loop reloads at once instead of at its next look."""
    if args.web is None:
        return None
    from voice.cli.web import address, make_context
    from voice.web.server import Server

    saved = threading.Event()
    context = make_context(args, hearth.library, owns_reload=False, on_saved=saved.set)
    Server(context, args.web_host, args.web).start()
    print(f"Hearth's page: {address(args.web_host, args.web)}", file=sys.stderr)
    return saved


def _settings(args: argparse.Namespace) -> LoadedSettings:
    loaded = app.read_settings(args)
    if args.web is not None:
        from voice.web.context import prepare_user_folder

        prepare_user_folder(loaded.settings)  # so that the library watches it from the start
    return loaded


def _feed(loop: VoiceLoop, chunk: AudioChunk, saved: threading.Event | None) -> None:
    if saved is not None and saved.is_set():
        saved.clear()
        loop.understander.library.reload_in_background()  # the loop's own thread, as its tick
    loop.feed(chunk)


def run(args: argparse.Namespace) -> int:
    """Run until the file ends, or Ctrl-C on the microphone."""
    output = _output_for(args)
    pieces = iter_wav(Path(args.input), seconds=0.1) if args.input else None
    if pieces is not None and output is None:
        # Replies a parent cannot hear are still kept, where the start-up lines say.
        output = Path(tempfile.mkdtemp(prefix="hearth-replies-")) / f"{Path(args.input).stem}.wav"
    clock = StreamClock()
    loaded = _settings(args)
    hearth = app.assemble(
        loaded, journal=app.journal_path(loaded.settings), listen=True, speak=True, clock=clock
    )
    settings, library, dialogue = hearth.settings, hearth.library, hearth.dialogue
    recognizer, synthesizer = hearth.recognizer, hearth.synthesizer
    assert recognizer is not None and synthesizer is not None  # listen=True, speak=True
    _announce(hearth, recognizer, output)
    wake = settings.wake or None
    echo = _echo_canceller(settings.echo_cancellation)
    saved = _serve_page(args, hearth)

    def make_loop(play: Callable[[AudioChunk], object], stop: Callable[[], object]) -> VoiceLoop:
        return VoiceLoop(
            Understander(recognizer, library, (wake,) if wake else ()),
            dialogue,
            synthesizer,
            Playback(play, stop),
            clock,
            LoopOptions.from_settings(settings),
            echo=echo,
            on_event=_printer,
        )

    try:
        if pieces is not None and output is not None:
            track = Track(clock)
            loop = make_loop(track.play, track.stop)
            if hearth.spoken_notice:
                loop.say(hearth.spoken_notice)
            for chunk in pieces:
                _feed(loop, chunk, saved)
                if args.realtime:
                    time.sleep(chunk.seconds)
            loop.finish()
            track.write(output, clock.t)
            print(f"Replies written to {output}", file=sys.stderr)
            return 0
        speaker = Speaker(settings.output_device or None)
        loop = make_loop(_play_in_background(speaker), speaker.stop)
        if hearth.spoken_notice:
            loop.say(hearth.spoken_notice)
        with ReconnectingMicrophone(settings.input_device or None, on_status=_status) as microphone:
            print("Listening. Say the wake phrase; Ctrl-C to stop.", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                for chunk in microphone:
                    _feed(loop, chunk, saved)
        loop.finish()
        return 0
    finally:
        hearth.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``hearth run``."""
    parser.add_argument(
        "--input", metavar="FILE.wav", help="listen to a recording instead of the microphone"
    )
    parser.add_argument(
        "--output", metavar="FILE.wav", help="write Hearth's voice to a file (with --input)"
    )
    parser.add_argument("--input-device", help="microphone name or index (see `hearth devices`)")
    parser.add_argument("--output-device", help="speaker name or index (see `hearth devices`)")
    # No argparse defaults here: an option not given must leave config.toml's value.
    parser.add_argument(
        "--wake", help='wake phrase (default "hey hearth"); "" to listen to everything'
    )
    parser.add_argument(
        "--sensitivity", type=float, help="wake phrase sensitivity, 0..1 (default 0.5)"
    )
    parser.add_argument(
        "--realtime", action="store_true", help="feed a file at the pace it was recorded"
    )
    parser.add_argument(
        "--web", type=int, metavar="PORT", help="serve `hearth web` beside the loop on PORT"
    )
    parser.add_argument(
        "--web-host", default="127.0.0.1", help="where the page listens (see `hearth web`)"
    )
