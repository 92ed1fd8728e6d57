"""Scripts edited while Hearth runs: new ones take effect, broken ones never take it down."""

from __future__ import annotations

from pathlib import Path

from voice.understanding.library import ScriptLibrary

STORY = """intent: bedtime_story
phrases:
  - "tell me the owl story"
replies:
  - "Once upon a time, a small owl could not sleep."
"""
BROKEN = """intent: bedtime_story
phrases:
  - "tell me the (owl story"
replies:
  - "Once upon a time."
"""


def test_an_added_script_is_used_after_reload(small_scripts: Path) -> None:
    library = ScriptLibrary([small_scripts])
    assert not library.reload_if_changed().reloaded  # nothing changed yet
    assert library.brain.matcher.match("tell me the owl story").intent is None
    (small_scripts / "story.yaml").write_text(STORY, encoding="utf-8")
    result = library.reload_if_changed()
    assert result.reloaded and result.error is None
    assert library.brain.matcher.match("tell me the owl story").intent == "bedtime_story"


def test_a_broken_edit_keeps_the_last_good_scripts_until_fixed(small_scripts: Path) -> None:
    library = ScriptLibrary([small_scripts])
    good = library.brain
    story = small_scripts / "story.yaml"
    story.write_text(BROKEN, encoding="utf-8")
    result = library.reload_if_changed()
    assert not result.reloaded and result.error is not None
    assert f"{story}:3:" in str(result.error)  # file:line of the problem
    assert library.brain is good and library.last_error is result.error
    assert library.brain.matcher.match("give me a mantra").intent == "mantra"
    assert not library.reload_if_changed().reloaded  # unchanged: not reported again
    story.write_text(STORY, encoding="utf-8")
    fixed = library.reload_if_changed()
    assert fixed.reloaded and library.last_error is None
    assert library.brain.matcher.match("tell me the owl story").intent == "bedtime_story"


def test_background_reload_never_makes_the_caller_wait(small_scripts: Path) -> None:
    library = ScriptLibrary([small_scripts])
    old = library.brain
    (small_scripts / "story.yaml").write_text(STORY, encoding="utf-8")
    first = library.reload_in_background()
    assert not first.reloaded and first.error is None
    library.wait_for_reload(timeout=60)
    done = library.reload_in_background()  # the finished build is reported once
    assert done.reloaded and library.brain is not old
    assert library.brain.matcher.match("tell me the owl story").intent == "bedtime_story"
    assert not library.reload_in_background().reloaded


def test_background_reload_reports_a_broken_edit(small_scripts: Path) -> None:
    library = ScriptLibrary([small_scripts])
    good = library.brain
    (small_scripts / "story.yaml").write_text(BROKEN, encoding="utf-8")
    library.reload_in_background()
    library.wait_for_reload(timeout=60)
    result = library.reload_in_background()
    assert not result.reloaded and result.error is not None
    assert "story.yaml:3:" in str(result.error)
    assert library.brain is good


def test_a_cached_build_is_reused_until_a_script_changes(
    small_scripts: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "brains"
    first = ScriptLibrary([small_scripts], cache_dir=cache)
    stored = list(cache.glob("brain-*.pickle"))
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    again = ScriptLibrary([small_scripts], cache_dir=cache)
    assert again.brain is not first.brain
    for text in ("i feel so guilty today", "give me a mantra", "put your shoes on"):
        assert again.brain.matcher.match(text) == first.brain.matcher.match(text)
    (small_scripts / "story.yaml").write_text(STORY, encoding="utf-8")
    edited = ScriptLibrary([small_scripts], cache_dir=cache)
    assert edited.brain.matcher.match("tell me the owl story").intent == "bedtime_story"
    assert len(list(cache.glob("brain-*.pickle"))) == 2
    assert (
        ScriptLibrary([small_scripts], cache_dir=cache, threshold=0.9).brain.matcher.threshold
        == 0.9
    )


def test_a_damaged_cached_build_is_rebuilt_quietly(small_scripts: Path, tmp_path: Path) -> None:
    cache = tmp_path / "brains"
    ScriptLibrary([small_scripts], cache_dir=cache)
    (stored,) = cache.glob("brain-*.pickle")
    stored.write_bytes(b"not a pickle at all")
    library = ScriptLibrary([small_scripts], cache_dir=cache)
    assert library.brain.matcher.match("give me a mantra").intent == "mantra"
    assert stored.read_bytes() != b"not a pickle at all"  # written again
