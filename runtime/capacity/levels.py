"""A level over time (callers waiting, agents busy, agents on shift), kept as its area and its peak per time bin.

Only the bins are kept, never the changes, so the memory a run needs grows with the length of the day it
simulates, not with its calls.
"""

from __future__ import annotations


class Level:
    """A whole-number level that changes at moments; its time-weighted area and its peak in each bin."""

    __slots__ = ("areas", "bin_s", "level", "peaks", "since")

    def __init__(self, bin_s: float) -> None:
        self.bin_s = bin_s
        self.level = 0
        self.since = 0.0
        self.areas: list[float] = []
        self.peaks: list[int] = []

    def set(self, t: float, level: int) -> None:
        """The level is `level` from moment `t` on."""
        self.close(t)
        self.level = level
        index = int(t // self.bin_s)
        self._grow(index)
        if level > self.peaks[index]:
            self.peaks[index] = level

    def close(self, t: float) -> None:
        """Count the area up to moment `t`."""
        since, level, bin_s = self.since, self.level, self.bin_s
        if t <= since:
            return
        self.since = t
        first, last = int(since // bin_s), int(t // bin_s)
        self._grow(last)
        if first == last:
            self.areas[first] += level * (t - since)
            return
        areas, peaks = self.areas, self.peaks
        areas[first] += level * ((first + 1) * bin_s - since)
        for index in range(first + 1, last):
            areas[index] += level * bin_s
            if level > peaks[index]:
                peaks[index] = level
        areas[last] += level * (t - last * bin_s)
        if level > peaks[last]:
            peaks[last] = level

    def occupy(self, begin: float, end: float) -> None:
        """Add one unit of level from `begin` to `end` to the areas (a span that has ended; peaks are not kept)."""
        bin_s = self.bin_s
        first, last = int(begin // bin_s), int(end // bin_s)
        self._grow(last)
        areas = self.areas
        if first == last:
            areas[first] += end - begin
            return
        areas[first] += (first + 1) * bin_s - begin
        for index in range(first + 1, last):
            areas[index] += bin_s
        areas[last] += end - last * bin_s

    def _grow(self, index: int) -> None:
        missing = index + 1 - len(self.areas)
        if missing > 0:
            self.areas.extend([0.0] * missing)
            self.peaks.extend([self.level] * missing)

    def area(self, begin: float, end: float) -> float:
        """The area between two bin boundaries."""
        first, last = round(begin / self.bin_s), round(end / self.bin_s)
        return sum(self.areas[first:last])

    def peak(self, begin: float, end: float) -> int:
        """The peak between two bin boundaries."""
        first, last = round(begin / self.bin_s), round(end / self.bin_s)
        return max(self.peaks[first:last], default=0)

    def averages(self, until: float) -> list[float]:
        """The average level in each bin up to a bin boundary."""
        count = round(until / self.bin_s)
        self._grow(count - 1)
        return [round(area / self.bin_s, 3) for area in self.areas[:count]]
