"""The Jinja sandbox the research appendices render in, with bounds on time and size.

Jinja's own sandbox stops a template from reaching Python's internals, but not from
running for ever (``range`` inside ``range``) or growing without end (``'x' * 10**9``).
:class:`BoundedSandbox` adds the bounds book.yaml's ``limits`` set for everything else:

- a *deadline*: every loop over ``range``, every call and every ``*``/``**`` checks it,
  and a watchdog timer raises it in the rendering thread itself (a loop over a plain
  list calls nothing), so a template that runs past ``limits.time`` seconds stops;
- a *size*: a string or list made by ``*`` larger than :data:`MAX_ITEMS`, a power
  with an exponent above :data:`MAX_EXPONENT`, or a rendered appendix larger than
  :data:`MAX_OUTPUT` characters stops.

Either is a :class:`TemplateBound`, which the caller reports at the template's line.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

MAX_ITEMS = 1_000_000
MAX_EXPONENT = 1_000
MAX_OUTPUT = 16 * 1024 * 1024
_CHECK_EVERY = 1024  # range items between two looks at the clock


class TemplateBound(Exception):
    """A template went past a bound (the message says which)."""


class _Deadline(Exception):
    """Raised by the watchdog inside the rendering thread when the time is up."""


class BoundedSandbox(SandboxedEnvironment):
    """A sandboxed environment whose templates stop at a deadline and a size."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._deadline = threading.local()
        self.globals["range"] = self._range

    def render(self, template: Any, seconds: float, **values: Any) -> str:
        """``template`` rendered with ``values`` within ``seconds`` and :data:`MAX_OUTPUT`."""
        self._deadline.at = time.monotonic() + seconds
        self._deadline.seconds = seconds
        watchdog = _Watchdog(seconds)
        try:
            with watchdog:
                parts, size = [], 0
                for chunk in template.generate(**values):
                    size += len(chunk)
                    if size > MAX_OUTPUT:
                        raise TemplateBound(f"the appendix grew past {MAX_OUTPUT // 2**20} MiB")
                    self.tick()
                    parts.append(chunk)
                return "".join(parts)
        except _Deadline:
            raise TemplateBound(f"the template ran longer than {seconds:g} s (limits.time in "
                                "book.yaml)") from None
        finally:
            self._deadline.at = None

    def tick(self) -> None:
        """Stop the template if its deadline has passed."""
        at = getattr(self._deadline, "at", None)
        if at is not None and time.monotonic() > at:
            raise TemplateBound(f"the template ran longer than {self._deadline.seconds:g} s "
                                "(limits.time in book.yaml)")

    def _range(self, *args: int) -> Iterator[int]:
        numbers = range(*args)
        if len(numbers) > MAX_ITEMS:
            raise TemplateBound(f"range() of more than {MAX_ITEMS:,} numbers")
        for index, number in enumerate(numbers):
            if index % _CHECK_EVERY == 0:
                self.tick()
            yield number

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        self.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TemplateBound(f"a power above {MAX_EXPONENT}")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) \
                        and len(sized) * count > MAX_ITEMS:
                    raise TemplateBound(f"a text or list of more than {MAX_ITEMS:,} items")
        return super().call_binop(context, operator, left, right)


class _Watchdog:
    """Raises :class:`_Deadline` in the thread that entered it once ``seconds`` have passed,
    unless it has been left first (a lock makes "left" and "raised" exclusive)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.active = False
        self.thread = threading.get_ident()
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def __enter__(self) -> "_Watchdog":
        self.active = True
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.active = False
        self.timer.cancel()

    def _fire(self) -> None:
        with self.lock:
            if self.active:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread),
                                                           ctypes.py_object(_Deadline))
