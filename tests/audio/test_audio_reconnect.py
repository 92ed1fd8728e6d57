"""The waits between attempts to get the microphone back (the reconnection itself runs on a
real sound server in tests/test_live_audio.py)."""

from __future__ import annotations

from itertools import islice

import pytest

from audio.chunk import AudioError
from audio.reconnect import Backoff


def test_waits_double_up_to_the_limit() -> None:
    assert list(islice(Backoff().delays(), 9)) == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert list(islice(Backoff(first_s=2, factor=1.5, max_s=4).delays(), 4)) == [2, 3, 4, 4]


@pytest.mark.parametrize("kwargs", [{"first_s": 0}, {"first_s": 5, "max_s": 1}, {"factor": 0.5}])
def test_bad_backoff_is_an_audio_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(AudioError, match="backoff needs"):
        Backoff(**kwargs)
