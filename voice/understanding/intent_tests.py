"""Intent tests in the Home Assistant style: sentences and what they should mean."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from voice.errors import IntentTestError
from voice.scripts.yaml_lines import LineDict, YamlSyntaxError, load_yaml
from voice.understanding.matcher import Matcher


@dataclass(frozen=True)
class IntentCase:
    """One sentence and the intent (or None) and slots it should give."""

    sentence: str
    intent: str | None
    slots: Mapping[str, str]
    file: Path
    line: int


@dataclass(frozen=True)
class CaseResult:
    """How one case went."""

    case: IntentCase
    got_intent: str | None
    got_slots: Mapping[str, str]
    confidence: float

    @property
    def passed(self) -> bool:
        """Right intent, and every expected slot right."""
        return self.got_intent == self.case.intent and all(
            self.got_slots.get(k) == v for k, v in self.case.slots.items()
        )


def load_cases(path: Path) -> list[IntentCase]:
    """Read a test file; IntentTestError says where it is wrong."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise IntentTestError(f"{path}: cannot read the test file ({err.strerror})") from None
    except UnicodeDecodeError:
        raise IntentTestError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except YamlSyntaxError as err:
        raise IntentTestError(f"{path}:{err.line}: {err.message}") from None
    if not isinstance(data, LineDict) or not isinstance(data.get("tests"), list):
        raise IntentTestError(f"{path}:1: a test file must have 'tests:' with a list of cases")
    cases: list[IntentCase] = []
    tests = data["tests"]
    for i, test in enumerate(tests):
        line = tests.item_lines[i]
        if not isinstance(test, LineDict) or not isinstance(test.get("sentences"), list):
            raise IntentTestError(
                f"{path}:{line}: each test needs 'sentences:' (a list) and 'intent:'"
            )
        if "intent" not in test:
            raise IntentTestError(
                f"{path}:{line}: this test has no 'intent:' (use 'intent: null' for no match)"
            )
        intent, slots = _expected(test["intent"], path, test.key_lines["intent"])
        for j, sentence in enumerate(test["sentences"]):
            cases.append(
                IntentCase(str(sentence), intent, slots, path, test["sentences"].item_lines[j])
            )
    return cases


def _expected(raw: object, path: Path, line: int) -> tuple[str | None, dict[str, str]]:
    if raw is None:
        return None, {}
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
        slots = raw.get("slots") or {}
        if not isinstance(slots, dict):
            raise IntentTestError(f"{path}:{line}: 'slots:' must map a slot name to a value")
        return raw["name"], {str(k): str(v) for k, v in slots.items()}
    raise IntentTestError(
        f"{path}:{line}: 'intent:' must be null, a name, or 'name:' with optional 'slots:'"
    )


def run_cases(matcher: Matcher, cases: list[IntentCase]) -> list[CaseResult]:
    """Match every case's sentence."""
    results = []
    for case in cases:
        result = matcher.match(case.sentence)
        results.append(CaseResult(case, result.intent, dict(result.slots), result.confidence))
    return results
