"""The loader: good scripts load, every broken one is reported as file:line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SMALL, WriteScripts
from voice.errors import ScriptError, ScriptProblem
from voice.paths import default_intents_dir
from voice.scripts.loader import load_scripts
from voice.understanding.library import ScriptLibrary

BROKEN = Path(__file__).parent / "data" / "broken_scripts"


def test_small_folder_loads_with_expansions(small_scripts: Path) -> None:
    scripts = load_scripts([small_scripts])
    assert set(scripts.intents) >= {"name_feeling", "mantra", "crisis"}
    # <i_feel> [so] {feeling} [today]: 3 verb forms x 2 x 2 x optional "really" = 24
    assert len(scripts.expansions["name_feeling"]) == 24
    assert "i really am feeling so {feeling} today" in scripts.expansions["name_feeling"]
    assert scripts.lists["feeling"]["tired"].words == ("tired", "exhausted", "worn out")
    assert "hurt my baby" in scripts.crisis_terms
    assert scripts.feeling_noun("guilty") == "guilt"


def test_yes_and_no_keys_stay_words(small_scripts: Path) -> None:
    scripts = load_scripts([small_scripts])
    follow_up = scripts.intents["name_feeling"].follow_up
    assert follow_up is not None
    assert follow_up.answers["no"] == "comfort"
    assert scripts.intents["no"].name == "no"


def test_user_folder_overrides_by_intent_name(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {"mine.yaml": 'intent: mantra\nphrases: ["my own mantra please"]\nreplies: ["Breathe."]\n'},
        folder="user",
    )
    scripts = load_scripts([small_scripts, user])
    assert scripts.intents["mantra"].replies == ("Breathe.",)
    assert scripts.expansions["mantra"] == ("my own mantra please",)


def test_default_crisis_terms_survive_an_override(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {
            "crisis.yaml": 'intent: crisis\nphrases: ["i am in danger"]\nreplies: ["Call {crisis_line}."]\n'
        },
        folder="user",
    )
    scripts = load_scripts([small_scripts, user])
    assert "kill myself" in scripts.crisis_terms


@pytest.fixture(scope="module")
def broken_problems() -> list[ScriptProblem]:
    """Every problem of the broken files on top of the defaults, loaded once for all cases."""
    with pytest.raises(ScriptError) as caught:
        load_scripts([default_intents_dir(), BROKEN])
    return caught.value.problems


def test_each_broken_file_gives_one_located_error(broken_problems: list[ScriptProblem]) -> None:
    errors = [p for p in broken_problems if not p.warning]
    per_file = Counter(p.file.name for p in errors)
    expected = {p.name for p in BROKEN.glob("*.yaml")} - {"duplicate_a.yaml"}
    assert per_file == dict.fromkeys(expected, 1), [str(p) for p in errors]
    for problem in errors:
        text = str(problem)
        assert text.startswith(f"{problem.file}:{problem.line}: ")
        assert problem.line >= 1


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("yaml_syntax.yaml", 3, "double quotes"),
        ("unknown_key.yaml", 2, "did you mean 'description'"),
        ("unknown_list.yaml", 3, "did you mean 'feeling'"),
        ("unknown_rule.yaml", 3, "unknown rule <no_such_rule>"),
        ("bad_template.yaml", 3, "add the matching ')'"),
        ("empty_phrases.yaml", 2, "no sentence"),
        ("missing_target.yaml", 9, "'no_such_intent', which does not exist"),
        ("duplicate_b.yaml", 1, "already defined in duplicate_a.yaml:1"),
        ("bad_placeholder.yaml", 5, "unknown placeholder {name}"),
        ("bad_unsure.yaml", 7, "unknown placeholder {nme}"),
        ("nothing_to_say.yaml", 1, "nothing to say"),
        ("bad_action.yaml", 6, "unknown action 'summarise'"),
        ("not_a_mapping.yaml", 1, "must be a mapping"),
        ("empty_file.yaml", 1, "the file is empty"),
        ("not_utf8.yaml", 5, "save the file as UTF-8"),
        ("unclosed_quote.yaml", 3, "never closed"),
    ],
)
def test_broken_file_message(
    broken_problems: list[ScriptProblem], name: str, line: int, words: str
) -> None:
    mine = [p for p in broken_problems if p.file.name == name and not p.warning]
    assert len(mine) == 1
    assert mine[0].line == line, str(mine[0])
    assert words in mine[0].message


def test_sentence_in_two_intents_is_a_warning(write_scripts: WriteScripts) -> None:
    files = dict(SMALL)
    files["comfort.yaml"] = 'intent: comfort\nphrases: ["give me a mantra"]\nreplies: ["Hi."]\n'
    scripts = load_scripts([write_scripts(files)])
    warnings = [str(w) for w in scripts.warnings]
    assert any("'give me a mantra' is also a phrase of" in w for w in warnings), warnings


def test_question_in_reply_with_follow_up_is_a_warning(write_scripts: WriteScripts) -> None:
    files = dict(SMALL)
    files["guilt_check.yaml"] = """
        intent: guilt_check
        phrases: ["is it guilt or sadness"]
        replies: ["Is it really guilt?"]
        follow_up:
          question: "Where does it come from?"
          answers: {other: comfort}
    """
    scripts = load_scripts([write_scripts(files)])
    assert any("keep one question" in str(w) for w in scripts.warnings)


def test_missing_crisis_intent_is_an_error(write_scripts: WriteScripts) -> None:
    files = {k: v for k, v in SMALL.items() if k != "crisis.yaml"}
    with pytest.raises(ScriptError, match="no 'crisis' intent"):
        load_scripts([write_scripts(files)])


def test_runaway_template_is_refused(write_scripts: WriteScripts) -> None:
    files = dict(SMALL)
    many = " ".join("[a|b|c|d]" for _ in range(8))
    files["comfort.yaml"] = f'intent: comfort\nphrases: ["{many}"]\nreplies: ["Hi."]\n'
    with pytest.raises(ScriptError, match="more than 5000 sentences"):
        load_scripts([write_scripts(files)])


def test_rule_that_uses_itself_is_refused(write_scripts: WriteScripts) -> None:
    files = dict(SMALL)
    files["lists/loop.yaml"] = 'rules:\n  loop: "again <loop>"\n'
    with pytest.raises(ScriptError, match="uses itself"):
        load_scripts([write_scripts(files)])


def test_quote_left_open_at_the_end_is_reported_where_it_opens(
    write_scripts: WriteScripts,
) -> None:
    files = dict(SMALL)
    files["comfort.yaml"] = 'intent: comfort\nphrases:\n  - "comfort me\nreplies:\n  - "Hi."\n'
    with pytest.raises(ScriptError) as caught:
        load_scripts([write_scripts(files)])
    (problem,) = [p for p in caught.value.problems if p.file.name == "comfort.yaml"]
    assert problem.line == 3, str(problem)
    assert "never closed" in problem.message


def test_a_bad_intent_name_is_reported_with_the_files_other_errors(
    write_scripts: WriteScripts,
) -> None:
    files = dict(SMALL)
    files["comfort.yaml"] = """
        intent: Comfort Me
        phrases:
          - "comfort me please"
        replies:
          - "Hello {nme}."
        action: summarise
    """
    with pytest.raises(ScriptError) as caught:
        load_scripts([write_scripts(files)])
    found = sorted(
        (p.line, p.message.split(";")[0])
        for p in caught.value.problems
        if p.file.name == "comfort.yaml"
    )
    assert [line for line, _ in found] == [1, 5, 6], found
    assert "invalid 'intent:' name" in found[0][1]
    assert "unknown placeholder {nme}" in found[1][1]
    assert "unknown action 'summarise'" in found[2][1]


def test_replies_for_an_unknown_feeling_are_reported_on_their_line(
    write_scripts: WriteScripts,
) -> None:
    files = dict(SMALL)
    files["comfort.yaml"] = """
        intent: comfort
        phrases:
          - "comfort me please"
        replies:
          - "Hello."
        replies_by_feeling:
          sad:
            - "There, there."
          hungry:
            - "Have a snack."
    """
    with pytest.raises(ScriptError) as caught:
        load_scripts([write_scripts(files)])
    (problem,) = caught.value.problems
    assert problem.line == 9 and "'hungry' is not a feeling" in problem.message, str(problem)


def _unreadable(path: Path, stand_in: str) -> Path:
    """``path`` made unreadable; where permissions do not bind (root), a link to ``stand_in``,
    a file of another process that the kernel refuses even to root."""
    path.chmod(0)
    try:
        if path.is_dir():
            list(path.iterdir())
        else:
            path.read_bytes()
    except PermissionError:
        return path
    path.chmod(0o700)
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(stand_in)
    try:
        list(path.iterdir()) if path.is_dir() else path.read_bytes()
    except PermissionError:
        return path
    pytest.fail(
        "found no path this user cannot read (not a plain user, and no /proc/1 refused to "
        "root): the test cannot make the problem it checks; run it as a plain user"
    )


def test_a_file_that_cannot_be_read_is_a_problem_not_a_traceback(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts({"story.yaml": "intent: story\n"}, folder="user")
    story = _unreadable(user / "story.yaml", "/proc/1/environ")
    with pytest.raises(ScriptError) as caught:
        load_scripts([small_scripts, user])
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{story}:0: cannot read ")
    assert problem.message.endswith("check its permissions")


def test_a_folder_that_cannot_be_read_is_a_problem_not_a_traceback(
    small_scripts: Path, tmp_path: Path
) -> None:
    user = tmp_path / "user"
    (user / "lists").mkdir(parents=True)
    lists = _unreadable(user / "lists", "/proc/1/fdinfo")
    with pytest.raises(ScriptError) as caught:
        load_scripts([small_scripts, user])
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{lists}:0: cannot read ")
    assert problem.message.endswith("check its permissions")


def test_replies_for_some_feelings_alone_are_refused(write_scripts: WriteScripts) -> None:
    files = dict(SMALL)
    files["comfort.yaml"] = """
        intent: comfort
        phrases:
          - "comfort me please"
        replies_by_feeling:
          sad:
            - "There, there."
    """
    with pytest.raises(ScriptError) as caught:
        load_scripts([write_scripts(files)])
    (problem,) = caught.value.problems
    assert problem.line == 4 and "add 'replies:' for the others" in problem.message, str(problem)


def test_a_folder_of_scripts_that_cannot_be_read_is_one_problem(
    small_scripts: Path, tmp_path: Path
) -> None:
    (tmp_path / "user" / "lists").mkdir(parents=True)
    user = _unreadable(tmp_path / "user", "/proc/1/fdinfo")
    with pytest.raises(ScriptError) as caught:
        load_scripts([small_scripts, user])
    assert [str(p) for p in caught.value.problems] == [
        f"{user}:0: cannot read this folder (Permission denied); check its permissions"
    ]
    library = ScriptLibrary([small_scripts, user])
    assert [p.file for p in library.left_out] == [user]
    assert library.brain.matcher.match("give me a mantra").intent == "mantra"


def _cannot_look_into(tmp_path: Path) -> Path:
    """A folder whose parent denies even a look at it; where permissions do not bind
    (root), one under /proc/1/root, which the kernel refuses even to root."""
    parent = tmp_path / "locked"
    (parent / "intents").mkdir(parents=True)
    parent.chmod(0)
    for folder in (parent / "intents", Path("/proc/1/root/intents")):
        try:
            folder.is_dir()
        except PermissionError:
            return folder
        parent.chmod(0o700)
    pytest.fail(
        "found no path this user cannot read (not a plain user, and no /proc/1 refused to "
        "root): the test cannot make the problem it checks; run it as a plain user"
    )


@pytest.mark.slow
def test_validate_reports_a_folder_it_may_not_even_look_at(tmp_path: Path) -> None:
    folder = _cannot_look_into(tmp_path)
    for args, env in (
        (["intents", "validate", str(folder)], {}),
        (["intents", "validate"], {"HEARTH_INTENTS": str(folder)}),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "voice", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            cwd=Path(__file__).resolve().parents[1],
            timeout=300,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert f"{folder}:0: cannot read this folder" in done.stdout, done.stdout
        assert done.returncode == 1
    (tmp_path / "locked").chmod(0o700)
