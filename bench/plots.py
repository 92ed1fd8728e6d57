"""The PNG figures of docs/benchmarks.md, drawn with matplotlib from one run's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a Pi or in CI

import matplotlib.pyplot as plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def accuracy_by_condition(speech: dict[str, Any], path: Path) -> Path:
    """Intent accuracy and false accepts per condition, one bar per engine configuration."""
    conditions = speech["conditions"]
    engines = sorted({key.split(" | ")[0] for key in speech["results"]})
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    width = 0.8 / len(engines)
    for i, engine in enumerate(engines):
        # A configuration not run in a condition (--quick skips some) leaves a gap.
        missing = {"accuracy": float("nan"), "false_accepts": float("nan")}
        rows = [speech["results"].get(f"{engine} | {c}", missing) for c in conditions]
        xs = [x + i * width for x in range(len(conditions))]
        axes[0].bar(xs, [100 * r["accuracy"] for r in rows], width, label=engine)
        axes[1].bar(xs, [100 * r["false_accepts"] for r in rows], width, label=engine)
    for ax, title in zip(
        axes, ("intent accuracy (%)", "false accepts on chatter (%)"), strict=True
    ):
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(conditions))], conditions)
        ax.set_title(title)
        ax.set_ylim(0, 100)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    return _save(fig, path)


def accuracy_by_voice(speech: dict[str, Any], engine: str, path: Path) -> Path:
    """Intent accuracy of one engine per voice, a line per condition."""
    voices = speech["voices"]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    for condition in speech["conditions"]:
        per_voice = speech["results"][f"{engine} | {condition}"]["per_voice"]
        ax.plot(voices, [100 * per_voice.get(v, 0.0) for v in voices], marker="o", label=condition)
    ax.set_title(f"intent accuracy per voice, {engine} (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path)


def latency(speech: dict[str, Any], path: Path) -> Path:
    """Reply latencies through the loop at real-time pace and at full speed."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    data = [speech["latency_realtime"], speech["latency_fullspeed"]]
    labels = ["real-time pace", "full speed"]
    if speech.get("latency_after_end"):
        data.append(speech["latency_after_end"])
        labels.append("real-time, decoded\nafter the end (baseline)")
    ax.boxplot(data, tick_labels=labels, vert=False)
    ax.axvline(400, color="green", linestyle="--", linewidth=1, label="p50 target 400 ms")
    ax.axvline(700, color="orange", linestyle="--", linewidth=1, label="p95 target 700 ms")
    ax.set_xlabel("end of speech -> first reply sample (ms)")
    ax.legend(fontsize=8)
    return _save(fig, path)


def soak(soak_figures: dict[str, Any], path: Path) -> Path:
    """RSS and open descriptors over the soak."""
    samples = soak_figures["samples"]
    minutes = [s.minute for s in samples]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    ax.plot(minutes, [s.rss_mb for s in samples], marker="o", color="tab:blue")
    ax.set_xlabel("minutes of audio")
    ax.set_ylabel("RSS (MB)", color="tab:blue")
    ax.set_ylim(0, max(s.rss_mb for s in samples) * 1.2)
    other = ax.twinx()
    other.plot(minutes, [s.fds for s in samples], marker="s", color="tab:red")
    other.set_ylabel("open descriptors", color="tab:red")
    other.set_ylim(0, max(s.fds for s in samples) * 1.5)
    ax.set_title("soak: memory and descriptors stay flat")
    ax.grid(alpha=0.3)
    return _save(fig, path)
