"""The dialogue engine: from what the parent said to what Hearth says next.

One conversation at a time. It remembers the question Hearth asked and routes
the answer (yes / no / a feeling / an intent / anything) to the next step;
``stop``, ``repeat``, ``help`` and ``goodbye`` work at any point, and ``crisis``
always comes first. The conversation is written to the journal as one check-in
after every sentence heard, marked unfinished, so a kill or power cut loses
nothing; when it ends (goodbye, stop, silence, or not understood twice) it is
marked finished.

Time and randomness are injected so tests are deterministic.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from voice.config import Settings
from voice.dialogue.journal import CheckIn, Journal, summary_sentence
from voice.dialogue.replies import ReplyPicker
from voice.errors import JournalError
from voice.scripts.model import (
    CRISIS_INTENT,
    HELP_LINES,
    VOICE_ACTIONS,
    FollowUp,
    IntentScript,
)
from voice.understanding.library import Brain
from voice.understanding.result import MatchResult

log = logging.getLogger(__name__)

GLOBAL_INTENTS = frozenset({"stop", "repeat", "help", "goodbye", CRISIS_INTENT})
"""Intents that work whatever question is pending."""

REPROMPTS = (
    "Sorry, I didn't catch that. You can tell me how you feel, or ask for a mantra.",
    "I missed that, sorry. Try saying how you're feeling, or say help.",
)
GENTLE_CLOSE = (
    "Let's leave it there for now. I'm here whenever you want to talk.",
    "I'll let you get on. Just say hey hearth when you need me.",
)
IDLE_TIMEOUT_S = 120.0
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Reply:
    """What Hearth does after hearing one sentence."""

    text: str
    """What to say; empty for silence."""
    intent: str | None = None
    """The intent answered, or None when not understood."""
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Slot values heard."""
    expects_answer: bool = False
    """Hearth asked something: listen for the answer without the wake phrase."""
    ended: bool = False
    """The conversation is over: go back to waiting for the wake phrase."""
    notice: str | None = None
    """Something the user should know that is not part of the conversation (journal trouble)."""
    match: MatchResult | None = None
    """The matcher's view of the sentence, for debugging and ``understand``."""
    voice_change: str | None = None
    """``slower``, ``faster``, ``louder`` or ``softer``: how the speaker should change."""


@dataclass
class _Conversation:
    started: datetime
    intents: list[str] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    pending: tuple[IntentScript, FollowUp] | None = None
    misunderstood: int = 0
    last_reply: str = ""
    last_heard: float = 0.0
    entry: int | None = None
    """The check-in's entry in the journal, once written."""


class Dialogue:
    """Holds one conversation's state and answers each sentence."""

    def __init__(
        self,
        brain: Callable[[], Brain],
        settings: Settings | None = None,
        journal: Journal | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ) -> None:
        """``brain`` returns the scripts in use (it may change between calls, on reload)."""
        self._brain = brain
        self.settings = settings or Settings()
        self.journal = journal
        self._clock = clock
        self._now = now
        self._picker = ReplyPicker(rng or random.Random())
        self._conv: _Conversation | None = None
        self._last_reply = ""

    @property
    def active(self) -> bool:
        """Whether a conversation is open."""
        return self._conv is not None

    @property
    def expects_answer(self) -> bool:
        """Whether Hearth is waiting for the answer to a question."""
        return self._conv is not None and (
            self._conv.pending is not None or self._conv.misunderstood > 0
        )

    def hear(self, text: str, unsure: bool = False) -> Reply:
        """Answer one sentence, opening a conversation if none is open.

        ``unsure``: the recogniser found this meaning only on a second reading of the
        sound; scripts with ``unsure_replies`` then say that Hearth may have misheard.
        What was heard is in the journal before the reply is returned.
        """
        reply = self._answer(text, unsure)
        if self._conv is not None:
            self._save(self._conv, finished=False)
        return reply

    def _answer(self, text: str, unsure: bool) -> Reply:
        brain = self._brain()
        conv = self._conv
        if conv is None:
            conv = self._conv = _Conversation(started=self._now())
        conv.last_heard = self._clock()
        conv.transcript.append(("parent", text))
        result = brain.matcher.match(text)
        if result.reason == "not for hearth":
            # Talk meant for someone else in the room: stay quiet, change nothing.
            return Reply("", None, result.slots, expects_answer=self.expects_answer, match=result)
        target = self._route(conv, result, brain)
        if target is None:
            return self._not_understood(conv, result)
        conv.misunderstood = 0
        return self._respond(conv, brain, brain.scripts.intents[target], result, unsure)

    def wait_from(self, moment: float) -> None:
        """Start the silence timeout at ``moment`` (clock time), e.g. when Hearth stops speaking."""
        if self._conv is not None:
            self._conv.last_heard = max(self._conv.last_heard, moment)

    def check_timeout(self) -> Reply | None:
        """Close the conversation quietly if the parent has gone silent; None otherwise."""
        conv = self._conv
        if conv is None:
            return None
        limit = self.settings.answer_timeout_s if self.expects_answer else IDLE_TIMEOUT_S
        if self._clock() - conv.last_heard < limit:
            return None
        return Reply("", ended=True, notice=self._finish())

    def close(self) -> str | None:
        """End the conversation now (e.g. the program exits); returns a journal notice, if any."""
        return self._finish() if self._conv is not None else None

    def _route(self, conv: _Conversation, result: MatchResult, brain: Brain) -> str | None:
        best = result.best
        if best is not None and (
            best.intent in GLOBAL_INTENTS
            or brain.scripts.intents[best.intent].action in VOICE_ACTIONS
        ):
            # "Slow down" answers no question: it changes the voice, and the question stays.
            return best.intent
        if conv.pending is not None:
            answers = conv.pending[1].answers
            feeling = result.slots.get("feeling")
            keys: list[str] = []
            if best is not None and best.intent in ("yes", "no"):
                keys.append(best.intent)
            if feeling:
                keys += [feeling, "feeling"]
            if best is not None:
                keys.append(best.intent)
            keys.append("other")
            for key in keys:
                if key in answers and answers[key] in brain.scripts.intents:
                    return answers[key]
        return best.intent if best is not None else None

    def _respond(
        self,
        conv: _Conversation,
        brain: Brain,
        script: IntentScript,
        result: MatchResult,
        unsure: bool = False,
    ) -> Reply:
        action = script.action
        slots = result.slots
        conv.intents.append(script.name)
        feeling = slots.get("feeling")
        if feeling and "feeling" in brain.matcher.slots_taken(script.name):
            # Journaled only where a feeling is what the answer is about: never "slow down".
            conv.feelings.append(feeling)
        # "Slower" and "louder" usually mean "I missed that": say it again, changed.
        again = action == "repeat" or (action in VOICE_ACTIONS and bool(conv.last_reply))
        if action not in ("repeat", "help", *VOICE_ACTIONS):
            conv.pending = None
        if again:
            return self._say(
                conv,
                conv.last_reply or self._last_reply or self._pick(script, slots, brain),
                script,
                result,
                repeat=True,
            )
        if action == "stop":
            return Reply("", script.name, slots, ended=True, notice=self._finish(), match=result)
        text = self._journal_summary(brain) if action == "journal_summary" else None
        if text is None:
            text = self._pick(script, slots, brain, unsure)
        if script.follow_up is not None and action not in ("end", "stop"):
            question = self._picker.pick((script.name, "question"), script.follow_up.questions)
            text = f"{text} {question}".strip()
            conv.pending = (script, script.follow_up)
        if action == "end":
            reply = self._say(conv, text, script, result)
            return Reply(
                reply.text, script.name, slots, ended=True, notice=self._finish(), match=result
            )
        return self._say(conv, text, script, result)

    def _say(
        self,
        conv: _Conversation,
        text: str,
        script: IntentScript,
        result: MatchResult,
        repeat: bool = False,
    ) -> Reply:
        conv.transcript.append(("hearth", text))
        if not repeat:
            conv.last_reply = text
            self._last_reply = text
        change = script.action if script.action in VOICE_ACTIONS else None
        return Reply(
            text,
            script.name,
            result.slots,
            expects_answer=conv.pending is not None,
            match=result,
            voice_change=change,
        )

    def _pick(
        self, script: IntentScript, slots: Mapping[str, str], brain: Brain, unsure: bool = False
    ) -> str:
        feeling = slots.get("feeling")
        values = {
            **{line: str(getattr(self.settings, line)) for line in HELP_LINES},
            **(
                {"feeling": feeling, "feeling_noun": brain.scripts.feeling_noun(feeling)}
                if feeling
                else {}
            ),
        }
        options = script.replies_by_feeling.get(feeling, ()) if feeling else ()
        key: tuple[str, str | None] = (script.name, feeling)
        if unsure and script.unsure_replies:
            options, key = script.unsure_replies, (script.name, "(unsure)")
        if not options:
            options = script.replies
            key = (script.name, None)
        usable = [t for t in options if set(_PLACEHOLDER.findall(t)) <= values.keys()]
        if not usable:
            # Every reply needs a feeling we did not hear: use one that names none.
            usable = [t for t in script.replies if not _PLACEHOLDER.findall(t)] or list(options)
        text = self._picker.pick(key, usable)
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    def _journal_summary(self, brain: Brain) -> str | None:
        if self.journal is None:
            return None
        try:
            summary = self.journal.summary(days=7, now=self._now())
        except JournalError as err:
            log.warning("%s", err)
            return "I can't read your journal right now, sorry."
        if summary.checkins == 0:
            return None
        nouns = {v.value: v.noun for v in brain.scripts.lists.get("feeling", {}).values()}
        return summary_sentence(summary, nouns)

    def _not_understood(self, conv: _Conversation, result: MatchResult) -> Reply:
        conv.misunderstood += 1
        if conv.misunderstood >= 2:
            text = self._picker.pick("gentle_close", GENTLE_CLOSE)
            conv.transcript.append(("hearth", text))
            return Reply(text, None, result.slots, ended=True, notice=self._finish(), match=result)
        text = self._picker.pick("reprompt", REPROMPTS)
        conv.transcript.append(("hearth", text))
        return Reply(text, None, result.slots, expects_answer=True, match=result)

    def _finish(self) -> str | None:
        conv, self._conv = self._conv, None
        return None if conv is None else self._save(conv, finished=True)

    def _save(self, conv: _Conversation, *, finished: bool) -> str | None:
        """Write the conversation so far to the journal; a notice if it is not on disk."""
        if not conv.intents or self.journal is None:
            return None
        checkin = CheckIn(
            started=conv.started,
            ended=self._now(),
            intents=tuple(conv.intents),
            feelings=tuple(conv.feelings),
            transcript=tuple(conv.transcript) if self.settings.keep_transcripts else (),
            finished=finished,
        )
        try:
            conv.entry = self.journal.record(checkin, conv.entry)
        except JournalError as err:
            log.error("%s", err)
            return f"I couldn't save this check-in to your journal: {err}"
        if finished and self.journal.held:
            return f"This check-in is kept in memory for now. {self.journal.notice}"
        return None
