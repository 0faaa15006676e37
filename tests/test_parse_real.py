"""The parser on real government documents in ../shared (read in place; skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from pipeline.parse.evaluate import (GOVCN_DIR, GOVCN_FIELDS, GUANGZHOU_DIR, govcn_metadata_accuracy,
                                     guangzhou_body_check, navigation_text)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def need(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared corpus not present: {relative}")
    return path


def test_govcn_metadata_matches_recorded_fields():
    need(GOVCN_DIR)
    result = govcn_metadata_accuracy(SHARED)
    assert result.documents >= 50
    for field in GOVCN_FIELDS:
        assert result.accuracy(field) >= 0.98, (field, [m for m in result.misses if m[1] == field][:3])


def test_guangzhou_bodies_have_no_navigation_text():
    folder = need(GUANGZHOU_DIR)
    result = guangzhou_body_check(SHARED)
    assert result.pages >= 40
    assert result.errors == ()
    assert result.with_body == result.pages
    assert result.with_navigation == ()
    # The check itself bites: the same pages' full text is full of portal chrome.
    whole_pages = [lxml.html.parse(str(p)).getroot().text_content() for p in sorted(folder.glob("*.html"))]
    assert sum(1 for text in whole_pages if navigation_text(text)) >= result.pages // 2
