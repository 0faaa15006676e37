"""Data flows one way (parse → segment → classify → extract): an earlier stage imports nothing of a later one.

Each import runs in a fresh interpreter, so that modules other tests have already imported cannot hide
an inversion (or fake one).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def imported_by(module: str) -> list[str]:
    """The pipeline modules a fresh interpreter holds after ``import module``."""
    script = (f"import json, sys, {module}\n"
              "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pipeline'))))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("stage", ["pipeline.parse", "pipeline.segment", "pipeline.classify"])
def test_earlier_stages_import_no_extract_module(stage: str) -> None:
    modules = imported_by(stage)
    assert stage in modules
    assert [m for m in modules if m.startswith("pipeline.extract")] == []


def test_parse_imports_its_mending_at_module_level() -> None:
    """Hard-wrap mending and flattened-table recovery are part of parse, imported with it (no deferred import that
    would hide a cycle), and they still need nothing of extract."""
    modules = imported_by("pipeline.parse")
    mending = {"pipeline.parse.reflow", "pipeline.parse.flat_table", "pipeline.textshape", "pipeline.chain_names"}
    assert mending <= set(modules)


@pytest.mark.parametrize("shared", ["pipeline.textshape", "pipeline.chain_names", "pipeline.lexicon",
                                    "pipeline.regions", "pipeline.vocabulary"])
def test_shared_helpers_sit_below_every_stage(shared: str) -> None:
    """What parse and extract both read (line shapes, chain names, the lexicon, regions, cue words) imports no stage."""
    stages = ("pipeline.parse", "pipeline.segment", "pipeline.classify", "pipeline.extract")
    assert [m for m in imported_by(shared) if m.startswith(stages)] == []
