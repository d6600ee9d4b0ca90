"""Type-ahead: keys a caller pressed before the flow asked for them, kept in order until a menu or input reads them.

Both channels (the simulator's and the live one) keep such keys in `keys` and share how they are dropped or taken.
"""

from __future__ import annotations

from collections import deque


class TypeAhead:
    """The `typed_ahead`/`flush_keys`/`take_key` part of the `Channel` protocol, over the channel's `keys`."""

    __slots__ = ()

    keys: deque[str]

    def typed_ahead(self) -> bool:
        """Whether a key pressed earlier waits to be read."""
        return bool(self.keys)

    def flush_keys(self) -> None:
        """Forget keys typed ahead."""
        self.keys.clear()

    def take_key(self, key: str) -> bool:
        """Remove the next key typed ahead if it is `key`."""
        if self.keys and self.keys[0] == key:
            self.keys.popleft()
            return True
        return False
