"""`--report OUT.html`: one self-contained page with the figures and their charts (inline SVG, no script)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from callflow.runtime.capacity import charts
from callflow.runtime.capacity.compare import Comparison
from callflow.runtime.capacity.figures import OUTCOMES
from callflow.runtime.capacity.result import LoadResult, QueueInterval
from callflow.runtime.capacity.staffing import StaffingResult
from callflow.runtime.capacity.table import DASH, describe_run, percent, seconds, signed

Report = LoadResult | StaffingResult | Comparison

_CSS = """
body { font: 14px/1.45 system-ui, "Noto Sans CJK SC", sans-serif; color: #111827; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid
#e5e7eb; padding-bottom: .2rem; } h3 { font-size: 1rem; margin-bottom: .3rem; }
p.lead { color: #4b5563; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { padding: .2rem .6rem; text-align: right; border-bottom: 1px solid #f3f4f6; }
th:first-child, td:first-child { text-align: left; } th { background: #f9fafb; font-weight: 600; }
tr.total td { font-weight: 600; border-top: 2px solid #d1d5db; }
td.miss { color: #b91c1c; font-weight: 600; } td.met { color: #15803d; }
.chart svg { width: 100%; height: auto; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; } .card { border: 1px solid #e5e7eb; border-radius: .5rem;
         padding: .5rem .9rem; min-width: 8rem; } .card b { display: block; font-size: 1.3rem; }
footer { margin-top: 3rem; color: #6b7280; font-size: 12px; }
"""


def write_report(path: Path, report: Report) -> None:
    """Write the page for a run, a staffing search or a comparison."""
    path.write_text(render_report(report), encoding="utf-8")


def render_report(report: Report) -> str:
    """The page as HTML text."""
    if isinstance(report, Comparison):
        title, body = f"{report.first.flow} against {report.second.flow}", _comparison(report)
    elif isinstance(report, StaffingResult):
        title, body = f"Agents needed: {report.result.flow}", _staffing(report) + _run(report.result)
    else:
        title, body = f"Load: {report.flow}", _run(report)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n{body}\n"
        "<footer>Made by <code>callflow load</code>: every call ran through the real engine and flow on one virtual "
        "clock, with shared queues and agents.</footer>\n</body>\n</html>\n"
    )


def _run(result: LoadResult) -> str:
    target = result.asked["target"]
    calls = result.calls
    arrived = calls["arrived"] or 1
    cards = [("calls", f"{calls['arrived']:,}")] + [
        (name, f"{calls['outcomes'][name]:,} <small>({percent(calls['outcomes'][name] / arrived)})</small>")
        for name in OUTCOMES
        if calls["outcomes"][name]
    ]
    parts = [
        f'<p class="lead">{escape(describe_run(result)[0])}</p>',
        '<div class="cards">' + "".join(f'<div class="card">{escape(k)}<b>{v}</b></div>' for k, v in cards) + "</div>",
        f"<p>Containment {percent(calls['containment'])}; voicemails left {calls['voicemails_saved']:,}; node errors "
        f"{calls['node_errors']:,}; fallbacks {calls['fallbacks']:,}.</p>",
        "<h2>Service level per interval</h2>",
        _chart(charts.service_levels([("", result)], target["percent"])),
        "<h2>Waits per interval</h2>",
        _chart(charts.waits([("", result)])),
        "<h2>Callers waiting over the day</h2>",
        _chart(charts.queue_length(result)),
        "<h2>Calls by outcome</h2>",
        _chart(charts.outcomes(result)),
    ]
    for name, queue in result.queues.items():
        handling = result.asked["queues"][name]["handling"]
        parts += [
            f"<h2>Queue {escape(name)}</h2>",
            f"<p>Handling {escape(handling['shape'])}, {handling['mean_s']:g} s on average.</p>",
            _queue_table(queue.intervals, queue.total, target["percent"]),
            "<h3>Waits</h3>",
            _chart(charts.wait_histogram(queue)),
        ]
    parts.append("<h2>Traffic through the nodes</h2>")
    for flow, nodes in result.nodes.items():
        rows = [
            [
                escape(node),
                f"{traffic['visits']:,}",
                escape(", ".join(f"{e} {c:,}" for e, c in traffic["exits"].items() if c)),
            ]
            for node, traffic in nodes.items()
        ]
        parts += [f"<h3>{escape(flow)}</h3>", _table(["node", "visits", "exits taken"], rows)]
    return "\n".join(parts)


def _queue_table(rows: Sequence[QueueInterval], total: QueueInterval, target_percent: float) -> str:
    header = [
        "interval",
        "agents",
        "offered",
        "answered",
        "abandoned",
        "offer / timeout",
        "service level",
        "ASA",
        "longest wait",
        "occupancy",
        "waiting (avg / max)",
    ]
    body: list[list[str | tuple[str, str]]] = []
    for label, row in [*((f"{row.start[11:16]}", row) for row in rows), ("day", total)]:
        met = row.service_level is None or row.service_level * 100 >= target_percent - 1e-9
        body.append(
            [
                label,
                f"{round(row.agents, 1):g}",
                f"{row.offered:,}",
                f"{row.answered:,}",
                f"{row.abandoned:,}",
                f"{row.offer + row.timeout:,}",
                (f'<td class="{"met" if met else "miss"}">', percent(row.service_level)),
                seconds(row.asa_s),
                seconds(row.longest_wait_s),
                percent(row.occupancy),
                f"{row.average_queue:.1f} / {row.max_queue:,}",
            ]
        )
    return _table(header, body, total=True)


def _staffing(search: StaffingResult) -> str:
    target = search.target
    verdict = "met in every interval" if search.met else "<b>not met in every interval</b>"
    parts = [
        f'<p class="lead">The fewest agents per interval that answer {target["percent"]:g} % of the callers within '
        f"{target['seconds']:g} s: {verdict}, {search.runs} days simulated with the same calls.</p>"
    ]
    for queue in search.queues:
        starts = [row.start for row in queue.intervals]
        parts += [
            f"<h2>Agents for {escape(queue.queue)}</h2>",
            _chart(
                charts.staffing(
                    starts, [r.agents for r in queue.intervals], [r.erlang_c for r in queue.intervals], queue.queue
                )
            ),
            _table(
                [
                    "interval",
                    "offered",
                    "agents",
                    "Erlang C",
                    "difference",
                    "service level",
                    "ASA",
                    "occupancy",
                    "abandoned",
                ],
                [
                    [
                        row.start[11:16],
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
                ],
            ),
        ]
    parts.append("<h2>The day with these agents</h2>")
    return "\n".join(parts)


def _comparison(comparison: Comparison) -> str:
    first, second, diff = comparison.first, comparison.second, comparison.difference
    target = first.asked["target"]
    rows = [
        [
            name,
            f"{first.calls['outcomes'][name]:,}",
            f"{second.calls['outcomes'][name]:,}",
            signed(diff["calls"]["outcomes"][name]),
        ]
        for name in OUTCOMES
    ]
    parts = [
        f'<p class="lead">{escape(describe_run(first)[0])}. First: <b>{escape(first.flow)}</b>; second: '
        f"<b>{escape(second.flow)}</b>; the same calls, callers and draws (common random numbers).</p>",
        _table(["calls", "first", "second", "difference"], rows),
        "<h2>Service level per interval</h2>",
        _chart(charts.service_levels([(" (first)", first), (" (second)", second)], target["percent"])),
        "<h2>Waits per interval</h2>",
        _chart(charts.waits([(" (first)", first), (" (second)", second)])),
    ]
    for name, queue_diff in diff["queues"].items():
        a, b, d = first.queues[name].total, second.queues[name].total, queue_diff["total"]
        parts += [
            f"<h2>Queue {escape(name)}</h2>",
            _table(
                ["figure", "first", "second", "difference"],
                [
                    ["offered", f"{a.offered:,}", f"{b.offered:,}", signed(d["offered"])],
                    ["answered", f"{a.answered:,}", f"{b.answered:,}", signed(d["answered"])],
                    ["abandoned", f"{a.abandoned:,}", f"{b.abandoned:,}", signed(d["abandoned"])],
                    ["service level", percent(a.service_level), percent(b.service_level), _points(d["service_level"])],
                    ["average speed of answer", seconds(a.asa_s), seconds(b.asa_s), signed(d["asa_s"], " s")],
                    ["occupancy", percent(a.occupancy), percent(b.occupancy), _points(d["occupancy"])],
                ],
            ),
        ]
    parts += ["<h2>The first flow</h2>", _run(first), "<h2>The second flow</h2>", _run(second)]
    return "\n".join(parts)


def _points(share: float | None) -> str:
    return DASH if share is None else f"{share * 100:+.1f} pt"


def _chart(svg: str) -> str:
    return f'<div class="chart">{svg}</div>'


def _table(header: Sequence[str], rows: Sequence[Sequence[str | tuple[str, str]]], total: bool = False) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    lines = []
    for index, row in enumerate(rows):
        cells = "".join(
            cell[0] + escape(cell[1]) + "</td>" if isinstance(cell, tuple) else f"<td>{cell}</td>" for cell in row
        )
        last = total and index == len(rows) - 1
        lines.append(f'<tr class="total">{cells}</tr>' if last else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
