"""The dialogue engine over a small script folder, with a fake clock and a seeded random source."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voice.config import Settings
from voice.dialogue.engine import GENTLE_CLOSE, REPROMPTS, Dialogue
from voice.dialogue.journal import Journal
from voice.understanding.library import ScriptLibrary


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.db")


def make(
    small_scripts: Path, clock: FakeClock, journal: Journal | None = None, **settings: object
) -> Dialogue:
    library = ScriptLibrary([small_scripts])
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    return Dialogue(
        lambda: library.brain,
        Settings(**settings),  # type: ignore[arg-type]
        journal,
        clock=clock,
        now=lambda: start + timedelta(seconds=clock.t - 1000.0),
        rng=random.Random(7),
    )


def test_feeling_reply_then_follow_up_routes_by_feeling(
    small_scripts: Path, clock: FakeClock
) -> None:
    d = make(small_scripts, clock)
    first = d.hear("I feel so guilty today")
    assert first.intent == "name_feeling"
    assert first.slots["feeling"] == "guilty"
    assert first.text == "Guilt is heavy to carry. Is it guilt, or is it sadness?"
    assert first.expects_answer
    second = d.hear("I think it's guilt")
    assert second.intent == "guilt_check"
    assert not second.expects_answer


def test_answer_with_another_feeling_and_no_and_other(
    small_scripts: Path, clock: FakeClock
) -> None:
    d = make(small_scripts, clock)
    d.hear("i am so tired")
    assert d.hear("mostly sad").intent == "comfort"
    d.hear("i am so tired")
    assert d.hear("nope").intent == "comfort"
    d.hear("i am so tired")
    # Not understood at all, but the script routes "other" answers.
    assert d.hear("the washing machine broke and the car too").intent == "comfort"


def test_slot_reply_uses_the_feeling_word(small_scripts: Path, clock: FakeClock) -> None:
    d = make(small_scripts, clock)
    assert d.hear("i am exhausted").text.startswith("It sounds like you feel tired.")


def test_replies_do_not_repeat_until_all_used(small_scripts: Path, clock: FakeClock) -> None:
    d = make(small_scripts, clock)
    said = [d.hear("give me a mantra").text for _ in range(3)]
    assert sorted(said) == sorted(
        ["Good enough is enough.", "I am doing my best.", "Rest is not a reward."]
    )


def test_crisis_wins_even_inside_a_pending_question(small_scripts: Path, clock: FakeClock) -> None:
    d = make(small_scripts, clock, crisis_line="116 123")
    d.hear("i feel so guilty")
    reply = d.hear("sometimes i think i could hurt the baby")
    assert reply.intent == "crisis"
    assert "116 123" in reply.text


def test_unsure_crisis_says_it_may_have_misheard(small_scripts: Path, clock: FakeClock) -> None:
    d = make(small_scripts, clock, crisis_line="116 123")
    unsure = d.hear("i could hurt the baby", unsure=True)
    assert unsure.intent == "crisis"
    assert unsure.text == "I may have misheard. If you might hurt yourself, call 116 123."
    sure = d.hear("i could hurt the baby")
    assert sure.text == "You matter. Please call 116 123 now."
    # A script without unsure replies answers as it always does.
    assert d.hear("give me a mantra", unsure=True).intent == "mantra"


def test_repeat_keeps_the_question_open(small_scripts: Path, clock: FakeClock) -> None:
    d = make(small_scripts, clock)
    first = d.hear("i feel so guilty")
    again = d.hear("say that again")
    assert again.text == first.text
    assert d.hear("sad").intent == "comfort"


def test_not_understood_reprompts_once_then_closes(
    small_scripts: Path, clock: FakeClock, journal: Journal
) -> None:
    d = make(small_scripts, clock, journal)
    d.hear("give me a mantra")
    first = d.hear("blue elephants on the roof")
    assert first.intent is None and first.text in REPROMPTS and first.expects_answer
    second = d.hear("purple trains at midnight")
    assert second.text in GENTLE_CLOSE and second.ended
    assert not d.active
    assert journal.checkins()[0].intents == ("mantra",)


def test_silence_closes_quietly_and_writes_the_checkin(
    small_scripts: Path, clock: FakeClock, journal: Journal
) -> None:
    d = make(small_scripts, clock, journal)
    d.hear("i feel so guilty")
    clock.t += 7.9
    assert d.check_timeout() is None
    clock.t += 0.2
    closed = d.check_timeout()
    assert closed is not None and closed.ended and closed.text == ""
    [checkin] = journal.checkins()
    assert checkin.intents == ("name_feeling",)
    assert checkin.feelings == ("guilty",)
    assert checkin.transcript == ()


def test_stop_is_silent_and_goodbye_ends(
    small_scripts: Path, clock: FakeClock, journal: Journal
) -> None:
    d = make(small_scripts, clock, journal)
    d.hear("i feel so guilty")
    stop = d.hear("stop")
    assert stop.text == "" and stop.ended
    d.hear("give me a mantra")
    bye = d.hear("bye hearth")
    assert bye.text == "Take care." and bye.ended
    assert [c.intents for c in journal.checkins()] == [
        ("name_feeling", "stop"),
        ("mantra", "goodbye"),
    ]


def test_transcripts_only_when_enabled(
    small_scripts: Path, clock: FakeClock, tmp_path: Path
) -> None:
    with Journal(tmp_path / "t.db", keep_transcripts=True) as journal:
        d = make(small_scripts, clock, journal, keep_transcripts=True)
        d.hear("give me a mantra")
        d.close()
        [checkin] = journal.checkins()
        assert checkin.transcript[0] == ("parent", "give me a mantra")
        assert checkin.transcript[1][0] == "hearth"


def test_journal_summary_is_spoken_from_the_journal(
    small_scripts: Path, clock: FakeClock, journal: Journal
) -> None:
    d = make(small_scripts, clock, journal)
    assert d.hear("how have i been feeling this week").text == "Your journal is empty."
    d.close()
    for text in ("i feel guilty", "i feel guilty", "i am worn out"):
        d.hear(text)
        d.close()
        clock.t += 60
    reply = d.hear("how have i been feeling this week")
    assert reply.text == "This week you named guilt twice and tiredness once."


def test_journal_failure_is_told_not_hidden(
    small_scripts: Path, clock: FakeClock, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "j.db")
    d = make(small_scripts, clock, journal)
    d.hear("give me a mantra")
    journal.close()
    (tmp_path / "j.db").unlink()
    (tmp_path / "j.db").mkdir()  # the file is gone and cannot be re-created
    bye = d.hear("bye hearth")
    assert bye.ended
    assert bye.notice is not None and "couldn't save" in bye.notice


def test_voice_changes_are_reported(write_scripts, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import SMALL

    files = dict(SMALL)
    files["slower.yaml"] = (
        'intent: speak_slower\nphrases: ["speak slower"]\nreplies: ["Okay."]\naction: slower\n'
    )
    d = make(write_scripts(files), clock)
    assert d.hear("speak slower").text == "Okay."  # nothing said yet: confirm
    mantra = d.hear("give me a mantra")
    assert mantra.voice_change is None
    slower = d.hear("speak slower")
    assert slower.voice_change == "slower"
    assert slower.text == mantra.text  # the last reply again, slower


def test_an_open_checkin_is_in_the_journal_as_it_happens(
    small_scripts: Path, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "journal.db"
    with Journal(path) as journal:
        d = make(small_scripts, clock, journal)
        d.hear("i feel so guilty")
        with Journal(path) as reader:  # another connection: what is on disk
            [open_one] = reader.checkins()
        assert open_one.feelings == ("guilty",) and not open_one.finished
        clock.t += 5
        d.hear("i need a mantra")
        d.hear("bye hearth")
    with Journal(path) as reader:
        [closed] = reader.checkins()
    assert closed.intents == ("name_feeling", "comfort", "goodbye")  # "other" routes to comfort
    assert closed.feelings == ("guilty",) and closed.finished


def test_a_journal_that_cannot_be_written_never_silences_hearth(
    small_scripts: Path, clock: FakeClock, tmp_path: Path
) -> None:
    (tmp_path / "data").write_text("a file where the journal's folder should be")
    journal = Journal.for_device(tmp_path / "data" / "journal.db", keep_transcripts=False)
    d = make(small_scripts, clock, journal)
    crisis = d.hear("i want to kill myself")
    assert crisis.intent == "crisis" and "988" in crisis.text
    d.close()
    d.hear("i feel so guilty")
    bye = d.hear("bye hearth")
    assert bye.notice is not None and "kept in memory" in bye.notice
    clock.t += 60
    summary = d.hear("how have i been feeling this week")
    assert summary.text == "This week you named guilt once."
    assert journal.held == 3  # the crisis, the guilt and the question itself
    journal.close()
