"""Flow texts parsed once: the same text (a draft revision, a published version) is read into a model only once."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from callflow.flowlang.loader import Loaded, load_text
from callflow.flowlang.registry import Registry

CAPACITY = 512
"""Parsed texts kept (least recently used go first)."""


class ParseCache:
    """Parsed flow texts, shared by every tenant of one process (models are immutable)."""

    def __init__(self, registry: Registry, capacity: int = CAPACITY) -> None:
        self.registry = registry
        self.capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str], Loaded] = OrderedDict()

    def load(self, text: str, file: str, form: str = "dsl") -> Loaded:
        """The flow in a text, as `load_text` reads it."""
        key = (file, form, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        loaded = load_text(text, file, form, self.registry)
        with self._lock:
            self._entries[key] = loaded
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return loaded
