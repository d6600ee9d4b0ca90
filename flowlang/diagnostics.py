"""Problems found in a flow: each with a stable code, a severity, a message and a location."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from callflow.flowlang.errors import Location, render_error


class Severity(StrEnum):
    """How bad a problem is: errors stop a flow from running; warnings do with `--strict`."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """A stable diagnostic code and its short name."""

    id: str
    name: str
    severity: Severity
    summary: str
    details: str = ""
    """More on what the check looks for and how to answer it (Markdown), for the reference page."""


CODES: dict[str, Code] = {}


def _code(id: str, name: str, summary: str, details: str = "") -> Code:
    severity = Severity.WARNING if id.startswith("W") else Severity.ERROR
    CODES[id] = code = Code(id, name, severity, summary, details)
    return code


SYNTAX = _code("E100", "syntax", "The text is not a well-formed flow.")
UNKNOWN_NODE_TYPE = _code("E101", "unknown-node-type", "No installed node type has this keyword.")
UNKNOWN_PARAMETER = _code("E102", "unknown-parameter", "The node type has no such parameter.")
INVALID_VALUE = _code("E103", "invalid-value", "A parameter's value has the wrong type or form.")
MISSING_PARAMETER = _code("E104", "missing-parameter", "A required parameter is not given.")
OUT_OF_RANGE = _code("E105", "out-of-range", "A number or timeout is outside its allowed range.")
DUPLICATE_ID = _code("E106", "duplicate-id", "Two nodes, prompts or variables share a name.")
UNKNOWN_EXIT = _code("E107", "unknown-exit", "The node type has no such exit.")
MISSING_TARGET = _code("E108", "missing-target", "An exit leads to a node that does not exist.")
UNWIRED_EXIT = _code("E109", "unwired-exit", "A required exit leads nowhere.")
DUPLICATE_EXIT = _code("E110", "duplicate-exit", "The same exit is wired twice.")
INVALID_FLOW = _code("E111", "invalid-flow", "The flow header is missing or wrong.")
UNREACHABLE = _code("W201", "unreachable", "No path from the start reaches this node.")
DEAD_END = _code("E202", "dead-end", "A call would end here without hanging up.")
ENDLESS_LOOP = _code("E203", "endless-loop", "A loop can repeat forever without caller input or a wait.")
DUPLICATE_KEY = _code("E204", "duplicate-key", "A menu offers the same key twice.")
KEY_PREFIX = _code(
    "W205",
    "key-prefix",
    "A menu key is the start of another, so it cannot match early.",
    "With `key 1` and `key 12`, a caller who presses 1 may be about to press 2: the menu waits its "
    "`inter_digit_timeout` (3 s unless given) for another key before it takes 1, and every caller who wants 1 hears "
    'that silence. A `terminator "#"` answers it (callers press `1#` to be taken at once; say so in the prompt), '
    "and the warning is not reported; or give the keys different first digits.",
)
SHADOWED_GLOBAL_KEY = _code(
    "W206", "shadowed-global-key", "A menu key is also a global key; in that menu the global key does not work."
)
GROWING_VALUE = _code(
    "W207", "growing-value", "A loop squares or doubles a variable each time round, so it soon passes a value's limits."
)
EARLY_KEYS_LOST = _code(
    "W208",
    "early-keys-lost",
    "A prompt that keys cannot cut leads straight to a menu: a caller who presses early loses the key.",
    "A `say` plays its prompt without barge-in (its default), and the next node that waits for keys is a `menu` or "
    "`collect` (directly, or through nodes that neither play nor listen, such as `set` or `branch`). Callers who "
    "know the menu press while the prompt still plays, and on a live line that key is lost: Asterisk drops keys "
    "during a prompt that takes no escape digits (the simulator loses a timed key there too). Answer it on the "
    "`say`: `barge_in yes` lets a key cut the prompt and keeps the key for the menu (type-ahead); `barge_in no`, "
    "written out, says the prompt is meant to be heard whole, and the warning is not reported.",
)
UNBOUNDED_QUEUE = _code(
    "W209",
    "unbounded-queue",
    "A queue has no maximum wait and no offer: a caller nobody answers waits until the call's time limit.",
    "Neither the `queue` node (`max_wait`) nor the environment's queue (`max_wait_s` under `[queues.NAME]`) limits "
    "the wait, and no `offer` lets the caller leave: when no agent answers, the caller hears hold music until the "
    "call's time limit (an hour by default). Give the node `max_wait 600s` and `timeout -> node`, set `max_wait_s` "
    "for the queue in the environment, or make an `offer` (`offer`, `offer_after`, `offer -> node`).",
)
UNKNOWN_PROMPT = _code("E301", "unknown-prompt", "A node uses a prompt that is not declared.")
MISSING_LANGUAGE = _code("E302", "missing-language", "A prompt has no text or file for a declared language.")
UNKNOWN_VARIABLE = _code("E303", "unknown-variable", "An expression or prompt reads an undeclared variable.")
UNUSED_PROMPT = _code("W304", "unused-prompt", "A prompt is declared but never used.")
UNKNOWN_LANGUAGE = _code("E305", "unknown-language", "A language that the flow does not declare.")
NO_SPEECH_MODEL = _code(
    "W306",
    "no-speech-model",
    "A speech menu or question has no recognition model for one of the flow's languages; it still works by keys.",
)
SECRET_IN_PROMPT = _code(
    "E307", "secret-in-prompt", "A prompt says a secret variable: the caller would hear `***` instead of its value."
)
SECRET_IN_URL = _code(
    "W308",
    "secret-in-url",
    "An HTTP lookup sends a secret variable in its URL (its path, or the query string of a `get` or `delete`).",
    "A URL is written into the service's access logs, and often into proxies' logs too, so a PIN or a password sent "
    "in it is kept there in clear. Send the value in the body of a `post` instead (a lookup's `params` are a JSON "
    "body for `post` and `put`).",
)
UNKNOWN_RESOURCE = _code("E401", "unknown-resource", "The environment does not define this name.")
NO_ENVIRONMENT = _code("W402", "no-environment", "No callflow.toml was found; resource names are unchecked.")
SUBFLOW_NOT_FOUND = _code("E501", "subflow-not-found", "The called flow cannot be found or does not load.")
SUBFLOW_INPUT = _code("E502", "subflow-input", "Inputs passed to a subflow do not match its declared inputs.")
SUBFLOW_OUTPUT = _code("E503", "subflow-output", "Outputs taken from a subflow do not match its declared outputs.")
SUBFLOW_EXIT = _code("E504", "subflow-exit", "An exit the called flow never returns.")
RECURSIVE_SUBFLOW = _code("E505", "recursive-subflow", "A flow calls itself, directly or through others.")


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a flow."""

    code: Code
    message: str
    location: Location
    source_line: str | None = None
    note: str | None = None
    """What follows from the problem, said once here instead of as problems of their own (`= note:` below)."""

    @property
    def severity(self) -> Severity:
        """Error or warning, from the code."""
        return self.code.severity

    def render(self) -> str:
        """Compiler-style text: location, code, message, the source line and a caret, then the note."""
        label = f"{self.severity.value}[{self.code.id}]"
        text = render_error(self.message, self.location, self.source_line, label)
        return text if self.note is None else f"{text}\n    = note: {self.note}"

    def to_json(self) -> dict[str, Any]:
        """A JSON object for `--format json`."""
        loc = self.location
        where: dict[str, Any] = {"file": loc.file}
        if loc.line is not None:
            where |= {"line": loc.line, "column": loc.column}
        if loc.pointer is not None:
            where["pointer"] = loc.pointer
        note = {"note": self.note} if self.note is not None else {}
        return {
            "code": self.code.id,
            "name": self.code.name,
            "severity": self.severity.value,
            "message": self.message,
            **where,
            **note,
        }


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
    """Order diagnostics by file, position and code."""
    loc = diagnostic.location
    return (loc.file, loc.line or 0, loc.column or 0, loc.pointer or "", diagnostic.code.id)
