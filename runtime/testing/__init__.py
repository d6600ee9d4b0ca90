"""Tools built on the simulator: flow tests, coverage, path exploration and replay of recorded calls."""
