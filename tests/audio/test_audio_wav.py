"""WAV reading, streaming and writing, with real files of every common kind and every broken kind."""

from __future__ import annotations

import os
import shutil
import subprocess
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from audio_testkit import Sox, espeak, peak_hz, sox, tone

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError, concat
from audio.wav import encode_wav, iter_wav, read_wav, write_wav


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak("i feel so guilty", tmp_path_factory.mktemp("speech") / "guilty.wav")


@pytest.fixture
def convert(tmp_path: Path) -> Sox:
    """sox into a new file in tmp_path each time."""
    made: list[Path] = []

    def run(source: Path, *options: str) -> Path:
        made.append(tmp_path / f"sox{len(made)}.wav")
        return sox(source, made[-1], *options)

    return run


def similar(a: AudioChunk, b: AudioChunk) -> float:
    """Correlation of two recordings of the same sound (mono, same rate)."""
    n = min(a.frames, b.frames)
    x, y = a.to_float()[:n, 0], b.to_float()[:n, 0]
    return float(np.corrcoef(x, y)[0, 1])


# --- odd formats that must read ------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "rate", "channels"),
    [
        (("-b", "8"), 22050, 1),
        (("-b", "24"), 22050, 1),
        (("-b", "32"), 22050, 1),
        (("-e", "floating-point", "-b", "32"), 22050, 1),
        (("-e", "floating-point", "-b", "64"), 22050, 1),
        (("-r", "48000", "-c", "2"), 48000, 2),
        (("-r", "8000"), 8000, 1),
        (("-r", "44100", "-c", "2", "-b", "24"), 44100, 2),
    ],
    ids=["8bit", "24bit", "32bit", "float32", "float64", "48k-stereo", "8k", "44k-stereo-24bit"],
)
def test_common_wavs_read_as_int16_keeping_duration_and_content(
    speech_wav: Path, convert: Sox, options: tuple[str, ...], rate: int, channels: int
) -> None:
    original = read_wav(speech_wav)
    converted = read_wav(convert(speech_wav, *options))
    assert (converted.rate, converted.width, converted.channels) == (rate, 2, channels)
    assert converted.seconds == pytest.approx(original.seconds, abs=0.002)
    # Same sound once both are 16 kHz mono (8 kHz loses the top band, hence the lower bar).
    assert similar(original.for_speech(), converted.for_speech()) > (0.9 if rate == 8000 else 0.99)


def test_iter_wav_streams_same_audio_as_read_wav(speech_wav: Path, convert: Sox) -> None:
    stereo = convert(speech_wav, "-r", "48000", "-c", "2")
    pieces = list(iter_wav(stereo, seconds=0.1))
    assert all((p.rate, p.width, p.channels) == (SPEECH_RATE, 2, 1) for p in pieces)
    assert all(p.frames == 1600 for p in pieces[:-1])
    assert 0 < pieces[-1].frames <= 1600
    streamed = concat(pieces)
    whole = read_wav(stereo).for_speech()
    assert streamed.frames == pytest.approx(whole.frames, abs=2)
    assert similar(streamed, whole) > 0.999


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_resampled_sine_keeps_its_frequency(tmp_path: Path, rate: int) -> None:
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([tone(1000, 2.0, rate)] * 2, axis=1), rate, subtype="PCM_16")
    streamed = concat(list(iter_wav(path)))
    assert streamed.seconds == pytest.approx(2.0, abs=0.001)
    assert peak_hz(streamed) == pytest.approx(1000, abs=2)
    assert peak_hz(read_wav(path).for_speech()) == pytest.approx(1000, abs=2)
    assert np.abs(streamed.to_float()).max() == pytest.approx(0.5, abs=0.02)


def test_16k_mono_streams_unchanged(tmp_path: Path) -> None:
    samples = (np.arange(16000) % 2000 - 1000).astype("<i2")
    path = tmp_path / "speech-format.wav"
    sf.write(path, samples, SPEECH_RATE, subtype="PCM_16")
    assert b"".join(p.audio for p in iter_wav(path, seconds=0.25)) == samples.tobytes()


def test_float_wav_is_clipped_not_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "loud.wav"
    sf.write(path, np.array([0.0, 1.5, -1.5, 0.5], dtype=np.float32), 16000, subtype="FLOAT")
    values = np.frombuffer(read_wav(path).audio, dtype="<i2")
    assert list(values[:3]) == [0, 32767, -32767]
    assert values[3] == pytest.approx(16384, abs=1)


def test_streaming_a_long_file_keeps_memory_bounded(tmp_path: Path) -> None:
    rate, minutes = 22050, 10
    path = tmp_path / "long.wav"
    with sf.SoundFile(path, "w", rate, 1, subtype="PCM_16") as f:
        for minute in range(minutes):
            f.write(np.zeros(rate * 50, dtype=np.float32))
            f.write(tone(440 + 100 * minute, 10.0, rate, 0.3))
    assert path.stat().st_size > 25_000_000
    tracemalloc.start()
    try:
        frames = 0
        last_tone = []
        for piece in iter_wav(path, seconds=0.5):
            frames += piece.frames
            if frames > SPEECH_RATE * (minutes * 60 - 9):
                last_tone.append(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB while streaming a 10-minute file"
    assert frames == pytest.approx(SPEECH_RATE * minutes * 60, abs=5)
    assert peak_hz(concat(last_tone[:-1])) == pytest.approx(440 + 100 * (minutes - 1), abs=3)


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 4])
@pytest.mark.parametrize("channels", [1, 2])
def test_write_then_read_round_trip(tmp_path: Path, width: int, channels: int) -> None:
    rng = np.random.default_rng(width * 10 + channels)
    raw = rng.integers(0, 256, size=width * channels * 1000, dtype=np.uint8).tobytes()
    chunk = AudioChunk(11025, width, channels, raw)
    path = tmp_path / "out.wav"
    write_wav(path, chunk)
    back = read_wav(path)
    assert (back.rate, back.channels, back.frames) == (11025, channels, 1000)
    # read_wav gives 16-bit: compare through float (1 LSB of 16-bit).
    assert np.abs(back.to_float() - chunk.to_float()).max() <= 1 / 32768 + 1e-7
    if width == 2:
        assert back == chunk


def test_write_is_atomic_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    path.write_bytes(b"old content")
    chunk = AudioChunk.from_float(tone(300, 0.2, 16000), 16000)
    write_wav(path, chunk)
    assert read_wav(path) == chunk
    assert os.listdir(tmp_path) == ["reply.wav"]
    assert path.read_bytes() == encode_wav(chunk)


def test_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    write_wav(path, AudioChunk(16000, 2, 1, bytes(32)))
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_into_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="does not exist; create it first"):
        write_wav(tmp_path / "nope" / "x.wav", AudioChunk(16000, 2, 1, bytes(32)))


def test_write_over_a_folder_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "taken.wav").mkdir()
    with pytest.raises(AudioError, match="could not write"):
        write_wav(tmp_path / "taken.wav", AudioChunk(16000, 2, 1, bytes(32)))
    assert sorted(os.listdir(tmp_path)) == ["taken.wav"]


# --- broken files: a clear AudioError, never another exception ----------------------------


def _broken_files(folder: Path, speech: Path) -> dict[str, Path]:
    data = speech.read_bytes()
    rng = np.random.default_rng(7)
    files = {
        "empty": b"",
        "header only": data[:44],
        "short header": data[:30],
        "truncated": data[:20_000],
        "truncated mid-sample": data[:20_001],
        "text": b"i feel so guilty about missing bedtime\n" * 20,
        "mp3-like": b"ID3\x03\x00\x00\x00\x00\x00\x00" + rng.bytes(4000),
        "mp3 frames": b"\xff\xfb\x90\x64" + rng.bytes(4000),
        "random bytes": b"\x13\x37" + rng.bytes(4000),
        "riff not wave": b"RIFF\x00\x10\x00\x00AVI LIST" + rng.bytes(100),
    }
    paths = {}
    for name, content in files.items():
        path = folder / (name.replace(" ", "_") + ".wav")
        path.write_bytes(content)
        paths[name] = path
    return paths


EXPECTED = {
    "empty": "is empty (0 bytes)",
    "header only": "contains no audio",
    "short header": "is a damaged WAV file",
    "truncated": "is truncated: its header announces 1.38 s of audio but only 0.45 s",
    "truncated mid-sample": "is truncated",
    "text": "is not a WAV file (it looks like text: 'i feel so guilty about",
    "mp3-like": "is not a WAV file (it looks like MP3 audio). Convert it first",
    "mp3 frames": "is not a WAV file (it looks like MP3 or AAC audio)",
    "random bytes": "is not a WAV file (it looks like unknown data starting with 13 37",
    "riff not wave": "a RIFF file of type 'AVI ', not WAVE",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_broken_files_raise_clear_audio_errors(tmp_path: Path, speech_wav: Path, kind: str) -> None:
    path = _broken_files(tmp_path, speech_wav)[kind]
    for attempt in (lambda: read_wav(path), lambda: iter_wav(path)):
        with pytest.raises(AudioError) as caught:
            attempt()
        assert str(path) in str(caught.value)
        assert EXPECTED[kind] in str(caught.value)


def test_espeak_stdout_placeholder_sizes_are_not_truncation(tmp_path: Path) -> None:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.fail(
            "espeak-ng is not installed (Debian: apt install espeak-ng; `make test` does it)"
        )
    path = tmp_path / "piped.wav"
    path.write_bytes(
        subprocess.run([espeak, "--stdout", "hello"], capture_output=True, check=True).stdout
    )
    assert read_wav(path).seconds > 0.2


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not found; check the path"):
        read_wav(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="is a folder"):
        read_wav(tmp_path)
    with pytest.raises(AudioError, match="not found"):
        iter_wav(tmp_path / "missing.wav")


def test_too_long_for_read_wav_but_streamable(tmp_path: Path) -> None:
    path = tmp_path / "three-seconds.wav"
    sf.write(path, tone(200, 3.0, 16000), 16000, subtype="PCM_16")
    with pytest.raises(AudioError, match=r"is 3 s long; the limit here is 2 s\..*iter_wav"):
        read_wav(path, max_seconds=2)
    with pytest.raises(AudioError, match="limit here is 1 s"):
        iter_wav(path, max_seconds=1)
    assert sum(p.seconds for p in iter_wav(path)) == pytest.approx(3.0)


def test_every_odd_file_gives_a_chunk_or_an_audio_error(
    tmp_path: Path, speech_wav: Path, convert: Sox
) -> None:
    candidates = [
        *_broken_files(tmp_path, speech_wav).values(),
        convert(speech_wav, "-b", "8"),
        convert(speech_wav, "-e", "u-law"),
        convert(speech_wav, "-e", "a-law"),
        convert(speech_wav, "-e", "ima-adpcm"),
        convert(speech_wav, "-e", "gsm-full-rate"),
        convert(speech_wav, "-r", "96000", "-c", "6"),
    ]
    readable = 0
    for path in candidates:
        for read in (read_wav, lambda p: concat(list(iter_wav(p)))):
            try:
                chunk = read(path)
            except AudioError as e:
                assert str(path) in str(e)
            else:
                readable += 1
                assert chunk.frames > 0
    assert readable == 12  # the six sox files, by both readers
