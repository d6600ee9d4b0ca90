"""Reading what `callflow load` is given on its command line: agents per queue, handling times, staffing files."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

from callflow.flowlang.errors import FlowError
from callflow.runtime.capacity.staffing import StaffingResult


class OptionError(FlowError):
    """An option whose value cannot be read."""


def parse_agents(values: Iterable[str]) -> dict[str, int]:
    """`--agents hotline=40,hotline-local=12` (repeatable) as counts per queue."""
    agents: dict[str, int] = {}
    for value in values:
        for item in filter(None, (part.strip() for part in value.split(","))):
            name, _, count = item.partition("=")
            if not name or not count.strip().isdigit():
                raise OptionError(f"--agents: `{item}` is not QUEUE=N, such as hotline=40")
            agents[name.strip()] = int(count)
    return agents


def parse_per_queue(value: str, what: str) -> tuple[float | None, dict[str, float]]:
    """`300` or `300,hotline-local=240`: seconds for every queue, and for some queues their own."""
    default: float | None = None
    own: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, equals, number = item.rpartition("=") if "=" in item else ("", "", item)
        try:
            seconds = float(number.strip().removesuffix("s"))
        except ValueError:
            raise OptionError(f"{what}: `{item}` is not SECONDS or QUEUE=SECONDS") from None
        if not seconds > 0 or math.isinf(seconds):
            raise OptionError(f"{what}: `{item}`: seconds must be above 0")
        if equals:
            own[name.strip()] = seconds
        else:
            default = seconds
    return default, own


def read_staffing(path: Path) -> dict[str, tuple[int, ...]]:
    """A staffing file: one row per interval of the run (`start` first), one column of agent counts per queue."""
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as error:
        raise OptionError(f"{path}: cannot read the staffing: {error}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise OptionError(f"{path}: a staffing file has a header (start, then queue names) and a row per interval")
    header = [cell.strip() for cell in rows[0]]
    staffing: dict[str, list[int]] = {name: [] for name in header[1:]}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < len(header):
            raise OptionError(f"{path}:{number}: expected {len(header)} columns, found {len(row)}")
        for name, cell in zip(header[1:], row[1:], strict=False):
            if not cell.strip().isdigit():
                raise OptionError(f"{path}:{number}: {cell.strip()!r} is not a number of agents for {name}")
            staffing[name].append(int(cell))
    return {name: tuple(counts) for name, counts in staffing.items()}


def write_staffing(path: Path, search: StaffingResult) -> None:
    """The agents a search found per interval, in the staffing file's form (`--staffing` reads it back)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", *(queue.queue for queue in search.queues)])
        for rows in zip(*(queue.intervals for queue in search.queues), strict=True):
            writer.writerow([rows[0].start, *(row.agents for row in rows)])
