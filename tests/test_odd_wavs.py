"""Odd WAV files through `hearth understand` and `hearth run --input`: each gives a result
or a one-line message naming the file and what is wrong, never a traceback, and an hour
of audio costs no more memory than a sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from speech_kit import speak

from audio.chunk import silence
from audio.wav import write_wav
from bench.process_stats import hearth_env, run_measured

pytestmark = pytest.mark.slow  # subprocesses or real speech: the fast tier leaves them out

SENTENCE = ("en-us+f3", "hey hearth i feel exhausted")
# name -> (sox output format options, sox effects) applied to the spoken sentence
RECODED = {
    "eight_bit.wav": (["-b", "8"], []),
    "24_bit.wav": (["-b", "24"], []),
    "stereo_48k.wav": (["-r", "48000", "-c", "2"], []),
    "all_clipping.wav": ([], ["gain", "40"]),
}
BROKEN = {
    "empty.wav": "is empty",
    "header_only.wav": "contains no audio",
    "truncated.wav": "is truncated",
    "shopping_list.wav": "is not a WAV file",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("odd_wavs")
    good = folder / "sentence.wav"
    write_wav(good, speak(SENTENCE[1], SENTENCE[0], folder / "raw.wav"))
    (folder / "raw.wav").unlink()
    for name, (options, effects) in RECODED.items():
        subprocess.run(["sox", "-q", str(good), *options, str(folder / name), *effects], check=True)
    data = good.read_bytes()
    (folder / "empty.wav").write_bytes(b"")
    (folder / "header_only.wav").write_bytes(data[:44])
    (folder / "truncated.wav").write_bytes(data[: len(data) // 10])
    (folder / "shopping_list.wav").write_text("milk, eggs, nappies\n")
    write_wav(folder / "silence.wav", silence(2.0))
    # An hour of a quiet kitchen (range-hood-like noise), 115 MB.
    subprocess.run(
        [
            "sox",
            "-q",
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(folder / "one_hour.wav"),
            "synth",
            "3600",
            "brownnoise",
            "vol",
            "0.02",
        ],
        check=True,
    )
    return folder


def _hearth(*args: str, home: Path) -> tuple[int, str, str, float]:
    """Run hearth; returns exit code, stdout, stderr and the child's own peak RSS in MB."""
    run = run_measured(
        [sys.executable, "-m", "voice", *args, "--engine", "pocketsphinx"],
        hearth_env(home),
        timeout=600,
    )
    return run.returncode, run.stdout, run.stderr, run.peak_rss_mb


def test_understand_answers_each_file_or_says_what_is_wrong(corpus: Path, tmp_path: Path) -> None:
    files = sorted(corpus.glob("*.wav"))
    code, out, err, _peak = _hearth("understand", "--json", *map(str, files), home=tmp_path)
    assert "Traceback" not in err, err
    rows = {Path(r["file"]).name: r for r in map(json.loads, out.splitlines())}
    assert set(rows) == {f.name for f in files}
    for name in ("sentence.wav", "stereo_48k.wav", "24_bit.wav"):
        assert rows[name]["intent"] == "name_feeling", rows[name]
        assert rows[name]["slots"] == {"feeling": "tired"}, rows[name]
    for name in ("eight_bit.wav", "all_clipping.wav"):
        # Read and recognised; their distortion may cost the words, never an error.
        assert "error" not in rows[name], rows[name]
        assert set(rows[name]["timings"]) >= {"asr_ms", "match_ms"}
    for name, problem in BROKEN.items():
        assert problem in rows[name]["error"], rows[name]
    assert rows["silence.wav"]["intent"] is None
    assert "hearth run --input" in rows["one_hour.wav"]["error"], rows["one_hour.wav"]
    assert code == 1  # some files could not be read


@pytest.mark.parametrize("name", [*RECODED, *BROKEN, "silence.wav"])
def test_run_over_each_odd_file(corpus: Path, tmp_path: Path, name: str) -> None:
    reply = tmp_path / "reply.wav"
    code, out, err, _peak = _hearth(
        "run", "--input", str(corpus / name), "--output", str(reply), home=tmp_path
    )
    assert "Traceback" not in err, err
    if name in BROKEN:
        assert code == 1
        message = [line for line in err.splitlines() if line.startswith("hearth:")]
        assert len(message) == 1 and str(corpus / name) in message[0], err
        assert BROKEN[name] in message[0]
        assert not reply.exists()
    else:
        assert code == 0, err
        assert reply.stat().st_size > 44
        if name in ("24_bit.wav", "stereo_48k.wav"):
            assert "hearth [name_feeling]" in out, out


@pytest.mark.slow
def test_an_hour_costs_no_more_memory_than_a_sentence(corpus: Path, tmp_path: Path) -> None:
    peaks = {}
    for name in ("sentence.wav", "one_hour.wav"):
        home = tmp_path / name
        home.mkdir()
        reply = home / "reply.wav"
        code, _out, err, peaks[name] = _hearth(
            "run", "--input", str(corpus / name), "--output", str(reply), home=home
        )
        assert code == 0, err
    assert reply.stat().st_size >= 3600 * 16000 * 2  # the reply track spans the hour
    print(f"peak RSS of hearth run: {peaks}")
    assert peaks["one_hour.wav"] <= 1.15 * peaks["sentence.wav"], peaks
