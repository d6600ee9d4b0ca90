"""Renamed nodes: a node removed and a node added that are one node under a new id.

A removed node and an added node are one node renamed when, with every other rename taken into account:

- they do the same thing: the same type and the same parameters;
- they lead to the same places: the same exits, in the same order, to the same nodes (a target that was renamed
  too counts as the same node);
- something that led to the old one leads to the new one: an edge from the same node by the same exit, the
  call's start, or a global key (or nothing led to either). An edge into the node whose target changed only
  because of the rename is the same edge; other edges into it that came or went are shown as rewires of the
  nodes they leave.

Every node of a flow may be renamed at once, so the renames are found together, the way graph isomorphism is
approached: colour refinement (each unmatched node's colour is its content, then refined by the colours of what
it leads to and what leads to it, until nothing splits; nodes kept under their id anchor the colours), pairing
equal colours in model order, then a second, looser pass that ignores what leads to a node and asks for one
shared way in. Every pair found is then checked against the rules above, and pairs that fail are dropped until
all that remain hold.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from callflow.flowlang.diff.graph import FlowGraph, mapped_exits, mapped_incoming


def find_renames(old: FlowGraph, new: FlowGraph) -> dict[str, str]:
    """The renamed nodes, old id → new id, in the old flow's order."""
    removed = [node_id for node_id in old.nodes if node_id not in new.nodes]
    added = [node_id for node_id in new.nodes if node_id not in old.nodes]
    if not removed or not added:
        return {}
    renames: dict[str, str] = {}
    _pair_by_colour(old, new, removed, added, renames, strict=True)
    _pair_loosely(old, new, removed, added, renames)
    found = _verified(old, new, renames)
    return {node_id: found[node_id] for node_id in removed if node_id in found}


class _Colours:
    """Colours of the unmatched nodes of both versions, refined round by round."""

    def __init__(self, old: FlowGraph, new: FlowGraph, renames: Mapping[str, str], strict: bool) -> None:
        self.old, self.new, self.renames, self.strict = old, new, renames, strict
        self.old_colour: dict[str, str] = {}
        self.new_colour: dict[str, str] = {}

    def start(self, removed: Sequence[str], added: Sequence[str]) -> None:
        """Colour each unmatched node by its content."""
        names: dict[Hashable, str] = {}
        self.old_colour = {r: _name(names, self.old.content(r)) for r in removed}
        self.new_colour = {a: _name(names, self.new.content(a)) for a in added}

    def refine(self) -> None:
        """One round: each colour split by the colours of the node's neighbours."""
        names: dict[Hashable, str] = {}
        old_colour = {r: _name(names, self._signature(r, old=True)) for r in self.old_colour}
        new_colour = {a: _name(names, self._signature(a, old=False)) for a in self.new_colour}
        self.old_colour, self.new_colour = old_colour, new_colour

    def count(self) -> int:
        """How many colours there are."""
        return len(set(self.old_colour.values()) | set(self.new_colour.values()))

    def classes(self) -> dict[str, tuple[list[str], list[str]]]:
        """The unmatched nodes by colour: (old ids, new ids), each in model order."""
        found: dict[str, tuple[list[str], list[str]]] = {}
        for node_id, colour in self.old_colour.items():
            found.setdefault(colour, ([], []))[0].append(node_id)
        for node_id, colour in self.new_colour.items():
            found.setdefault(colour, ([], []))[1].append(node_id)
        return found

    def resolved(self) -> bool:
        """Whether no colour holds two nodes of one version (refining further cannot pair anything new)."""
        return all(len(olds) <= 1 and len(news) <= 1 for olds, news in self.classes().values())

    def _signature(self, node_id: str, old: bool) -> Hashable:
        graph = self.old if old else self.new
        colour = self.old_colour if old else self.new_colour
        exits = tuple((exit_name, self._of(target, old)) for exit_name, target in graph.exits[node_id])
        if not self.strict:
            return (colour[node_id], exits)
        into = sorted(
            (kind, self._of(source, old) if kind == "node" else "", name)
            for kind, source, name in graph.leads_to(node_id)
        )
        return (colour[node_id], exits, tuple(into))

    def _of(self, node_id: str, old: bool) -> str:
        """A neighbour's colour: its refined colour if unmatched, its (new) id if matched, else missing."""
        colour = self.old_colour if old else self.new_colour
        if node_id in colour:
            return colour[node_id]
        graph = self.old if old else self.new
        if node_id not in graph.nodes:
            return "!" + node_id
        return "=" + (self.renames.get(node_id, node_id) if old else node_id)


def _name(names: dict[Hashable, str], signature: Hashable) -> str:
    """A short colour for a signature, the same for the same signature within one round."""
    return names.setdefault(signature, f"#{len(names)}")


def _pair_by_colour(
    old: FlowGraph, new: FlowGraph, removed: list[str], added: list[str], renames: dict[str, str], strict: bool
) -> dict[str, tuple[list[str], list[str]]]:
    """Refine the colours of the unmatched nodes; with `strict`, pair equal colours in model order."""
    taken = set(renames.values())
    colours = _Colours(old, new, renames, strict)
    colours.start([r for r in removed if r not in renames], [a for a in added if a not in taken])
    count = colours.count()
    for _ in range(len(removed) + len(added)):
        if colours.resolved():
            break
        colours.refine()
        if colours.count() == count:
            break
        count = colours.count()
    classes = colours.classes()
    if strict:
        for olds, news in classes.values():
            renames.update(zip(olds, news, strict=False))
    return classes


def _pair_loosely(
    old: FlowGraph, new: FlowGraph, removed: list[str], added: list[str], renames: dict[str, str]
) -> None:
    """Pair nodes of equal content and exits that share at least one way in, until no more pairs are found."""
    classes = _pair_by_colour(old, new, removed, added, renames, strict=False)
    progress = True
    while progress:
        progress = False
        taken = set(renames.values())
        for olds, news in classes.values():
            for r in olds:
                if r in renames:
                    continue
                ways_in = mapped_incoming(old, r, renames)
                best = _best(ways_in, [a for a in news if a not in taken], new)
                if best is not None:
                    renames[r] = best
                    taken.add(best)
                    progress = True


def _best(ways_in: set[tuple[str, str, str]], candidates: list[str], new: FlowGraph) -> str | None:
    """The candidate sharing the most ways in (the first in model order on a tie), if it shares any."""
    best, shared = None, 0
    for candidate in candidates:
        theirs = set(new.leads_to(candidate))
        if not ways_in and not theirs and best is None:
            return candidate
        count = len(ways_in & theirs)
        if count > shared:
            best, shared = candidate, count
    return best


def _verified(old: FlowGraph, new: FlowGraph, renames: dict[str, str]) -> dict[str, str]:
    """The pairs that hold by the rules, dropping failing pairs until all that remain hold together."""
    renames = dict(renames)
    while True:
        wrong = [r for r, a in renames.items() if not _holds(old, new, r, a, renames)]
        if not wrong:
            return renames
        for r in wrong:
            del renames[r]


def _holds(old: FlowGraph, new: FlowGraph, r: str, a: str, renames: Mapping[str, str]) -> bool:
    if old.content(r) != new.content(a) or mapped_exits(old, r, renames) != new.exits[a]:
        return False
    ways_in, theirs = mapped_incoming(old, r, renames), set(new.leads_to(a))
    return bool(ways_in & theirs) or not (ways_in or theirs)
