"""Shared by every test: the small helpers in `tests/support/` can be imported by any test file."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
