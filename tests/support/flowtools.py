"""Reading, checking and round-tripping small flows in tests, with a chosen set of node types."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.check import check_flow
from callflow.flowlang.loader import dump, load_text
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry


@dataclass(frozen=True)
class FlowTools:
    """Helpers bound to one registry of node types."""

    registry: Registry

    def load(self, text: str) -> Flow:
        """The flow a text describes, which must load without problems."""
        loaded = load_text(text, "t.flow", "dsl", self.registry)
        assert loaded.flow is not None and loaded.problems == [], [p.message for p in loaded.problems]
        return loaded.flow

    def problems(self, text: str) -> list[tuple[str, str, int | None]]:
        """Every problem of a flow text as (code, message, line), leaving out the no-environment warning."""
        loaded = load_text(text, "t.flow", "dsl", self.registry)
        found = loaded.problems + (check_flow(loaded.flow, registry=self.registry) if loaded.flow else [])
        return [(p.code.id, p.message, p.location.line) for p in found if p.code.id != "W402"]

    def assert_round_trips(self, text: str) -> None:
        """The text is canonical, and its DSL and JSON forms read back into the same model."""
        flow = self.load(text)
        assert dump(flow, "dsl", self.registry) == text
        for form in ("dsl", "json"):
            again = load_text(dump(flow, form, self.registry), "t.flow", form, self.registry)
            assert again.problems == [] and again.flow == flow
