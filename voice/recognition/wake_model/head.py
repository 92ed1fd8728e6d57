"""The trained "hey hearth" head: a small MLP over 16 embeddings, in numpy.

Its weights are ``hey_hearth.npz`` beside this module, made by ``tools/wake``
(``make wake-model``) from synthetic voices only; no openWakeWord head is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.recognition.recognizer import RecognizerError

MODEL_PATH = Path(__file__).with_name("hey_hearth.npz")
WINDOW = 16
"""Embeddings per window: 1.28 s of features, about 2 s of sound."""


@dataclass(frozen=True)
class Head:
    """Layers (weights, bias) with ReLU between them and a logistic output."""

    layers: list[tuple[np.ndarray, np.ndarray]]
    """(weights, bias) per layer, input first."""
    mean: np.ndarray
    """Per-input mean the windows are standardised with."""
    std: np.ndarray
    """Per-input spread the windows are standardised with."""
    threshold: float
    """The score that wakes at sensitivity 0.5 (chosen in training)."""

    def scores(self, windows: np.ndarray) -> np.ndarray:
        """Wake probability for each flattened window, shape (n,)."""
        x = (windows.astype(np.float32) - self.mean) / self.std
        for weights, bias in self.layers[:-1]:
            x = np.maximum(x @ weights + bias, 0.0)
        weights, bias = self.layers[-1]
        logit = np.clip((x @ weights + bias)[:, 0], -60.0, 60.0)
        return 1.0 / (1.0 + np.exp(-logit))  # type: ignore[no-any-return]

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything to save, by name."""
        out = {"mean": self.mean, "std": self.std, "threshold": np.array(self.threshold)}
        for i, (weights, bias) in enumerate(self.layers):
            out[f"w{i}"], out[f"b{i}"] = weights, bias
        return out

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Head:
        """The head saved in ``path``; raises RecognizerError when it cannot be read."""
        try:
            with np.load(path) as data:
                count = sum(1 for name in data.files if name.startswith("w"))
                layers = [(data[f"w{i}"], data[f"b{i}"]) for i in range(count)]
                return cls(layers, data["mean"], data["std"], float(data["threshold"]))
        except (OSError, KeyError, ValueError) as err:
            raise RecognizerError(
                f"the wake model {path} cannot be read ({err}); reinstall Hearth or run "
                "`make wake-model` to make it again"
            ) from err
