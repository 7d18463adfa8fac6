"""Progress of a long job (nkhr/progress.py): done, rate, time left, at most so often."""

from nkhr.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_says_done_rate_and_time_left_at_most_every_interval():
    clock, lines = Clock(), []
    progress = Progress(1000, write=lines.append, every=1.0, clock=clock)
    clock.now += 0.5
    progress.advance(100, "designations")
    assert lines == []  # not a second yet
    clock.now += 1.5
    progress.advance(100, "designations")
    assert lines == ["designations: 200 / 1,000 records (100/s, 8 s left)"]
    clock.now += 0.2
    progress.advance(100)
    assert len(lines) == 1


def test_long_times_left_read_in_minutes_and_hours():
    clock, lines = Clock(), []
    progress = Progress(10_000_000, write=lines.append, every=0, clock=clock)
    clock.now += 10
    progress.advance(1000)
    assert lines[-1] == "1,000 / 10,000,000 records (100/s, 27 h 46 min left)"
    progress = Progress(20_000, write=lines.append, every=0, clock=clock)
    clock.now += 10
    progress.advance(1000)
    assert lines[-1].endswith("(100/s, 3 min 10 s left)")
