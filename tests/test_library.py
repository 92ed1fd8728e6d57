"""Scripts edited while Hearth runs: new ones take effect, broken ones never take it down."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WriteScripts
from voice.errors import ScriptError
from voice.scripts.loader import load_scripts
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


MY_FILES = {
    "story.yaml": STORY,
    "typo.yaml": """
        intent: lullaby
        phrases:
          - "sing me a lullaby"
        replies:
          - "Hush now."
        action: summarise
    """,
}


def test_a_broken_user_file_is_left_out_at_start_and_the_rest_runs(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(MY_FILES, folder="user")
    library = ScriptLibrary([small_scripts, user])
    matcher = library.brain.matcher
    assert matcher.match("tell me the owl story").intent == "bedtime_story"
    assert matcher.match("give me a mantra").intent == "mantra"
    assert "lullaby" not in library.brain.scripts.intents
    (problem,) = library.left_out
    assert (problem.file, problem.line) == (user / "typo.yaml", 6)
    assert library.notice is not None
    assert f"{user / 'typo.yaml'} (line 6: unknown action 'summarise'" in library.notice
    assert library.notice.endswith("run `hearth intents validate` to see every problem.")


def test_a_broken_user_crisis_file_leaves_the_default_crisis_in_use(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {"crisis.yaml": 'intent: crisis\nphrases: ["i am in (danger"]\nreplies: ["Call."]\n'},
        folder="user",
    )
    library = ScriptLibrary([small_scripts, user])
    crisis = library.brain.scripts.intents["crisis"]
    assert crisis.source == small_scripts / "crisis.yaml"
    assert library.brain.matcher.match("i want to kill myself").intent == "crisis"
    assert library.brain.matcher.match("i do not want to live anymore").intent == "crisis"
    assert [p.file.name for p in library.left_out] == ["crisis.yaml"]


def test_a_file_that_leads_to_a_left_out_intent_is_left_out_too(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    files = dict(MY_FILES)
    files["ask.yaml"] = """
        intent: ask_song
        phrases: ["shall we have a song"]
        replies: ["Lovely."]
        follow_up:
          question: "Which one?"
          answers: {other: lullaby}
    """
    user = write_scripts(files, folder="user")
    library = ScriptLibrary([small_scripts, user])
    assert {p.file.name for p in library.left_out} == {"typo.yaml", "ask.yaml"}
    assert "bedtime_story" in library.brain.scripts.intents
    assert library.notice is not None and "ask.yaml (line 6:" in library.notice


def test_user_lists_that_break_the_defaults_are_left_out(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {
            "lists/feelings.yaml": "lists:\n  feeling:\n    sad: {noun: sadness, words: [sad]}\n",
            "story.yaml": STORY,
        },
        folder="user",
    )
    library = ScriptLibrary([small_scripts, user])
    (problem,) = library.left_out
    assert problem.file == user / "lists" / "feelings.yaml"
    assert "'guilty' is not a feeling" in problem.message
    assert library.brain.matcher.match("i feel so guilty today").slots == {"feeling": "guilty"}
    assert library.brain.matcher.match("tell me the owl story").intent == "bedtime_story"


def test_broken_defaults_still_stop_the_start(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    (small_scripts / "story.yaml").write_text(BROKEN, encoding="utf-8")
    user = write_scripts({"mine.yaml": STORY.replace("bedtime_story", "mine")}, folder="user")
    with pytest.raises(ScriptError, match=r"story\.yaml:3:"):
        ScriptLibrary([small_scripts, user])


def test_scripts_that_validate_load_the_same_at_start(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts({"story.yaml": STORY}, folder="user")
    library = ScriptLibrary([small_scripts, user])
    assert library.brain.scripts == load_scripts([small_scripts, user])
    assert library.left_out == () and library.notice is None


def test_while_running_a_broken_edit_is_refused_even_after_a_lenient_start(
    small_scripts: Path, write_scripts: WriteScripts, tmp_path: Path
) -> None:
    user = write_scripts(MY_FILES, folder="user")
    library = ScriptLibrary([small_scripts, user], cache_dir=tmp_path / "brains")
    good = library.brain
    (user / "more.yaml").write_text(STORY.replace("bedtime_story", "more"), encoding="utf-8")
    result = library.reload_if_changed()
    assert not result.reloaded and result.error is not None
    assert "typo.yaml:6:" in str(result.error) and library.brain is good
    again = ScriptLibrary([small_scripts, user], cache_dir=tmp_path / "brains")
    assert [p.file.name for p in again.left_out] == ["typo.yaml"]  # from the cache too
    (user / "typo.yaml").unlink()
    assert library.reload_if_changed().reloaded and library.left_out == ()
