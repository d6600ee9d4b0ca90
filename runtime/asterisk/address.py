"""Where the Asterisk Manager Interface is: `ami://USER:SECRET@HOST:PORT` (or `amis://` for TLS)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

DEFAULT_PORT = 5038
DEFAULT_TLS_PORT = 5039


class AddressError(ValueError):
    """An AMI address that cannot be used."""


@dataclass(frozen=True)
class AmiAddress:
    """An AMI endpoint and the manager user to log in as."""

    host: str
    port: int
    username: str
    secret: str
    tls: bool = False

    @classmethod
    def parse(cls, url: str) -> AmiAddress:
        """`ami://USER:SECRET@HOST[:PORT]`; user and secret may be percent-encoded."""
        parts = urlsplit(url)
        if parts.scheme not in ("ami", "amis"):
            raise AddressError(f"an AMI address starts with ami:// or amis://, not {url.split(':', 1)[0]!r}")
        if not parts.hostname:
            raise AddressError("the AMI address names no host (ami://USER:SECRET@HOST:PORT)")
        if not parts.username or parts.password is None:
            raise AddressError("the AMI address needs the manager user and its secret (ami://USER:SECRET@HOST)")
        try:
            port = parts.port
        except ValueError:
            raise AddressError(f"the AMI address has a bad port: {parts.netloc.rsplit(':', 1)[-1]!r}") from None
        tls = parts.scheme == "amis"
        default = DEFAULT_TLS_PORT if tls else DEFAULT_PORT
        return cls(parts.hostname, port or default, unquote(parts.username), unquote(parts.password), tls)

    @property
    def loopback(self) -> bool:
        """Whether the connection never leaves this machine."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def warning(self) -> str | None:
        """Why this connection is unsafe (the secret and callers' keys would cross a network in the clear)."""
        if self.tls or self.loopback:
            return None
        return (
            f"AMI to {self.host} is neither loopback nor TLS: the manager secret and every key callers press "
            "cross the network in the clear (use amis:// or run Callflow beside Asterisk)"
        )

    def __str__(self) -> str:
        scheme = "amis" if self.tls else "ami"
        return f"{scheme}://{self.username}:***@{self.host}:{self.port}"
