"""The figures of a load run, a staffing search or a comparison as text tables (`--format table`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from callflow.runtime.capacity.compare import Comparison
from callflow.runtime.capacity.figures import OUTCOMES
from callflow.runtime.capacity.result import LoadResult, QueueInterval
from callflow.runtime.capacity.staffing import StaffingResult

DASH = "—"


def percent(share: float | None) -> str:
    """A share as a percentage (a dash when there is none)."""
    return DASH if share is None else f"{share * 100:.1f} %"


def seconds(value: float | None) -> str:
    """Seconds, to a tenth (a dash when there are none)."""
    return DASH if value is None else f"{value:,.1f} s"


def signed(value: float | None, unit: str = "") -> str:
    """A difference with its sign."""
    if value is None:
        return DASH
    text = f"{value:+,.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:+,.0f}"
    return text + unit


def grid(header: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows as aligned columns: the first to the left, the others to the right."""
    table = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines


def _clock(start: str, first: str) -> str:
    moment, day = datetime.fromisoformat(start), datetime.fromisoformat(first)
    return f"{moment:%H:%M}" if moment.date() == day.date() else f"{moment:%a %H:%M}"


def _hours(seconds_total: float) -> str:
    hours = seconds_total / 3600
    return f"{hours:g} h" if hours >= 1 else f"{seconds_total / 60:g} min"


def describe_run(result: LoadResult) -> list[str]:
    """The run's heading: the flow, the day, the calls, the seed."""
    asked = result.asked
    start = datetime.fromisoformat(result.start)
    duration = asked["arrivals"]["interval_s"] * len(asked["arrivals"]["calls"])
    calls = result.calls["arrived"]
    return [
        f"{result.flow}: {calls:,} calls from {start:%a %Y-%m-%d %H:%M} ({asked['timezone']}) for {_hours(duration)}, "
        f"seed {asked['seed']}, service level {asked['target']['percent']:g} % within {asked['target']['seconds']:g} s"
    ]


def render_result(result: LoadResult) -> str:
    """A run's figures: calls by outcome, each queue per interval, traffic through the nodes."""
    lines = describe_run(result)
    calls = result.calls
    arrived = calls["arrived"]
    lines += ["", "Calls"]
    rows = [
        [name, f"{calls['outcomes'][name]:,}", percent(calls["outcomes"][name] / arrived if arrived else None)]
        for name in OUTCOMES
    ]
    lines += grid(["outcome", "calls", "share"], rows)
    lines.append(
        f"  containment {percent(calls['containment'])}; voicemails left {calls['voicemails_saved']:,}; "
        f"node errors {calls['node_errors']:,}; fallbacks {calls['fallbacks']:,}; "
        f"calls in flight at most {calls['peak_in_flight']:,}"
    )
    for name, queue in result.queues.items():
        setup = result.asked["queues"][name]
        handling = setup["handling"]
        lines += ["", f"Queue {name} (handling {handling['shape']} {handling['mean_s']:g} s)"]
        lines += queue_table(queue.intervals, queue.total, result.start)
    lines += ["", "Traffic"]
    for flow, nodes in result.nodes.items():
        rows = []
        for node, traffic in nodes.items():
            exits = ", ".join(f"{exit_name} {count:,}" for exit_name, count in traffic["exits"].items() if count)
            rows.append([node, f"{traffic['visits']:,}", exits])
        lines.append(f"  {flow}")
        lines += grid(["node", "visits", "exits taken"], rows, indent="    ")
    return "\n".join(lines)


def queue_table(rows: Sequence[QueueInterval], total: QueueInterval, first: str) -> list[str]:
    """One queue per interval, and the day."""
    header = [
        "interval",
        "agents",
        "offered",
        "answered",
        "abandoned",
        "offer",
        "SL",
        "ASA",
        "longest",
        "occupancy",
        "queue avg",
        "max",
    ]

    def cells(label: str, row: QueueInterval) -> list[str]:
        return [
            label,
            f"{round(row.agents, 1):g}",
            f"{row.offered:,}",
            f"{row.answered:,}",
            f"{row.abandoned:,}",
            f"{row.offer + row.timeout:,}",
            percent(row.service_level),
            seconds(row.asa_s),
            seconds(row.longest_wait_s),
            percent(row.occupancy),
            f"{row.average_queue:.1f}",
            f"{row.max_queue:,}",
        ]

    return grid(header, [*(cells(_clock(row.start, first), row) for row in rows), cells("day", total)])


def render_staffing(search: StaffingResult) -> str:
    """The agents found per interval, beside Erlang C, then the day simulated with them."""
    target = search.target
    verdict = "met in every interval" if search.met else "NOT met in every interval (see below)"
    lines = describe_run(search.result)
    for queue in search.queues:
        lines += [
            "",
            f"Agents for {queue.queue} to answer {target['percent']:g} % within {target['seconds']:g} s: "
            f"{verdict}; {search.runs} days simulated",
        ]
        rows = [
            [
                _clock(row.start, search.result.start),
                f"{row.offered:,}",
                f"{row.agents:,}",
                f"{row.erlang_c:,}",
                signed(row.agents - row.erlang_c),
                percent(row.service_level),
                seconds(row.asa_s),
                percent(row.occupancy),
                f"{row.abandoned:,}",
            ]
            for row in queue.intervals
        ]
        lines += grid(
            ["interval", "offered", "agents", "Erlang C", "difference", "SL", "ASA", "occupancy", "abandoned"], rows
        )
    lines += ["", "The day with these agents:", "", render_result(search.result)]
    return "\n".join(lines)


def render_comparison(comparison: Comparison) -> str:
    """Two runs side by side, with the difference."""
    first, second, diff = comparison.first, comparison.second, comparison.difference
    lines = describe_run(first)
    lines += ["", f"first: {first.flow}; second: {second.flow} (the same calls, callers and draws)", ""]
    rows: list[list[str]] = []
    for name in OUTCOMES:
        a, b = first.calls["outcomes"][name], second.calls["outcomes"][name]
        rows.append([name, f"{a:,}", f"{b:,}", signed(b - a)])
    rows.append(
        [
            "containment",
            percent(first.calls["containment"]),
            percent(second.calls["containment"]),
            _points(diff["calls"]["containment"]),
        ]
    )
    lines += grid(["calls", "first", "second", "difference"], rows)
    for name, queue_diff in diff["queues"].items():
        a, b = first.queues[name], second.queues[name]
        lines += ["", f"Queue {name}"]
        lines += grid(["figure", "first", "second", "difference"], _queue_rows(a.total, b.total, queue_diff["total"]))
        per = [
            [
                _clock(x.start, first.start),
                percent(x.service_level),
                percent(y.service_level),
                _points(d["service_level"]),
                seconds(x.asa_s),
                seconds(y.asa_s),
                signed(d["asa_s"], " s"),
                f"{x.abandoned:,}",
                f"{y.abandoned:,}",
            ]
            for x, y, d in zip(a.intervals, b.intervals, queue_diff["intervals"], strict=True)
        ]
        lines += [""]
        lines += grid(
            [
                "interval",
                "SL first",
                "SL second",
                "difference",
                "ASA first",
                "ASA second",
                "difference",
                "abandoned first",
                "second",
            ],
            per,
        )
    changed = [(flow, node, delta) for flow, nodes in diff["nodes"].items() for node, delta in nodes.items()]
    if changed:
        lines += ["", "Traffic that changed (visits, second minus first)"]
        lines += grid(["node", "difference"], [[f"{flow}.{node}", signed(delta)] for flow, node, delta in changed])
    return "\n".join(lines)


def _queue_rows(a: QueueInterval, b: QueueInterval, d: dict[str, Any]) -> list[list[str]]:
    return [
        ["offered", f"{a.offered:,}", f"{b.offered:,}", signed(d["offered"])],
        ["answered", f"{a.answered:,}", f"{b.answered:,}", signed(d["answered"])],
        ["abandoned", f"{a.abandoned:,}", f"{b.abandoned:,}", signed(d["abandoned"])],
        ["took the offer", f"{a.offer:,}", f"{b.offer:,}", signed(d["offer"])],
        ["service level", percent(a.service_level), percent(b.service_level), _points(d["service_level"])],
        ["average speed of answer", seconds(a.asa_s), seconds(b.asa_s), signed(d["asa_s"], " s")],
        ["longest wait", seconds(a.longest_wait_s), seconds(b.longest_wait_s), signed(d["longest_wait_s"], " s")],
        ["occupancy", percent(a.occupancy), percent(b.occupancy), _points(d["occupancy"])],
        ["callers waiting, on average", f"{a.average_queue:.1f}", f"{b.average_queue:.1f}", signed(d["average_queue"])],
    ]


def _points(share: float | None) -> str:
    return DASH if share is None else f"{share * 100:+.1f} pt"
