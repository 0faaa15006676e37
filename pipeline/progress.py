"""Progress bars for long loops, switched on by the CLI and off in notebooks and tests.

Library code reports progress through :func:`track` (over an iterable) or
:func:`counter` (for callbacks); only the command line turns the bars on
(``enable()``), so importing the library never writes to a terminal it does
not own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")
_enabled = False


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on


@contextmanager
def counter(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n=1)``; draws a bar on stderr (a running count when ``total`` is unknown) if enabled."""
    if not _enabled:
        yield lambda n=1: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items``, advancing a progress bar after each."""
    total = total if total is not None else (len(items) if hasattr(items, "__len__") else None)  # type: ignore[arg-type]
    with counter(description, total) as advance:
        for item in items:
            yield item
            advance(1)
