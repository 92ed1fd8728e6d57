"""The house rules a newcomer relies on: the tree shows the pipeline, data flows one way,
and no module or function grows past what one person reads at once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("voice", "audio")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_PARAMETERS = 8

LAYERS = {
    "audio": 0,
    "voice": 1,  # the foundation: errors, paths, config, files, text
    "voice.scripts": 2,
    "voice.recognition": 3,
    "voice.understanding": 4,
    "voice.dialogue": 5,
    "voice.speech": 5,
    "voice.loop": 6,
    "voice.app": 7,
    "voice.cli": 8,
    "voice.web": 8,  # the page beside the CLI: it uses voice.app and everything below
    "voice.__main__": 8,
}
"""Lower numbers are lower layers; a module imports only from its own layer or below.
Dialogue and speech sit side by side: neither knows the other."""


def _modules() -> Iterator[tuple[Path, str]]:
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            yield path, ".".join(path.relative_to(REPO).with_suffix("").parts)


def _layer(module: str) -> tuple[str, int]:
    """The layer a dotted module name belongs to (its longest prefix in LAYERS)."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in LAYERS:
            return prefix, LAYERS[prefix]
    raise AssertionError(f"{module} is in no layer; add its package to LAYERS")


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every first-party module imported, at the top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] in PRODUCT:
                    yield node.lineno, name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PRODUCT:
                    yield node.lineno, alias.name


def _is_package(name: str) -> bool:
    return (REPO / Path(*name.split("."))).is_dir()


def test_every_module_is_small() -> None:
    big = [
        f"{path.relative_to(REPO)}: {n} lines"
        for path, _ in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not big, f"split these into modules with one job each: {big}"


def test_every_function_is_short_and_takes_few_parameters() -> None:
    long, wide = [], []
    for path, _ in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno} {node.name}"
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if size > MAX_FUNCTION_LINES:
                long.append(f"{where} ({size} lines)")
            args = node.args
            count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
            count -= bool(args.args and args.args[0].arg in ("self", "cls"))
            if count > MAX_PARAMETERS:
                wide.append(f"{where} ({count} parameters)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
    assert not wide, f"more than {MAX_PARAMETERS} parameters (several classes?): {wide}"


def test_lower_layers_never_import_upper_ones() -> None:
    wrong = []
    for path, module in _modules():
        own, level = _layer(module)
        for line, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                not _is_package(name)
                and not (REPO / Path(*name.split("."))).with_suffix(".py").exists()
            ):
                continue  # an imported name, not a module
            theirs, other = _layer(name)
            if other > level:
                wrong.append(f"{path.relative_to(REPO)}:{line} ({own}) imports {name} ({theirs})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["listen_over", "heard_over", "pocketsphinx-stock"])
def test_deleted_experiments_stay_deleted(name: str) -> None:
    found = [
        str(path.relative_to(REPO))
        for path, _ in _modules()
        if name in path.read_text(encoding="utf-8")
    ]
    assert not found, f"{name} is back in {found}"
