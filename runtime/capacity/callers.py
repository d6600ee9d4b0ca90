"""Who calls: a mix of caller scripts with weights, the same steps as `callflow simulate`, and caller numbers drawn
from lists or patterns (`0571########`: each `#` a digit), so that routing by area code applies.

```yaml
callers:
  - name: agent                        # optional; shown in the figures
    weight: 55                         # press 1 for an agent
    input: [dtmf:1]
    from: ["0571########", "138########"]
  - weight: 25                         # self-service with a known case number
    input: [dtmf:2, dtmf:1, "dtmf:20261001#", hangup]
  - weight: 20                         # silent: the flow decides
    input: []
```
"""

from __future__ import annotations

import bisect
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from callflow.flowlang.errors import FlowError
from callflow.runtime.simulator.script import FAR_SIDE_STEPS, ScriptError, Step, parse_script

DEFAULT_CALLER = "10000000000"
"""The caller's number when a caller type gives none (as in `callflow simulate`)."""

_PATTERN = re.compile(r"\+?[0-9#]+")
_KEYS = ("name", "weight", "input", "from", "to")


@lru_cache(maxsize=256)
def _split(pattern: str) -> tuple[str | None, int]:
    """A pattern's fixed part and its random digits when they all come last (`0571########`: "0571", 8);
    (None, count) when they do not."""
    digits = pattern.count("#")
    fixed = pattern.rstrip("#")
    return (fixed if len(fixed) + digits == len(pattern) else None), digits


class CallerMixError(FlowError):
    """A caller mix that cannot be read."""


@dataclass(frozen=True)
class CallerType:
    """One kind of caller: a script, how often it calls, and where from."""

    name: str
    weight: float
    steps: tuple[Step, ...]
    numbers: tuple[str, ...] = (DEFAULT_CALLER,)
    """Caller numbers or patterns, one drawn per call (`#`: a random digit)."""
    called: str | None = None
    """The number dialled (default: the run's)."""

    def number(self, rng: random.Random) -> str:
        """A caller number for one call."""
        numbers = self.numbers
        pattern = numbers[0] if len(numbers) == 1 else numbers[int(rng.random() * len(numbers))]
        fixed, digits = _split(pattern)
        if digits == 0:
            return pattern
        if fixed is None or digits > 15:  # `#` among other characters, or more than a float's digits: one by one
            return "".join(str(int(rng.random() * 10)) if ch == "#" else ch for ch in pattern)
        return f"{fixed}{int(rng.random() * 10**digits):0{digits}d}"

    def to_json(self) -> dict[str, Any]:
        """The caller type as JSON."""
        return {
            "name": self.name,
            "weight": self.weight,
            "input": [str(step) for step in self.steps],
            "from": list(self.numbers),
            **({"to": self.called} if self.called else {}),
        }


@dataclass(frozen=True)
class CallerMix:
    """Caller types and their weights."""

    types: tuple[CallerType, ...]
    cumulative: tuple[float, ...] = field(init=False, repr=False)
    """The running total of the weights, for drawing a type."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cumulative", tuple(accumulate(caller.weight for caller in self.types)))

    def pick(self, u: float) -> int:
        """The index of the caller type for a uniform draw `u` in [0, 1)."""
        cumulative = self.cumulative
        return min(bisect.bisect_right(cumulative, u * cumulative[-1]), len(cumulative) - 1)

    def share(self, index: int) -> float:
        """The share of calls of one type."""
        return self.types[index].weight / self.cumulative[-1]

    def to_json(self) -> list[dict[str, Any]]:
        """The mix as JSON."""
        return [caller.to_json() for caller in self.types]


SILENT = CallerMix((CallerType("silent", 1.0, ()),))
"""The mix when none is given: callers who press nothing, so the flow decides."""


def read_mix(path: Path) -> CallerMix:
    """A caller mix from a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CallerMixError(f"{path}: cannot read the caller mix: {error}") from None
    return mix_from_text(text, str(path))


def mix_from_text(text: str, file: str) -> CallerMix:
    """A caller mix from YAML text (`file` names it in errors)."""
    try:
        data = yaml.load(text, Loader=_LinedLoader)  # a SafeLoader that also keeps each mapping's line
    except RecursionError:
        raise CallerMixError(f"{file}: nested too deeply to be a caller mix") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark is not None else file
        raise CallerMixError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from None
    return mix_from_data(data, file)


def mix_from_data(data: Any, file: str = "caller mix") -> CallerMix:
    """A caller mix from parsed YAML or JSON: `{"callers": [{"weight": ..., "input": [...], "from": ...}]}`."""
    if not isinstance(data, Mapping) or not isinstance(data.get("callers"), list) or not data["callers"]:
        raise CallerMixError(f"{file}: a caller mix has `callers:`, a list of caller types with weights")
    types = tuple(_caller(raw, index, file) for index, raw in enumerate(data["callers"], start=1))
    names = [caller.name for caller in types]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise CallerMixError(f"{file}: caller types need different names; {', '.join(twice)} is used twice")
    return CallerMix(types)


def _caller(raw: Any, index: int, file: str) -> CallerType:
    where = f"{file}:{raw.line}" if isinstance(raw, _Lined) else f"{file}: caller {index}"
    if not isinstance(raw, Mapping):
        raise CallerMixError(f"{where}: a caller type is a mapping with `weight`, `input` and `from`")
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise CallerMixError(
            f"{where}: unknown keys {', '.join(map(str, unknown))}; a caller type has {', '.join(_KEYS)}"
        )
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight < math.inf:
        raise CallerMixError(f"{where}: `weight` must be a finite number above 0 (how often this caller calls)")
    steps = _steps(raw.get("input", []), where)
    numbers = raw.get("from", DEFAULT_CALLER)
    numbers = [numbers] if isinstance(numbers, str | int) else numbers
    if not isinstance(numbers, Sequence) or not numbers:
        raise CallerMixError(f"{where}: `from` is a caller number or pattern, or a list of them")
    for number in numbers:
        if not isinstance(number, str | int) or not _PATTERN.fullmatch(str(number)):
            raise CallerMixError(
                f"{where}: `from` {number!r} is not a number or pattern; write digits, with # for a random digit"
            )
    called = raw.get("to")
    if called is not None and not isinstance(called, str | int):
        raise CallerMixError(f"{where}: `to` is the number dialled")
    name = raw.get("name", f"caller {index}")
    return CallerType(
        str(name), float(weight), steps, tuple(str(n) for n in numbers), None if called is None else str(called)
    )


def _steps(raw: Any, where: str) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not all(isinstance(step, str) for step in raw):
        raise CallerMixError(f"{where}: `input` is a list of steps, such as [dtmf:1, wait:3, hangup]")
    try:
        steps = parse_script(raw)
    except ScriptError as error:
        raise CallerMixError(f"{where}: {error}") from None
    far = [str(step) for step in steps if step.kind in FAR_SIDE_STEPS]
    if far:
        raise CallerMixError(
            f"{where}: {', '.join(far)}: agents come from --agents in a load run (they answer in turn and talk "
            "for the handling time); leave the far side's steps out"
        )
    return tuple(steps)


class _Lined(dict[Any, Any]):
    """A mapping that remembers the line it started on."""

    line = 0


class _LinedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping the line of each mapping for error messages."""


def _lined_mapping(loader: _LinedLoader, node: yaml.MappingNode) -> _Lined:
    mapping = _Lined(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _lined_mapping)
