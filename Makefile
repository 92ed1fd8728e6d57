# Hearth: two commands on a fresh machine, `make demo` and `make test`.
# Each creates .venv and installs what it needs (Debian packages too, when root).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint typecheck pytest bench chat clean system-deps wake-model

demo: $(STAMP)
	$(BIN)/hearth demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check voice audio intents bench tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

# The edit-test cycle: everything but real speech, live audio and subprocesses.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The "hey hearth" wake model: synthetic voices -> features -> head, written to
# voice/recognition/wake_model/hey_hearth.npz (data cached in ~/.cache/hearth/wake-train).
wake-model: $(STAMP)
	nice -n 10 $(BIN)/python -m tools.wake $(WAKE_ARGS)

chat: $(STAMP)
	$(BIN)/hearth chat

system-deps:
	@bash tools/system-deps.sh

$(STAMP): pyproject.toml tools/system-deps.sh
	@bash tools/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
