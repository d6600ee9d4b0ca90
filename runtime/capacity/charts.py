"""The report's charts, drawn by matplotlib as SVG to put straight into the page (no script, nothing to fetch).

Figures are made with matplotlib's object API (`Figure`, never pyplot), so charts can be drawn from any thread,
such as the flow service's workers; the SVG is made deterministic (fixed ids, no date) so the same run gives the
same page.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from callflow.runtime.capacity.figures import OUTCOMES
from callflow.runtime.capacity.result import LoadResult, QueueResult

COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#a16207", "#4b5563")
OUTCOME_COLOURS = dict(
    zip(OUTCOMES, ("#16a34a", "#dc2626", "#9333ea", "#0891b2", "#2563eb", "#a16207", "#4b5563"), strict=True)
)

_STYLE: dict[Any, Any] = {  # typed loosely: matplotlib's stubs name every key as a literal
    "svg.fonttype": "none",  # text stays text: small, crisp, and in the page's own fonts
    "svg.hashsalt": "callflow-load",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "axes.axisbelow": True,
}


_LEGEND: dict[str, Any] = {
    "loc": "upper center",
    "bbox_to_anchor": (0.5, -0.14),
    "fontsize": 8,
    "frameon": False,
    "ncols": 3,
}
"""Legends go under the plot, where they hide no line."""


def _style(runs: int, index: int) -> str:
    """The line of a run: solid for the first (or only) run, dashed for the second."""
    return "--" if runs > 1 and index > 0 else "-"


def svg(figure: Figure) -> str:
    """A figure as an SVG element."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(height: float = 2.8) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(9, height), layout="constrained")


def _labels(starts: Sequence[str]) -> list[str]:
    return [f"{datetime.fromisoformat(start):%H:%M}" for start in starts]


def service_levels(runs: Sequence[tuple[str, LoadResult]], target_percent: float) -> str:
    """Service level per interval for each queue (and each run compared), with the target."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        axes = figure.subplots()
        for index, (label, result) in enumerate(runs):
            for colour, (name, queue) in zip(COLOURS, result.queues.items(), strict=False):
                levels = [math.nan if row.service_level is None else row.service_level * 100 for row in queue.intervals]
                axes.plot(
                    _labels([r.start for r in queue.intervals]),
                    levels,
                    marker="o",
                    markersize=3,
                    color=colour,
                    linestyle=_style(len(runs), index),
                    label=f"{name}{label}",
                )
        axes.axhline(target_percent, color="#6b7280", linestyle="--", linewidth=1, label=f"target {target_percent:g} %")
        axes.set_ylim(0, 105)
        axes.set_ylabel("answered within target (%)")
        _ticks(axes)
        axes.legend(**_LEGEND)
        return svg(figure)


def waits(runs: Sequence[tuple[str, LoadResult]]) -> str:
    """Average speed of answer (and, for a single run, the longest wait) per interval for each queue."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        axes = figure.subplots()
        for index, (label, result) in enumerate(runs):
            for colour, (name, queue) in zip(COLOURS, result.queues.items(), strict=False):
                labels = _labels([r.start for r in queue.intervals])
                axes.plot(
                    labels,
                    [math.nan if row.asa_s is None else row.asa_s for row in queue.intervals],
                    marker="o",
                    markersize=3,
                    color=colour,
                    linestyle=_style(len(runs), index),
                    label=f"{name}{label}: average speed of answer",
                )
                if len(runs) == 1:  # beside a second run, the longest waits would crowd the chart
                    axes.plot(
                        labels,
                        [row.longest_wait_s for row in queue.intervals],
                        linestyle=":",
                        color=colour,
                        label=f"{name}: longest wait",
                    )
        axes.set_ylabel("seconds")
        _ticks(axes)
        axes.legend(**_LEGEND)
        return svg(figure)


def queue_length(result: LoadResult) -> str:
    """Callers waiting over the day, per queue: the average and the peak in each step."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        axes = figure.subplots()
        start = datetime.fromisoformat(result.start)
        for (name, queue), colour in zip(result.queues.items(), COLOURS, strict=False):
            step = queue.length["step_s"]
            hours = [
                (start.hour * 3600 + start.minute * 60 + i * step) / 3600 for i in range(len(queue.length["average"]))
            ]
            axes.step(hours, queue.length["average"], where="post", color=colour, label=f"{name}: average")
            axes.step(hours, queue.length["max"], where="post", color=colour, alpha=0.35, label=f"{name}: peak")
        axes.set_xlabel("hour of the day")
        axes.set_ylabel("callers waiting")
        axes.legend(**_LEGEND)
        return svg(figure)


def wait_histogram(queue: QueueResult) -> str:
    """How long callers waited: answered and abandoned, in bins of ten seconds."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure(2.4)
        axes = figure.subplots()
        width = queue.waits["bin_s"]
        for kind, colour in (("answered", "#16a34a"), ("abandoned", "#dc2626")):
            counts = queue.waits[kind]
            if counts:
                axes.bar(
                    [i * width for i in range(len(counts))],
                    counts,
                    width=width,
                    align="edge",
                    color=colour,
                    alpha=0.7,
                    label=kind,
                )
        axes.set_xlabel("seconds waited")
        axes.set_ylabel("callers")
        if any(queue.waits[kind] for kind in ("answered", "abandoned")):  # a queue nobody waited in has no bars
            axes.legend(**_LEGEND)
        return svg(figure)


def outcomes(result: LoadResult) -> str:
    """Calls by outcome per arrival interval, stacked."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        axes = figure.subplots()
        labels = _labels([row.start for row in result.intervals])
        bottom = [0] * len(labels)
        for outcome in OUTCOMES:
            counts = [row.outcomes[outcome] for row in result.intervals]
            if any(counts):
                axes.bar(labels, counts, bottom=bottom, color=OUTCOME_COLOURS[outcome], label=outcome)
                bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        axes.set_ylabel("calls arriving")
        _ticks(axes)
        axes.legend(**_LEGEND)
        return svg(figure)


def staffing(starts: Sequence[str], found: Sequence[int], erlang: Sequence[int], queue: str) -> str:
    """Agents found by simulation per interval, beside Erlang C."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        axes = figure.subplots()
        labels = _labels(starts)
        positions = range(len(labels))
        axes.bar([p - 0.2 for p in positions], found, width=0.4, color="#2563eb", label=f"{queue}: simulated")
        axes.bar([p + 0.2 for p in positions], erlang, width=0.4, color="#9ca3af", label=f"{queue}: Erlang C")
        axes.set_xticks(list(positions), labels)
        axes.set_ylabel("agents")
        _ticks(axes)
        axes.legend(**_LEGEND)
        return svg(figure)


def _ticks(axes: object) -> None:
    """Fewer interval labels when there are many."""
    labels = axes.get_xticklabels()  # type: ignore[attr-defined]
    step = max(1, len(labels) // 16)
    for index, label in enumerate(labels):
        label.set_visible(index % step == 0)
        label.set_rotation(0)
