# policy-miner — the two commands a new machine needs: `make run` and `make test`.
# Everything else (virtualenv, Python packages, Debian packages for OCR/fonts) is set up on demand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the tests need: OCR for scanned PDFs, a CJK font to draw test pages, poppler (reference text), LibreOffice (DOC/WPS),
# Chromium (the report is opened in headless Chromium).
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-zenhei poppler-utils libreoffice-writer-nogui chromium

.PHONY: setup system-deps run test bench clean-outputs

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian packages: $$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: setup
	$(BIN)/policy-miner run

test: setup system-deps
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_classify.py
	$(BIN)/python bench/bench_segment.py
	$(BIN)/python bench/bench_regions.py

clean-outputs:
	rm -rf outputs .outputs.runs  # outputs is a link to the last complete export in .outputs.runs/ (docs/outputs.md)
