"""Exploring a flow: the distinct paths from its start, and test skeletons that reach one exit.

A path is the exit taken at each node, from the start to a node with no wired exit or to a loop bound (a node
that would be visited more than `max_visits` times). A skeleton is a flow-test case whose caller follows the
cheapest route to an exit: keys for menu keys, silences for `failed`, placeholder digits for `collect`, and a
`TODO:` comment wherever only a person can say what makes the exit happen (a moment, data, a condition).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count, islice
from typing import Any

from callflow.flowlang.model import Edge, Flow, Node
from callflow.flowlang.registry import Registry, default_registry
from callflow.runtime.simulator.line import COMMAND_GAP_S
from callflow.runtime.testing import MAX_PATHS as MAX_PATHS  # re-exported: part of the API
from callflow.speech.lengths import FILE_PROMPT_S, estimate_s
from callflow.speech.voices import voice_for

SILENCE_S = 20
"""The least silence a skeleton keeps for each attempt of a node that must give up (`failed`)."""

TODO = "TODO: "

ExitStep = tuple[str, str]
"""A node id and the exit taken from it."""


@dataclass(frozen=True)
class Path:
    """One way through a flow: the exit taken at each node, and the node where the path stops."""

    steps: tuple[ExitStep, ...]
    end: str
    looped: bool = False
    """Whether the path stops because `end` would be visited more than `max_visits` times."""


def walk(flow: Flow, max_visits: int = 2) -> Iterator[Path]:
    """Every distinct path from the start, depth first, each exit in the order the flow wires it."""
    if flow.start is None:
        return
    known = {n.id for n in flow.nodes}
    wired: dict[str, list[Edge]] = {}
    for edge in flow.edges:
        if edge.target in known:
            wired.setdefault(edge.source, []).append(edge)
    stack: list[tuple[str, tuple[ExitStep, ...], dict[str, int], bool]] = [
        (flow.start.id, (), {flow.start.id: 1}, False)
    ]
    while stack:
        node, steps, visits, looped = stack.pop()
        if looped or node not in wired:
            yield Path(steps, node, looped)
            continue
        for edge in reversed(wired[node]):
            seen = visits.get(edge.target, 0) + 1
            taken = (*steps, (node, edge.exit))
            stack.append((edge.target, taken, {**visits, edge.target: seen}, seen > max_visits))


def paths(flow: Flow, max_visits: int = 2, limit: int = MAX_PATHS) -> list[Path]:
    """The distinct paths from the start, at most `limit` of them."""
    return list(islice(walk(flow, max_visits), limit))


def wired_exits(flow: Flow) -> list[ExitStep]:
    """Every wired exit of the flow, in the order the flow writes them."""
    return [(e.source, e.exit) for e in flow.edges]


# -- how a scripted caller takes one exit ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    """How a scripted caller takes one exit: the steps, a comment on them, and what a person must settle."""

    steps: tuple[str, ...] = ()
    comment: str | None = None
    todo: str | None = None
    assumes: str | None = None
    switches: dict[str, bool] = field(default_factory=dict)

    @property
    def cost(self) -> int:
        """How much a route through this exit is avoided: TODOs most, then assumptions and silences."""
        silent = any(s.startswith("wait:") for s in self.steps)
        return 1 + 100 * bool(self.todo) + 3 * bool(self.assumes) + 5 * silent


HintMaker = Callable[[Flow, Node, str, Any], Hint | None]


def hint_for(flow: Flow, edge: Edge, registry: Registry | None = None) -> Hint:
    """How a scripted caller takes a wired exit; a `TODO` when it cannot be worked out from the flow alone."""
    node = flow.node(edge.source)
    assert node is not None
    if edge.exit == "error":
        return Hint(todo=f"make `{node.id}` fail, so that it takes `error`")
    node_type = (registry or default_registry()).get(node.type)
    maker = _MAKERS.get(node.type)
    hint = maker(flow, node, edge.exit, node_type.build(node.params)) if maker and node_type else None
    return hint or Hint(todo=f"add steps that make `{node.id}` ({node.type}) take `{edge.exit}`")


def _menu(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name.startswith("key "):
        key = exit_name.removeprefix("key ")
        keys = [e.exit.removeprefix("key ") for e in flow.edges_from(node.id) if e.exit.startswith("key ")]
        if not any(k != key and k.startswith(key) for k in keys):
            return Hint((f"dtmf:{key}",))
        if params.terminator:
            return Hint((f"dtmf:{key}{params.terminator}",))
        pause = f"wait:{math.ceil(params.inter_digit_timeout_s) + 1}"
        return Hint((f"dtmf:{key}", pause), "a longer key starts with this one: wait out the next key")
    if exit_name == "failed":
        prompts = (params.prompt, params.retry_prompt, params.final_prompt)
        listens = 2 if params.speech and params.words else 1  # a speaking menu listens, then waits for keys
        return _silence(flow, node, params.max_no_input, listens * params.timeout_s, prompts, params.no_input)
    return None


def _collect(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name == "done":
        size = max(params.min_digits, min(params.max_digits, 8))
        digits = ("1234567890" * 4)[:size] + (params.terminator or "")
        return Hint((f"dtmf:{digits}",), f"placeholder: any {size} digits take `done`")
    if exit_name == "failed":
        prompts = (params.prompt, params.retry_prompt)
        return _silence(flow, node, params.max_no_input, params.timeout_s, prompts, params.no_input)
    return None


def _ask(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name == "done":
        if params.expect:
            return Hint((f"say:{params.expect[0]}",))
        return Hint(("say:yes",), "placeholder: any answer takes `done`")
    if exit_name == "failed":
        return _silence(flow, node, params.max_no_input, params.timeout_s, (params.prompt,), params.no_input)
    return None


def _recording(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name in ("saved", "done"):
        words = max(3, math.ceil((params.min_length_s + 1) / 0.33))  # long enough to be kept
        return Hint((f"say:{' '.join(['message'] * words)}",), "a message, then silence")
    if exit_name == "empty":
        return Hint((f"dtmf:{params.terminator}",), "ends the recording before anything is said")
    return None


def _queue(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name == "done":
        return Hint(("agent:10", "agent-hangup:30"), "an agent answers after 10 s and hangs up 30 s later")
    if exit_name == "offer" and params.offer_after_s is not None:
        return Hint((f"dtmf:{params.offer_key}",), f"pressed when the offer plays, {params.offer_after_s:g} s in")
    if exit_name == "timeout" and params.max_wait_s is not None:
        return Hint(comment=f"no agent answers within {params.max_wait_s:g} s")
    return None


def _transfer(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    if exit_name in ("no_answer", "failed"):
        return Hint(comment=f"nobody answers `{params.destination}`")
    busy = Hint(todo=f"make `{params.destination}` busy, which the simulator never does")
    return busy if exit_name == "busy" else None


def _schedule(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    when = f"a moment when schedule `{params.schedule}` is {exit_name}"
    return Hint(assumes=f"`at:` is {when}") if exit_name == "open" else Hint(todo=f"choose `at:`, {when}")


def _branch(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    conditions = [e.exit.removeprefix("when ") for e in flow.edges_from(node.id) if e.exit.startswith("when ")]
    switches = [c.removeprefix("switch.") for c in conditions if _is_switch(c)]
    if exit_name.startswith("when "):
        condition = exit_name.removeprefix("when ")
        if _is_switch(condition):
            return Hint(switches={s: s == condition.removeprefix("switch.") for s in switches})
        return Hint(todo=f"make `{condition}` hold at `{node.id}`")
    if exit_name == "else" and len(switches) == len(conditions):
        return Hint(switches=dict.fromkeys(switches, False))
    if exit_name == "else":
        return Hint(assumes=f"none of the `when` conditions of `{node.id}` holds")
    return Hint(todo=f"make `{params.value}` equal {exit_name.removeprefix('case ')} at `{node.id}`")


def _lookup(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    return Hint(todo=f"choose inputs and data for which `{node.id}` (source `{params.source}`) ends `{exit_name}`")


def _subflow(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    return Hint(todo=f"add the steps inside flow `{params.flow}` that make it return `{exit_name}`")


def _onward(flow: Flow, node: Node, exit_name: str, params: Any) -> Hint | None:
    return Hint() if exit_name == "next" else None


_MAKERS: dict[str, HintMaker] = {
    "menu": _menu,
    "collect": _collect,
    "ask": _ask,
    "voicemail": _recording,
    "record": _recording,
    "queue": _queue,
    "transfer": _transfer,
    "schedule": _schedule,
    "branch": _branch,
    "lookup": _lookup,
    "subflow": _subflow,
    "say": _onward,
    "set": _onward,
    "language": _onward,
}


def _is_switch(condition: str) -> bool:
    name = condition.removeprefix("switch.")
    return condition.startswith("switch.") and name.replace("_", "").isalnum()


def _silence(
    flow: Flow, node: Node, attempts: int, timeout_s: float, prompts: tuple[str | None, ...], sorry: str | None
) -> Hint:
    """Silence through every attempt: each at least SILENCE_S, longer when the prompts and timeout are."""
    longest = max(_prompt_s(flow, p) for p in prompts)
    seconds = max(SILENCE_S, math.ceil(longest + timeout_s + _prompt_s(flow, sorry) + 1))
    return Hint((f"wait:{seconds}",) * attempts, f"silence until `{node.id}` gives up")


def _prompt_s(flow: Flow, prompt_id: str | None) -> float:
    prompt = next((p for p in flow.prompts if p.id == prompt_id), None)
    if prompt is None:
        return 0.0
    language = flow.language if flow.language in prompt.text else next(iter(prompt.text), None)
    if language is None:
        return FILE_PROMPT_S
    return estimate_s(prompt.text[language], voice_for(language)) + COMMAND_GAP_S


# -- routes and skeletons -------------------------------------------------------------------------------------


def route_to(flow: Flow, edge: Edge, registry: Registry | None = None) -> list[Edge] | None:
    """The cheapest route from the start through `edge` (fewest TODOs, then assumptions, silences, steps)."""
    if flow.start is None:
        return None
    costs: dict[Edge, int] = {}
    order = count()
    queue: list[tuple[int, int, str, tuple[Edge, ...]]] = [(0, next(order), flow.start.id, ())]
    done: set[str] = set()
    while queue:
        cost, _, node, route = heapq.heappop(queue)
        if node == edge.source:
            return [*route, edge]
        if node in done:
            continue
        done.add(node)
        for step in flow.edges_from(node):
            if step.target not in done and flow.node(step.target) is not None:
                if step not in costs:
                    costs[step] = hint_for(flow, step, registry).cost
                heapq.heappush(queue, (cost + costs[step], next(order), step.target, (*route, step)))
    return None


def skeleton_for(flow: Flow, node_id: str, exit_name: str, registry: Registry | None = None) -> dict[str, Any]:
    """A flow-test case that takes one exit: `name`, `input`, `expect` (and `switches` when a branch needs them).

    Besides the case's own keys, `comments` (lines for the case, `TODO:` where a person must fill something in),
    `step_comments` (one per input step, or None) and `assumes` (what the route takes for granted, such as the
    moment being in working hours) say what the skeleton cannot settle by itself.
    """
    edge = next((e for e in flow.edges_from(node_id) if e.exit == exit_name), None)
    if edge is None:
        raise ValueError(f"`{node_id}` has no wired exit `{exit_name}`")
    case: dict[str, Any] = {
        "name": f"reach {node_id} -> {exit_name}",
        "input": [],
        "expect": {"reached": [edge.target]},
    }
    comments: list[str] = []
    step_comments: list[str | None] = []
    assumes: list[str] = []
    switches: dict[str, bool] = {}
    route = route_to(flow, edge, registry)
    if route is None:
        comments.append(f"{TODO}no path from the start reaches `{node_id}`")
    for step in route or ():
        hint = hint_for(flow, step, registry)
        case["input"].extend(hint.steps)
        step_comments.extend([hint.comment, *[None] * (len(hint.steps) - 1)] if hint.steps else [])
        if hint.comment and not hint.steps:
            comments.append(f"{step.source} -> {step.exit}: {hint.comment}")
        if hint.todo:
            comments.append(f"{TODO}{hint.todo}")
        if hint.assumes:
            assumes.append(hint.assumes)
        switches.update(hint.switches)
    if switches:
        case["switches"] = switches
    case.update(comments=list(dict.fromkeys(comments)), step_comments=step_comments, assumes=assumes)
    return case


def needs_person(skeleton: dict[str, Any]) -> bool:
    """Whether a skeleton has a `TODO` a person must settle before it can pass."""
    return any(c.startswith(TODO) for c in skeleton.get("comments", ()))
