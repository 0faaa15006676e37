"""OCR of scanned pages with the ``tesseract`` binary (Debian: tesseract-ocr tesseract-ocr-chi-sim).

The binary is called directly — no Python wrapper needed — on page images
rendered by pypdfium2.  Whether OCR is possible is checked each time (PATH
may change between runs), so a missing install becomes a clear per-document
error with ``needs_ocr`` set rather than silently empty text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from PIL.Image import Image

OCR_LANGUAGE = "chi_sim"
INSTALL_HINT = "install tesseract-ocr tesseract-ocr-chi-sim"


def ocr_unavailable() -> str:
    """Why OCR cannot run here ('' when it can)."""
    binary = shutil.which("tesseract")
    if not binary:
        return f"OCR unavailable ({INSTALL_HINT})"
    if OCR_LANGUAGE not in _languages(binary):
        return f"OCR unavailable: tesseract has no {OCR_LANGUAGE} model ({INSTALL_HINT})"
    return ""


@cache
def _languages(binary: str) -> frozenset[str]:
    try:
        listing = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in (listing.stdout + listing.stderr).splitlines())


def ocr_image(image: Image, timeout: float) -> list[str]:
    """Lines of text Tesseract reads in ``image``; raises subprocess.TimeoutExpired past ``timeout``."""
    binary = shutil.which("tesseract") or "tesseract"
    with tempfile.TemporaryDirectory(prefix="policy-miner-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        result = subprocess.run([binary, str(path), "stdout", "-l", OCR_LANGUAGE, "--psm", "3"],
                                capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "tesseract failed")
    return [line for line in result.stdout.splitlines() if line.strip()]
