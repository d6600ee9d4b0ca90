"""Where lark keeps the parsers it builds from our grammars, so that a command does not rebuild them each time.

Building the LALR tables of `flow.lark` and `expression.lark` took most of a `callflow check`'s time after the
imports (bench/startup_speed.py). lark's `cache` option keeps each built parser in a file, checked against a hash
of the grammar, the options and the lark and Python versions, and rebuilt when any of them changes. The files are
kept in the user's own cache folder (`$XDG_CACHE_HOME/callflow`, else `~/.cache/callflow`, made private to the
user) rather than lark's default, the shared temporary folder, because lark reads them with `pickle`.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "CALLFLOW_PARSER_CACHE"
"""Set to a folder to keep the built parsers there instead, or to `off` to build them in every process."""


def parser_cache(name: str) -> str | bool:
    """The file lark keeps the parser built from grammar `name` in; False (no cache) when there is nowhere to."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen == "off":
        return False
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(chosen) if chosen else Path(base) / "callflow"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return str(folder / f"{name}.lark-parser")
