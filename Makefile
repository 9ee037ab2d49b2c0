# hpkb: two commands on a fresh machine.
#   make build   set up .venv (pinned dependencies) and build the example knowledge base
#   make test    set up .venv and run every test (lint, types, the whole suite)
#   make docs    build the user guide into build/docs/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hpkb-installed
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: build test lint docs bench lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/hpkb validate
	$(BIN)/hpkb build --profile internal
	$(BIN)/hpkb build --profile shared
	$(BIN)/hpkb build --profile public
	# The national hub: this force's shared export and two more fictional forces'.
	$(BIN)/hpkb --root examples/forces/marrowdale-police export --profile shared
	$(BIN)/hpkb --root examples/forces/kestrelford-constabulary export --profile shared
	$(BIN)/hpkb hub build build/shared/export \
		examples/forces/marrowdale-police/build/shared/export \
		examples/forces/kestrelford-constabulary/build/shared/export

# The user guide (docs/), built strictly into build/docs/.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict -f docs/mkdocs.yml

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts docs
	$(BIN)/mypy src scripts docs/hooks.py

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --commands 1000 --repeat 3

lock:
	rm -rf /tmp/hpkb-lock && $(PYTHON) -m venv /tmp/hpkb-lock
	/tmp/hpkb-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/hpkb-lock/bin/pip freeze --exclude hpkb | sed '1i # Pinned dependencies (runtime and test). Regenerate: make lock' > requirements.lock

clean:
	rm -rf build
