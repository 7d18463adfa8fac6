"""Progress of a long job over a known number of records: done, rate, time left.

Shared by the commands that write many records (`build_dumps`); a line at most every
`every` seconds, so a fast loop does not spend its time printing.
"""

import sys
import time
from collections.abc import Callable


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """Records done out of `total`, reported through `write` (stderr by default) when
    `advance()` is called and `every` seconds have passed since the last report."""

    def __init__(
        self,
        total: int,
        label: str = "records",
        write: Callable[[str], object] | None = None,
        every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total = max(total, 0)
        self.label = label
        self.write = write if write is not None else _stderr
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last = self.started
        self.done = 0

    def advance(self, records: int, what: str = "") -> None:
        self.done += records
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self.write(self.line(what, now))

    def line(self, what: str = "", now: float | None = None) -> str:
        elapsed = (self.clock() if now is None else now) - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        text = f"{self.done:,} / {self.total:,} {self.label} ({rate:,.0f}/s"
        if rate and self.total >= self.done:
            text += f", {_duration((self.total - self.done) / rate)} left"
        text += ")"
        return f"{what}: {text}" if what else text


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
