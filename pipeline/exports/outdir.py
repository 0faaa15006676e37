"""An output folder that switches from one complete export to the next, atomically.

Layout for ``--out outputs``::

    outputs -> .outputs.runs/20261201T163512Z-k3j2a9    (a symbolic link)
    .outputs.runs/20261201T163512Z-k3j2a9/              (one complete export: tables, manifest.json …)
    .outputs.runs/20261201T160101Z-p0q8zz/              (the previous one, kept for readers still on it)

An export writes every file into a fresh folder of its own (unique name, so
two exports never share a temporary file), writes ``manifest.json`` last, then
replaces the link in one ``rename``.  A reader who resolves ``outputs`` once
sees one complete export, never a mix of two; an export that fails (disk
full, killed) leaves the link on the previous complete export and removes
its own folder.  The newest few complete exports are kept, older ones pruned.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

KEEP_PREVIOUS = 2  # complete exports kept besides the current one (readers may still be reading them)
MIN_AGE_S = 600  # a complete export younger than this is never pruned: another export may be about to link it
STALE_PARTIAL_S = 24 * 3600  # an unfinished folder this old belongs to an export that died
COMPLETE_MARKER = "manifest.json"  # written last: a folder holding it is a complete export


class ExportError(RuntimeError):
    """An export that could not be completed; the message is one line for the console."""


def runs_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.runs"


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A fresh folder to write one export into; on success ``out`` points at it, on failure it is removed."""
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder; choose another --out")
    refuse_foreign_folder(out)  # before any work: the export would otherwise fail only at the end
    runs = runs_dir(out)
    try:
        runs.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=runs))
        folder.chmod(0o755)  # mkdtemp makes it private; outputs are for every reader of the parent folder
    except OSError as exc:
        raise ExportError(f"cannot create an output folder beside {out}: {exc.strerror or exc}") from exc
    try:
        yield folder
        publish(out, folder)
    except Exception as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ExportError(f"export to {out} failed: {_reason(exc)}; {out} still holds the previous complete export") \
            from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    prune(out)


def _reason(exc: Exception) -> str:
    """One readable cause; writers report a full disk as OSError or in their own words (lxml: IO_EFBIG)."""
    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)) or \
        any(code in str(exc) for code in ("ENOSPC", "EFBIG", "EDQUOT", "No space left"))
    where = f" ({Path(exc.filename).name})" if isinstance(exc, OSError) and exc.filename else ""
    if full:
        return f"no space left on device{where}"
    return f"{exc.strerror}{where}" if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"


def refuse_foreign_folder(out: Path) -> None:
    """Refuse an ``out`` that is a plain folder of other files: publishing would move a person's files away.

    A plain folder holding ``manifest.json`` is a policy-miner export from
    before the linked layout, and an empty one holds nothing: those are taken over.
    """
    if out.is_dir() and not out.is_symlink() and not (out / COMPLETE_MARKER).exists() and any(out.iterdir()):
        raise ExportError(f"{out} is a folder of other files (no {COMPLETE_MARKER}: not a policy-miner export); "
                          "nothing was written: choose another --out, or empty or move that folder")


def publish(out: Path, folder: Path) -> None:
    """Point ``out`` at ``folder`` with one atomic rename of a new link over the old one."""
    if out.is_dir() and not out.is_symlink():
        refuse_foreign_folder(out)  # again: files may have arrived while the export was written
        _take_over(out)
    link = out.parent / f".{out.name}.link-{os.getpid()}-{folder.name}"
    os.symlink(os.path.relpath(folder, out.parent), link)
    try:
        os.replace(link, out)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def _take_over(out: Path) -> None:
    """Clear the way for the link: an empty folder is removed, an old plain export kept among the runs (said so)."""
    try:
        if not any(out.iterdir()):
            out.rmdir()
            return
        aside = runs_dir(out) / f"previous-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}"
        os.rename(out, aside)
    except FileNotFoundError:
        return  # a concurrent export took it over first
    log.warning("%s held an export from before linked output folders: moved to %s (delete it when no longer "
                "needed); %s is now a link to the newest export", out, aside, out)


def prune(out: Path) -> None:
    """Remove complete exports beyond the newest few, and unfinished ones left by exports that died."""
    runs = runs_dir(out)
    current = Path(os.path.realpath(out))
    complete: list[Path] = []
    for folder in runs.iterdir():
        if not folder.is_dir() or folder == current or folder.name.startswith("previous-"):
            continue  # previous-…: a plain output folder from before this layout, moved aside; the user's to delete
        if (folder / COMPLETE_MARKER).exists():
            complete.append(folder)
        elif time.time() - folder.stat().st_mtime > STALE_PARTIAL_S:
            shutil.rmtree(folder, ignore_errors=True)
    exports = sorted(complete, key=lambda f: f.name, reverse=True)  # names start with the UTC time: newest first
    for folder in exports[KEEP_PREVIOUS:]:
        if time.time() - folder.stat().st_mtime > MIN_AGE_S:  # a concurrent export may be about to link it
            shutil.rmtree(folder, ignore_errors=True)
