# Fusen: `make run` serves on http://127.0.0.1:8000, `make test` runs every test.
# Both install what is missing first (Debian packages as root, a .venv, the package).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Runtime: OCR with Japanese (horizontal + 縦書き) data, and Japanese fonts.
RUN_PKGS := tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert fonts-noto-cjk fonts-ipaexfont-gothic
# Tests: a real browser, LibreOffice to render exported slides, handwriting-style and brush fonts
# for the photo generator and the OCR crop set.
TEST_PKGS := $(RUN_PKGS) fonts-seto fonts-kiloji fonts-aoyagi-soseki fonts-kouzan-mouhitsu chromium libreoffice-impress poppler-utils postgresql strace

export OMP_THREAD_LIMIT ?= 1

.PHONY: run test bench lint system-run system-test venv clean-venv samples

run: system-run $(STAMP)
	$(VENV)/bin/fusen serve

test: system-test $(STAMP)
	$(PY) -m pytest -q

bench: system-test $(STAMP)
	$(PY) -m app.bench

lint: $(STAMP)
	$(VENV)/bin/ruff check app vision exporters photogen tests
	$(VENV)/bin/mypy

samples: $(STAMP)
	$(PY) -m photogen.samples sample_photos

system-run:
	@scripts/apt-ensure $(RUN_PKGS)

system-test:
	@scripts/apt-ensure $(TEST_PKGS)

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -e ".[dev,postgres]"
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
