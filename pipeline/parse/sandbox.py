"""Run one parse in a forked child with a memory ceiling and a deadline.

The size limits in :mod:`pipeline.parse.limits` refuse what is obviously too
big, but a small hostile file can still make a parser library allocate
gigabytes or spin for minutes (pdfminer on a pathological page, lxml on
deeply nested markup).  Inside the process that would cost the whole batch —
the kernel's OOM killer takes the process, and every document in it.  So
such a file is parsed in a child made with ``os.fork`` (the parsers are
already imported and the input bytes are shared copy-on-write), whose
address space is capped with ``RLIMIT_AS``; the parent waits at most
``PARSE_TIMEOUT_S`` and gets back either the result or one line saying why
not.  ``os.fork`` rather than multiprocessing, because Dask's worker
processes are daemonic and may not start multiprocessing children.

A fork of a worker (~400 MB) still costs several times more than parsing a
small text or page, so :func:`isolated` keeps those in-process: TXT,
Markdown and HTML up to ``limits.IN_PROCESS_MAX_BYTES``, whose parsers run
no native code that can loop or crash and are linear in their input.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import selectors
import signal
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from pipeline.parse import limits

T = TypeVar("T")


class Exceeded(Exception):
    """The child ran out of its memory ceiling or its time, or died; the message says which, in one line."""


def isolated(media_type: str, size: int) -> bool:
    """Whether a stored file of this type and size is parsed in a child (else in-process: see limits)."""
    return limits.PARSE_IN_CHILD and not (media_type in limits.IN_PROCESS_TYPES
                                          and size <= limits.IN_PROCESS_MAX_BYTES)


def run_bounded(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``function(*args, **kwargs)`` in a child within ``limits.PARSE_MEMORY_BYTES`` and ``limits.PARSE_TIMEOUT_S``.

    Exceptions raised by ``function`` are raised again here (same type when
    it pickles); exceeding a limit raises :class:`Exceeded`.  Runs inline when
    ``limits.PARSE_IN_CHILD`` is off or the platform cannot fork.
    """
    if not limits.PARSE_IN_CHILD or not hasattr(os, "fork"):
        return function(*args, **kwargs)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, function, args, kwargs)
    os.close(write_end)
    try:
        payload = _read_until(read_end, time.monotonic() + limits.PARSE_TIMEOUT_S)
    except BaseException:  # interrupted (Ctrl-C): leave no child behind
        _stop(pid)
        raise
    finally:
        os.close(read_end)
    if payload is None:
        _stop(pid)
        raise Exceeded(f"parsing took longer than {limits.PARSE_TIMEOUT_S:.0f} s (limit PARSE_TIMEOUT_S)")
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise Exceeded(f"the parser crashed ({_describe(status)})")
    outcome, value = pickle.loads(payload)
    if outcome == "ok":
        return value
    if outcome == "memory":
        raise Exceeded(f"parsing needed more than {limits.PARSE_MEMORY_BYTES // 2**20} MB of memory "
                       f"(limit PARSE_MEMORY_BYTES)")
    raise value


def _stop(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _child(write_end: int, function: Callable[..., object], args: tuple, kwargs: dict) -> None:
    code = 0
    faulthandler.disable()  # a crash is reported by the parent in one line, not as a dump on the console
    try:
        _cap_memory(limits.PARSE_MEMORY_BYTES)
        try:
            result: tuple[str, object] = ("ok", function(*args, **kwargs))
        except MemoryError:
            result = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it again
            result = ("error", exc)
        try:
            payload = pickle.dumps(result)
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
    except BaseException:  # noqa: BLE001 - a child must never fall back into the parent's code
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _cap_memory(extra: int) -> None:
    """Allow the child ``extra`` bytes of address space beyond what it shares with the parent already."""
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: no way to know the shared part, so no ceiling (the deadline still holds)
        return
    ceiling = current + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until EOF, or None if the deadline passes first."""
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if not selector.select(remaining):
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
