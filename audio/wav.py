"""WAV files in and out: any common WAV read as int16, streamed as 16 kHz mono pieces.

``read_wav`` keeps the file's rate and channel count but always returns 16-bit
samples (8/24/32-bit integer and 32/64-bit float are converted; float is clipped
to [-1, 1]); call ``for_speech()`` on the result for the recognisers.
``iter_wav`` streams 16 kHz mono int16 pieces, so memory stays small for long
files. Every problem with a file is an ``AudioError`` that names the file and
says what to do.
"""

from __future__ import annotations

import io
import math
import os
import struct
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError
from audio.convert import SpeechConverter

StrPath = str | os.PathLike[str]

DEFAULT_MAX_SECONDS = 3600.0
"""``read_wav`` refuses longer files (they would not fit in memory comfortably)."""

_BLOCK_FRAMES = 65_536
_HEADER_PEEK = 64 * 1024
_STREAMING_SIZE = 0x7F00_0000
"""Sizes at least this large are placeholders written by programs that stream to a pipe."""
_FLOAT_SUBTYPES = {"FLOAT", "DOUBLE"}
_WRITE_SUBTYPES = {1: "PCM_U8", 2: "PCM_16", 4: "PCM_32"}
_SAMPLE_DTYPES = {1: "u1", 2: "<i2", 4: "<i4"}

_MAGIC = [
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg audio (Vorbis or Opus)"),
    (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "WebM or Matroska media"),
    (b"#!AMR", "AMR audio"),
    (b"caff", "Core Audio (CAF) audio"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
]


def read_wav(
    path: StrPath, max_seconds: float = DEFAULT_MAX_SECONDS, too_long_advice: str = ""
) -> AudioChunk:
    """The whole file as one 16-bit chunk at the file's own rate and channel count.

    A file over ``max_seconds`` is refused before it is read, with ``too_long_advice``
    (default: how to cut it) in the message.
    """
    name, info = _check(path)
    if info.duration > max_seconds:
        advice = too_long_advice or (
            f"Cut it (e.g. `sox {name} short.wav trim 0 60`) or stream it with iter_wav()."
        )
        raise AudioError(
            f"{name} is {_minutes(info.duration)} long; the limit here is "
            f"{_minutes(max_seconds)}. {advice}"
        )
    out = np.empty((info.frames, info.channels), dtype="<i2")
    done = 0
    with _open(path, name) as f:
        for block in _blocks(f, name, _BLOCK_FRAMES, float_out=False):
            out[done : done + len(block)] = block
            done += len(block)
    return AudioChunk(info.samplerate, 2, info.channels, out[:done].tobytes())


def iter_wav(
    path: StrPath, seconds: float = 0.1, max_seconds: float | None = None
) -> Iterator[AudioChunk]:
    """Stream the file as 16 kHz mono int16 pieces of ``seconds`` each (the last may be shorter).

    The file is checked now (errors are raised by this call, not by the first
    ``next()``); it is then read block by block, so a long file uses little memory.
    """
    if seconds <= 0:
        raise AudioError(f"piece length must be positive, not {seconds} s")
    name, info = _check(path)
    if max_seconds is not None and info.duration > max_seconds:
        raise AudioError(
            f"{name} is {_minutes(info.duration)} long; the limit here is {_minutes(max_seconds)}. "
            f"Cut it, e.g. `sox {name} short.wav trim 0 60`."
        )
    return _stream(path, name, info, seconds)


def write_wav(path: StrPath, chunk: AudioChunk) -> None:
    """Write the chunk as a PCM WAV file, atomically (a temporary file renamed into place)."""
    write_wav_chunks(path, [chunk])


def write_wav_chunks(path: StrPath, chunks: Iterable[AudioChunk]) -> None:
    """Write chunks of one format as one PCM WAV file, atomically, holding one chunk at a time.

    An hour of output costs the memory of one chunk, not of the hour.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise AudioError(f"cannot write {target}: folder {folder} does not exist; create it first")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w+b") as out:
            _encode_into(out, chunks)
            out.flush()
            os.fsync(out.fileno())
            # mkstemp makes the file private; give it the usual permissions of a file.
            os.fchmod(out.fileno(), target.stat().st_mode & 0o777 if target.is_file() else 0o644)
        os.replace(tmp, target)
    except OSError as e:
        raise AudioError(
            f"could not write {target}: {e.strerror or e}; check free space and permissions"
        ) from e
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def encode_wav(chunk: AudioChunk) -> bytes:
    """The chunk as the bytes of a PCM WAV file (8-bit unsigned, 16-bit or 32-bit)."""
    buffer = io.BytesIO()
    _encode_into(buffer, [chunk])
    return buffer.getvalue()


def _encode_into(out: Any, chunks: Iterable[AudioChunk]) -> None:
    sink: Any = None
    fmt: tuple[int, int, int] | None = None
    try:
        for chunk in chunks:
            if fmt is None:
                fmt = (chunk.rate, chunk.width, chunk.channels)
                subtype = _WRITE_SUBTYPES[chunk.width]
                sink = sf.SoundFile(
                    out, "w", chunk.rate, chunk.channels, subtype=subtype, format="WAV"
                )
            elif (chunk.rate, chunk.width, chunk.channels) != fmt:
                raise AudioError(
                    f"cannot write {chunk.rate} Hz/{chunk.width * 8}-bit/{chunk.channels}-channel "
                    f"audio after {fmt[0]} Hz/{fmt[1] * 8}-bit/{fmt[2]}-channel in one WAV file"
                )
            samples = np.frombuffer(chunk.audio, dtype=_SAMPLE_DTYPES[chunk.width])
            samples = samples.reshape(-1, chunk.channels)
            if chunk.width == 1:  # soundfile does not take uint8: widen, libsndfile narrows it back
                samples = (samples.astype(np.int16) - 128) << 8
            sink.write(samples)
        if sink is None:
            raise AudioError("nothing to write: no audio was given")
    finally:
        if sink is not None:
            sink.close()


# --- checks ------------------------------------------------------------------------------------


def _check(path: StrPath) -> tuple[str, Any]:
    """Check the file is a readable, complete, non-empty WAV; return its name and soundfile info."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(_HEADER_PEEK)
    except FileNotFoundError:
        raise AudioError(f"{name} not found; check the path and the current folder") from None
    except IsADirectoryError:
        raise AudioError(f"{name} is a folder; give the path of a .wav file inside it") from None
    except OSError as e:
        raise AudioError(f"cannot read {name}: {e.strerror or e}") from None
    if size == 0:
        raise AudioError(f"{name} is empty (0 bytes); record or export it again as WAV")
    if head[:4] not in (b"RIFF", b"RIFX", b"RF64", b"BW64") or head[8:12] != b"WAVE":
        what = _describe(head)
        hint = (
            f"Convert it first, e.g. `ffmpeg -i {name} -ac 1 -ar 16000 out.wav`."
            if "audio" in what or "media" in what
            else "Give the path of a WAV recording."
        )
        raise AudioError(f"{name} is not a WAV file (it looks like {what}). {hint}")
    declared = _declared_data_bytes(head)
    try:
        info = sf.info(name)
    except sf.SoundFileError as e:
        raise AudioError(
            f"{name} is a damaged WAV file ({_libsndfile_reason(e)}); export or copy it again"
        ) from None
    if info.frames == 0:
        raise AudioError(f"{name} contains no audio (its data is empty); record it again")
    frame_bytes = _frame_bytes(info)
    if declared is not None and frame_bytes and declared > info.frames * frame_bytes + frame_bytes:
        expected = declared / frame_bytes / info.samplerate
        raise AudioError(
            f"{name} is truncated: its header announces {expected:.2f} s of audio but only "
            f"{info.duration:.2f} s is there; copy or export the file again"
        )
    return name, info


def _declared_data_bytes(head: bytes) -> int | None:
    """Size of the 'data' chunk as the RIFF header states it; None when unknown or a placeholder."""
    if head[:4] != b"RIFF":
        return None
    pos = 12
    while pos + 8 <= len(head):
        chunk_id = head[pos : pos + 4]
        (size,) = struct.unpack_from("<I", head, pos + 4)
        if chunk_id == b"data":
            return size if 0 < size < _STREAMING_SIZE else None
        pos += 8 + size + (size & 1)
    return None


def _frame_bytes(info: Any) -> int:
    """Bytes per frame for plain PCM and float WAVs; 0 for compressed ones (no truncation check)."""
    width = {"PCM_U8": 1, "PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "FLOAT": 4, "DOUBLE": 8}
    return width.get(info.subtype, 0) * int(info.channels)


def _describe(head: bytes) -> str:
    """A guess at what a non-WAV file is, for the error message."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "MP3 or AAC audio"
    if head[4:8] == b"ftyp":
        return "MP4/M4A media"
    if head[:4] == b"FORM":
        return "AIFF audio"
    if head[:4] == b"RIFF":
        return f"a RIFF file of type {head[8:12].decode('latin-1')!r}, not WAVE"
    try:
        text = head[:200].decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(c.isprintable() or c.isspace() for c in text):
        words = " ".join(text.split())[:30]
        return f"text: {words!r}"
    return f"unknown data starting with {head[:4].hex(' ')}"


def _libsndfile_reason(error: Exception) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


# --- reading -----------------------------------------------------------------------------------


def _open(path: StrPath, name: str) -> Any:
    try:
        return sf.SoundFile(os.fspath(path))
    except (sf.SoundFileError, OSError) as e:
        raise AudioError(
            f"cannot read {name} ({_libsndfile_reason(e)}); export or copy it again"
        ) from None


def _blocks(f: Any, name: str, frames: int, float_out: bool) -> Iterator[np.ndarray]:
    """Blocks of shape (n, channels): int16, or float32 in [-1, 1] when ``float_out``."""
    as_float = float_out or f.subtype in _FLOAT_SUBTYPES
    while True:
        try:
            block = f.read(frames, dtype="float32" if as_float else "int16", always_2d=True)
        except (sf.SoundFileError, OSError) as e:
            raise AudioError(
                f"cannot read {name} ({_libsndfile_reason(e)}); export or copy it again"
            ) from None
        if not len(block):
            return
        if as_float:
            np.clip(np.nan_to_num(block, copy=False), -1.0, 1.0, out=block)
            if not float_out:
                block = np.round(block * 32767.0).astype("<i2")
        yield block


def _stream(path: StrPath, name: str, info: Any, seconds: float) -> Iterator[AudioChunk]:
    piece_bytes = 2 * max(1, int(SPEECH_RATE * seconds))
    native = (
        info.samplerate == SPEECH_RATE
        and info.channels == 1
        and info.subtype not in _FLOAT_SUBTYPES
    )
    converter = SpeechConverter(info.samplerate, info.channels)
    block_frames = max(1, math.ceil(info.samplerate * seconds))
    pending = bytearray()
    with _open(path, name) as f:
        for block in _blocks(f, name, block_frames, float_out=not native):
            if native:
                pending += block.tobytes()
            else:
                pending += converter.convert_float(block).audio
            while len(pending) >= piece_bytes:
                yield AudioChunk(SPEECH_RATE, 2, 1, bytes(pending[:piece_bytes]))
                del pending[:piece_bytes]
    pending += converter.flush().audio
    for start in range(0, len(pending), piece_bytes):
        yield AudioChunk(SPEECH_RATE, 2, 1, bytes(pending[start : start + piece_bytes]))
