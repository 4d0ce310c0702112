"""One guard around every step that reads one input: no file, record or article stops a run.

`guarded` runs a step (reading a file, building one record, one extractor on one article)
and turns whatever goes wrong in it into a row of the `problems` table:

- an exception: `malformed` for a loader, `extractor-failed` for an extractor (the detail
  names the extractor, the exception and where it was raised);
- a recursion limit or a memory error: `too-large` (a JSON array nested 20,000 deep);
- a time budget exceeded: `too-slow`. A watchdog thread raises `TooSlow` in the thread that
  overran, so a step that would run for hours is stopped and the run goes on. The budget
  grows with the size of the input, as every step is meant to take time linear in it.
  Python only sees the exception between bytecodes: a single C call (one regular
  expression, one `json.loads`) finishes first.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# The budget of one step on an input of n characters: BUDGET_SECONDS + n / BUDGET_CHARS_PER_SECOND.
# Extractors handle about 30,000 characters a second on one core; the budget allows ten
# times slower (a busy machine) before a step counts as stuck.
BUDGET_SECONDS = 60.0
BUDGET_CHARS_PER_SECOND = 3_000


def budget_for(chars: int) -> float:
    return BUDGET_SECONDS + chars / BUDGET_CHARS_PER_SECOND


@dataclass
class Problems:
    """Collects one row per input that was skipped or repaired."""

    rows: list[dict] = field(default_factory=list)

    def add(self, source: str, problem: str, detail: str, action: str) -> None:
        self.rows.append({"source": source, "problem": problem, "detail": detail, "action": action})


class TooSlow(BaseException):
    """Raised in a thread whose guarded step overran its budget. A BaseException, so that a
    step's own `except Exception` cannot swallow it."""


def guarded(step: Callable[[], T], source: str, problems: Problems, *, failure: str = "malformed",
            name: str = "", budget: float | None = None) -> T | None:
    """`step()`, or None with a `problems` row for `source` when it raised or overran `budget`
    seconds. `failure` is the problem code of an exception (`malformed`, `extractor-failed`);
    `name` (an extractor's) starts the row's detail."""
    prefix = f"{name}: " if name else ""
    armed = _WATCHDOG.arm(budget) if budget is not None else None
    try:
        try:
            return step()
        finally:
            if armed is not None:
                _WATCHDOG.disarm(armed)
    except TooSlow:
        if armed is None:  # an enclosing guard's budget ran out: it reports
            raise
        problems.add(source, "too-slow", f"{prefix}stopped after {budget:.3g} s", "skipped")
    except (RecursionError, MemoryError) as error:
        what = "nested too deeply" if isinstance(error, RecursionError) else "out of memory"
        problems.add(source, "too-large", f"{prefix}{what} ({error.__class__.__name__})", "skipped")
    except Exception as error:  # one bad input must not sink a corpus run
        problems.add(source, failure, f"{prefix}{_describe(error)}", "skipped")
    return None


def _describe(error: Exception) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    message = str(error)
    message = message if len(message) <= 200 else message[:200] + "…"
    return f"{error.__class__.__name__}: {message}{where}"


class _Watchdog:
    """One daemon thread per process, raising TooSlow in threads whose step overran.

    Every armed step has a token; firing and disarming both happen under one lock and remove
    the token, so an exception is raised only into a step still running. A step that finished
    just as it fired clears the pending exception when it disarms.
    """

    def __init__(self):
        self.lock = threading.Condition()
        self.armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread ident)
        self.tokens = iter(range(1, 1 << 62))
        self.started = False

    def arm(self, seconds: float) -> int | None:
        thread = threading.get_ident()
        with self.lock:
            if any(owner == thread for _, owner in self.armed.values()):
                return None  # nested in a guarded step: the outer budget holds
            self._start()
            token = next(self.tokens)
            self.armed[token] = (time.monotonic() + seconds, thread)
            self.lock.notify()
            return token

    def disarm(self, token: int) -> None:
        with self.lock:
            if self.armed.pop(token, None) is None:  # it fired: clear it if still pending
                _set_async_exception(threading.get_ident(), None)

    def _start(self) -> None:
        if not self.started:
            self.started = True
            threading.Thread(target=self._watch, name="helpers-watchdog", daemon=True).start()

    def _watch(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                for token, (deadline, thread) in list(self.armed.items()):
                    if deadline <= now:
                        del self.armed[token]
                        _set_async_exception(thread, TooSlow)
                soonest = min((deadline for deadline, _ in self.armed.values()), default=None)
                self.lock.wait(None if soonest is None else max(soonest - now, 0.01))


def _set_async_exception(thread: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception) if exception else ctypes.c_void_p(0))


_WATCHDOG = _Watchdog()
# A forked worker process inherits the object (its lock perhaps held) but not the thread.
os.register_at_fork(after_in_child=_WATCHDOG.__init__)
