"""The shapes of loaded intent scripts: frozen, because they come from files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from voice.errors import ScriptProblem

VOICE_ACTIONS = ("slower", "faster", "louder", "softer")
"""Actions that change how Hearth speaks."""
ACTIONS = ("journal_summary", "repeat", "stop", "end", "help", "ignore", *VOICE_ACTIONS)
"""What an intent may do besides speaking (see docs/intent-scripts.md)."""

HELP_LINES = ("crisis_line", "violence_line", "maternal_line", "child_line")
"""The help lines of the config a reply may name (``{violence_line}``...)."""
REPLY_PLACEHOLDERS = ("feeling", "feeling_noun", *HELP_LINES)
"""The ``{...}`` names a reply may use."""

ANSWER_KINDS = ("yes", "no", "feeling", "other")
"""Answer keys of a follow-up besides feeling values and intent names."""

CRISIS_INTENT = "crisis"


@dataclass(frozen=True)
class SlotValue:
    """One value of a shared list, e.g. the feeling ``tired``."""

    value: str
    """The canonical value, recorded in the journal."""
    noun: str
    """How Hearth names it in a sentence ("tiredness")."""
    words: tuple[str, ...]
    """What a parent might say for it ("tired", "worn out"), normalised."""


@dataclass(frozen=True)
class FollowUp:
    """A question asked after a reply, and where its answers lead."""

    questions: tuple[str, ...]
    """Variants of the question; one is asked."""
    answers: Mapping[str, str]
    """Answer kind (yes, no, feeling, a feeling value, an intent, other) -> next intent."""


@dataclass(frozen=True)
class IntentScript:
    """One intent as written in its YAML file."""

    name: str
    """The intent's unique name, e.g. ``name_feeling``."""
    source: Path
    """The file it was loaded from."""
    line: int
    """The line of its ``intent:`` key."""
    description: str = ""
    """One line for ``hearth intents list``."""
    phrases: tuple[str, ...] = ()
    """Templates in hassil syntax."""
    replies: tuple[str, ...] = ()
    """Replies for any slot values."""
    replies_by_feeling: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Replies used when the ``feeling`` slot has this value."""
    unsure_replies: tuple[str, ...] = ()
    """Replies used when Hearth is not sure it heard right (a second reading of the sound
    found this intent, see ``Recognizer.watch``); ``replies`` when empty."""
    follow_up: FollowUp | None = None
    """A question asked after the reply."""
    action: str | None = None
    """One of ACTIONS, or None for a plain reply."""
    crisis_terms: tuple[str, ...] = ()
    """Templates that trigger this intent anywhere in a sentence (crisis only)."""
    crisis_concepts: tuple[str, ...] = ()
    """Templates that trigger it like ``crisis_terms``, but too many once expanded (a frame
    times an act times a target) for the recogniser's crisis model to learn from."""
    priority_terms: tuple[str, ...] = ()
    """Templates that, found anywhere in a sentence, make it this intent over every other
    but a crisis (serious disclosures: violence at home, a child harmed...)."""

    @property
    def ends_conversation(self) -> bool:
        """Whether the conversation closes after this intent's reply."""
        return self.action in ("stop", "end")


@dataclass(frozen=True)
class ScriptSet:
    """A complete, valid set of intents with their shared lists, ready to match."""

    intents: Mapping[str, IntentScript]
    """Intent name -> script."""
    lists: Mapping[str, Mapping[str, SlotValue]]
    """List name (e.g. ``feeling``) -> canonical value -> SlotValue."""
    rules: Mapping[str, str]
    """Shared template rules, name -> template."""
    expansions: Mapping[str, tuple[str, ...]]
    """Intent name -> its phrases fully expanded and normalised (lists left as ``{name}``)."""
    crisis_terms: tuple[str, ...]
    """Expanded, normalised crisis terms, default ones always included."""
    folders: tuple[Path, ...]
    """The folders loaded, defaults first."""
    warnings: tuple[ScriptProblem, ...] = ()
    priority_terms: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Intent name -> its expanded, normalised priority terms (only intents that have some)."""
    """Problems that do not stop Hearth (e.g. a sentence shared by two intents)."""
    crisis_concepts: tuple[str, ...] = ()
    """Expanded, normalised crisis concepts (see ``IntentScript.crisis_concepts``)."""
    template_sizes: Mapping[str, tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Intent name -> how many of its ``expansions``, in order, each of its templates added
    (a plain sentence adds one, a template with many alternatives thousands)."""

    def feeling_noun(self, value: str) -> str:
        """How to say a feeling value as a noun ("guilty" -> "guilt")."""
        slot = self.lists.get("feeling", {}).get(value)
        return slot.noun if slot else value
