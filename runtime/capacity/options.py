"""Reading what `callflow load` is given: agents per queue, handling times, a staffing file, the start of the day."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from callflow.flowlang.errors import FlowError


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


def read_staffing(path: Path, queues: Sequence[str], intervals: int, interval_s: float) -> dict[str, tuple[int, ...]]:
    """A staffing file: one row per interval (`start` first), one column of agent counts per queue.

    Its rows are the run's reporting intervals, in order; fewer rows than intervals repeat the last row."""
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as error:
        raise OptionError(f"{path}: cannot read the staffing: {error}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise OptionError(f"{path}: a staffing file has a header (start, then queue names) and a row per interval")
    header = [cell.strip() for cell in rows[0]]
    unknown = [name for name in header[1:] if name not in queues]
    if unknown:
        raise OptionError(f"{path}:1: {', '.join(unknown)}: no such queue in the flow ({', '.join(queues)})")
    if len(rows) - 1 > intervals:
        raise OptionError(
            f"{path}: {len(rows) - 1} rows for {intervals} intervals of {interval_s / 60:g} minutes; one row per "
            "interval of the run (--interval)"
        )
    staffing: dict[str, list[int]] = {name: [] for name in header[1:]}
    for number, row in enumerate(rows[1:], start=2):
        for name, cell in zip(header[1:], row[1:], strict=False):
            if not cell.strip().isdigit():
                raise OptionError(f"{path}:{number}: {cell.strip()!r} is not a number of agents for {name}")
            staffing[name].append(int(cell))
        if len(row) < len(header):
            raise OptionError(f"{path}:{number}: expected {len(header)} columns, found {len(row)}")
    return {name: tuple(counts) for name, counts in staffing.items()}


def write_staffing(path: Path, starts: Sequence[str], agents: dict[str, Sequence[int]]) -> None:
    """Agent counts per interval in the staffing file's form (`--staffing` reads it back)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", *agents])
        for index, start in enumerate(starts):
            writer.writerow([start, *(counts[index] for counts in agents.values())])


def parse_start(text: str | None, zone: ZoneInfo) -> datetime | None:
    """`--start`: an ISO date (the day) or date-time, with an offset or in the environment's time zone."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise OptionError(f"--start: {text!r} is not an ISO date or date-time, such as 2026-11-23T09:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
