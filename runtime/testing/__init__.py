"""Tools built on the simulator: flow tests, coverage, path exploration and replay of recorded calls."""

SUFFIX = ".test.yaml"
"""How the name of a flow-test file ends."""

MAX_PATHS = 10_000
"""Paths counted before `callflow explore` stops and says so."""
