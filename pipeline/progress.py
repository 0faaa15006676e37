"""Progress bars for long loops, switched on by the CLI and off in notebooks and tests.

Library functions wrap their loops in :func:`track`; only the command line
turns the bars on (``enable()``), so importing the library never writes to a
terminal it does not own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")
_enabled = False


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items``, drawing a progress bar on stderr when the CLI enabled bars."""
    if not _enabled:
        yield from items
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total if total is not None else _length(items))
        for item in items:
            yield item
            bar.advance(task)


def _length(items: Iterable[object]) -> int | None:
    return len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
