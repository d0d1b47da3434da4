# Pantau: `make demo` processes the bundled samples; `make test` runs every test.
# Both install what is missing first: Debian packages, uv, and the locked Python environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng tesseract-ocr-osd \
	tesseract-ocr-script-latn poppler-utils fonts-liberation fonts-dejavu-core libicu-dev pkg-config g++
# The browser the web UI's end-to-end tests drive, and the OCR-B font of made-up passport pages.
TEST_APT_PACKAGES := chromium fonts-ocr-b
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export OMP_THREAD_LIMIT := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: help setup system-deps test-deps apt-install uv python-deps demo test lint samples bench messages

help:
	@echo "make demo   install what is missing, then process samples/ into the default database"
	@echo "make test   install what is missing, then run lint and the whole test suite"
	@echo "make bench  OCR throughput: pantau run vs raw tesseract on the same scanned pages"

setup: system-deps uv python-deps

system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"

apt-install:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet --user uv || \
		python3 -m pip install --quiet --user --break-system-packages uv
	@# The README's commands (`uv run pantau ...`) need `uv` on PATH; pip's --user folder
	@# (~/.local/bin) often is not, so a two-line launcher goes into /usr/local/bin.
	@command -v uv >/dev/null 2>&1 || { \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		printf '#!/bin/sh\nexec %s -m uv "$$@"\n' "$$(command -v python3)" | \
			$$sudo tee /usr/local/bin/uv >/dev/null && $$sudo chmod 755 /usr/local/bin/uv && \
		echo "uv: /usr/local/bin/uv runs python3 -m uv"; } || \
		echo "uv is not on PATH: add ~/.local/bin to PATH, or write 'python3 -m uv' for 'uv'"

# Bytecode is compiled at install time: a command then starts without compiling the
# ~2,000 modules it imports, even where PYTHONDONTWRITEBYTECODE keeps Python from caching.
python-deps:
	@$(UV) sync --frozen --quiet --compile-bytecode
	@$(UV) run --frozen python -m compileall -q -j 0 pantau flows extractors models storage web

demo: setup
	@$(UV) run pantau run samples; code=$$?; \
	if [ $$code -eq 3 ]; then echo "(exit code 3: some sample files are broken on purpose; see above)"; \
	elif [ $$code -ne 0 ]; then exit $$code; fi

test: setup test-deps lint
	@$(UV) run pytest

lint:
	@$(UV) run ruff check .
	@$(UV) run lint-imports
	@$(UV) run mypy

samples: setup
	@$(UV) run python -m tools.make_samples --out samples

bench: setup
	@$(UV) run python benchmarks/ocr_throughput.py

# Every marked message into models/locale/pantau.pot, and the Indonesian catalogue updated
# from it (new strings empty, changed ones fuzzy: both fail tests/test_i18n.py until translated).
messages: setup
	@$(UV) run pybabel -q extract -F babel.cfg -k N_ --add-location=file --sort-by-file \
		--no-wrap --omit-header -o models/locale/pantau.pot .
	@$(UV) run pybabel -q update -i models/locale/pantau.pot -d models/locale -D pantau -l id \
		--no-wrap --ignore-obsolete --init-missing
