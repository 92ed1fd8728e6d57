"""The feelings chart, drawn on the server as SVG (no script, no library, readable aloud)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from voice.dialogue.checkin import CheckIn

COLOURS = (
    "#b85c38", "#3d7ea6", "#6a994e", "#9c6644", "#7b5ea7",
    "#d4a017", "#c44569", "#2a9d8f", "#8d99ae", "#e76f51", "#457b9d",
)  # fmt: skip
WIDTH, HEIGHT, PAD = 640, 220, 28


@dataclass(frozen=True)
class Bucket:
    """One bar: a day or a week, and the feelings named in it."""

    label: str
    """``Mon 3`` for a day, ``from 2 Dec`` for a week."""
    counts: Counter[str]
    """Feeling -> times named."""


def buckets(checkins: Sequence[CheckIn], today: date, *, days: int, week: bool) -> list[Bucket]:
    """``days`` days (or weeks, starting Monday) up to ``today``, oldest first."""
    span = 7 if week else 1
    first = today - timedelta(days=today.weekday()) if week else today
    starts = [first - timedelta(days=span * i) for i in range(days - 1, -1, -1)]
    out = [Bucket(_label(s, week), Counter()) for s in starts]
    for checkin in checkins:
        day = checkin.started.date()
        for i, start in enumerate(starts):
            if start <= day < start + timedelta(days=span):
                out[i].counts.update(checkin.feelings)
    return out


def _label(start: date, week: bool) -> str:
    return f"from {start.day} {start:%b}" if week else f"{start:%a} {start.day}"


def svg(bars: Sequence[Bucket], title: str) -> str:
    """A stacked bar chart, one colour per feeling, with its legend and a text title."""
    feelings = sorted({f for b in bars for f in b.counts})
    colour = {f: COLOURS[i % len(COLOURS)] for i, f in enumerate(feelings)}
    top = max([sum(b.counts.values()) for b in bars] + [1])
    slot = (WIDTH - 2 * PAD) / max(len(bars), 1)
    scale = (HEIGHT - 2 * PAD) / top
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 20 * ((len(feelings) + 3) // 4)}" '
        f'role="img" aria-labelledby="chart-{id(bars)}"><title id="chart-{id(bars)}">'
        f"{escape(title)}</title>"
    ]
    for i, bar in enumerate(bars):
        x, y = PAD + i * slot, float(HEIGHT - PAD)
        for feeling in feelings:
            n = bar.counts.get(feeling, 0)
            if n:
                h = n * scale
                y -= h
                parts.append(
                    f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" height="{h:.1f}" '
                    f'fill="{colour[feeling]}"><title>{escape(bar.label)}: '
                    f"{escape(feeling)} {n}</title></rect>"
                )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle" '
            f'font-size="10">{escape(bar.label)}</text>'
        )
    parts.append(f'<text x="4" y="{PAD - 8}" font-size="10">most: {top}</text>')
    for i, feeling in enumerate(feelings):
        x, y = PAD + (i % 4) * 150, HEIGHT + 20 * (i // 4) + 4
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour[feeling]}"/>'
            f'<text x="{x + 16}" y="{y + 11}" font-size="12" class="legend">{escape(feeling)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
