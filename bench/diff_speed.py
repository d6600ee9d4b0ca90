"""Benchmark: the semantic diff on large flows, and running a flow's tests on two versions (`make bench`).

Generated flows (`generate.py`, seeded) are diffed against edited copies made on the model: the same flow read
again; a handful of edits (a prompt text, a rewired exit, a parameter, a renamed node, a node added and one
removed, five nodes moved); every node renamed (the hardest case for finding renames); every node moved. Each
diff is checked for what it must find before it is timed. Then the hotline's test cases run on two versions
(`affected_cases`: every case twice, on private copies of the data). The tables go to stdout and into
docs/performance.md, between this benchmark's markers.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flowlang.diff import FlowDiff, diff_flows
from callflow.flowlang.loader import load_file, load_text
from callflow.flowlang.model import Edge, Flow, Node, Position
from callflow.flowlang.registry import default_registry
from callflow.runtime.testing.consequence import affected_cases
from callflow.runtime.testing.flowtest import read_test_file

if TYPE_CHECKING:
    from .check_speed import load, publish
    from .generate import generate
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish
    from generate import generate

SIZES = (100, 1_000, 10_000)
RUNS = 7
TARGET_S = 0.25
"""A 1,000-node flow is diffed against any edited copy, renames included, in under this many seconds."""
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SECTION = "diff_speed"


def renamed(flow: Flow, new_id: Callable[[str], str]) -> Flow:
    """The flow with nodes renamed, every reference with them."""
    return dataclasses.replace(
        flow,
        nodes=tuple(dataclasses.replace(n, id=new_id(n.id)) for n in flow.nodes),
        edges=tuple(dataclasses.replace(e, source=new_id(e.source), target=new_id(e.target)) for e in flow.edges),
        global_keys=tuple(dataclasses.replace(k, target=k.target and new_id(k.target)) for k in flow.global_keys),
        layout={new_id(k): p for k, p in flow.layout.items()},
    )


def placed(flow: Flow, shift: float = 0.0) -> Flow:
    """The flow with every node on a grid (shifted right by `shift`)."""
    return dataclasses.replace(
        flow, layout={n.id: Position(shift + 200.0 * (i % 40), 120.0 * (i // 40)) for i, n in enumerate(flow.nodes)}
    )


def edited(flow: Flow) -> Flow:
    """A handful of edits spread through the flow: what one review usually holds."""
    nodes, edges = list(flow.nodes), list(flow.edges)
    say = next(i for i, n in enumerate(nodes) if n.type == "say" and i > len(nodes) // 2)
    menu = next(i for i, n in enumerate(nodes) if n.type == "menu" and i > len(nodes) // 3)
    nodes[menu] = dataclasses.replace(nodes[menu], params={**nodes[menu].params, "timeout_s": 9})
    edges[len(edges) // 2] = dataclasses.replace(edges[len(edges) // 2], target=nodes[1].id)
    removed = nodes.pop(say)
    nodes.append(Node("bench_added", "hangup"))
    edges.append(Edge(nodes[-2].id, "error", "bench_added"))
    prompts = list(flow.prompts)
    prompts[3] = dataclasses.replace(prompts[3], text={k: v + "!" for k, v in prompts[3].text.items()})
    layout = {k: Position(p.x + 40, p.y) if i < 5 else p for i, (k, p) in enumerate(flow.layout.items())}
    version = dataclasses.replace(flow, nodes=tuple(nodes), edges=tuple(edges), prompts=tuple(prompts), layout=layout)
    target = nodes[len(nodes) // 4].id
    version = renamed(version, lambda i: "bench_renamed" if i == target else i)
    assert removed.id != target
    return version


def scenarios(flow: Flow, again: Flow) -> dict[str, tuple[Flow, Flow, Callable[[FlowDiff], bool]]]:
    """Each scenario: old, new, and what its diff must find."""
    count = len(flow.nodes)
    base = placed(flow)
    return {
        "the same flow read again": (flow, again, lambda d: d.same),
        "a handful of edits": (base, edited(base), lambda d: _edits_found(d)),
        "every node renamed": (
            flow,
            renamed(flow, lambda i: f"renamed-{i}"),
            lambda d: len(d.renames) == count and d.header == () and d.prompts == (),
        ),
        "every node moved": (base, placed(flow, shift=40.0), lambda d: len(d.layout) == count and d.logic_same),
    }


def _edits_found(difference: FlowDiff) -> bool:
    statuses = [n.status for n in difference.nodes]
    return (
        statuses.count("renamed") == 1
        and statuses.count("added") == 1
        and statuses.count("removed") == 1
        and "changed" in statuses
        and len(difference.prompts) == 1
        and len(difference.layout) >= 5
    )


def timed(old: Flow, new: Flow, runs: int) -> tuple[list[float], list[float], FlowDiff]:
    """The diff's times, and the times of writing it as JSON text and as text for people."""
    registry = default_registry()
    diff_s, render_s = [], []
    difference = diff_flows(old, new, registry)  # warm-up
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        difference = diff_flows(old, new, registry)
        middle = time.perf_counter()
        json.dumps(difference.to_json(), ensure_ascii=False)
        difference.to_text()
        render_s.append(time.perf_counter() - middle)
        diff_s.append(middle - start)
    return diff_s, render_s, difference


def measure_flows(sizes: list[int], runs: int) -> list[tuple[int, str, list[float], list[float], int]]:
    """(nodes, scenario, diff times, render times, changes found) for each size and scenario."""
    rows = []
    for size in sizes:
        text = generate(size).text
        flow, again = load_text(text, "bench.flow", "dsl").flow, load_text(text, "bench.flow", "dsl").flow
        assert flow is not None and again is not None
        for name, (old, new, must) in scenarios(flow, again).items():
            diff_s, render_s, difference = timed(old, new, runs)
            if not must(difference):
                raise AssertionError(f"{size} nodes, {name}: the diff missed what it must find")
            changes = len(difference.nodes) + len(difference.prompts) + len(difference.header)
            rows.append((size, name, diff_s, render_s, changes))
            print(f"{size:,} nodes, {name}: {min(diff_s) * 1000:.1f} ms", flush=True)
    return rows


def measure_tests(runs: int) -> tuple[int, list[float], int]:
    """The hotline's cases on two versions (a prompt text changed): cases, times, cases that went differently."""
    test_file = read_test_file(EXAMPLES / "hotline_12345.test.yaml")
    old = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert old is not None
    policy = next(p for p in old.prompts if p.id == "policy")
    new = dataclasses.replace(
        old,
        prompts=tuple(
            dataclasses.replace(p, text={"zh-CN": "请到街道办事处。"}) if p is policy else p for p in old.prompts
        ),
    )
    seconds, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = len(asyncio.run(affected_cases(old, new, test_file.cases, test_file.environment, EXAMPLES)))
        seconds.append(time.perf_counter() - start)
    return len(test_file.cases), seconds, found


def _ms(values: list[float]) -> str:
    return f"{min(values) * 1000:,.1f} / {statistics.median(values) * 1000:,.1f}"


def section(
    rows: list[tuple[int, str, list[float], list[float], int]],
    tests: tuple[int, list[float], int],
    runs: int,
    load_before: str,
) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    table = [
        "| nodes | versions compared | diff (ms) | JSON + text (ms) | entries (nodes, prompts, header) |",
        "|------:|---|--:|--:|--:|",
    ]
    table += [f"| {n:,} | {name} | {_ms(d)} | {_ms(r)} | {c:,} |" for n, name, d, r, c in rows]
    worst = max((min(d) for n, _, d, _, _ in rows if n == 1_000), default=None)
    verdict = []
    if worst is not None:
        met = "met" if worst < TARGET_S else "**missed**"
        verdict.append(
            f"- a 1,000-node flow diffed in under {TARGET_S} s whatever the edit: {worst:.3f} s at worst — {met}"
        )
    cases, seconds, found = tests
    return "\n".join(
        [
            "## Semantic diff",
            "",
            f"`bench/diff_speed.py`, {today}: generated flows (`bench/generate.py`, seeded) diffed with `diff_flows` "
            "against copies edited on the model, each diff checked for what it must find first; then written as "
            f"JSON text and as text for people. Best / median of {runs} runs after a warm-up, in milliseconds; the "
            f"1-minute load average was {load_before} before the run and {load()} after it.",
            "",
            *table,
            "",
            *verdict,
            f"- the hotline's {cases} test cases on two versions (`affected_cases`: {2 * cases} simulated calls, each "
            f"version on a private copy of the data; a prompt text changed, {found} cases went differently): "
            f"{_ms(seconds)} ms",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and record them in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="flow sizes, in nodes")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs, after one warm-up")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    load_before = load()
    rows = measure_flows(args.sizes, args.runs)
    tests = measure_tests(args.runs)
    text = section(rows, tests, args.runs, load_before)
    print("\n" + text)
    if not args.no_docs:
        publish(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
