"""Where the Asterisk Manager Interface is: `ami://USER:SECRET@HOST:PORT` (or `amis://` for TLS)."""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

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
    cafile: str | None = None
    """`amis://` only: the PEM file of the CA that signed Asterisk's certificate (None: the system's CAs)."""

    @classmethod
    def parse(cls, url: str) -> AmiAddress:
        """`ami://USER:SECRET@HOST[:PORT]` or `amis://USER:SECRET@HOST[:PORT][?cafile=PATH]`; user and secret may be
        percent-encoded. A CA file that cannot be read is refused here, not at the first connection."""
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
        cafile = _cafile(parts.query, tls)
        default = DEFAULT_TLS_PORT if tls else DEFAULT_PORT
        address = cls(parts.hostname, port or default, unquote(parts.username), unquote(parts.password), tls, cafile)
        if cafile is not None:
            address.tls_context()
        return address

    def tls_context(self) -> ssl.SSLContext:
        """TLS settings for `amis://`: the certificate must be signed by `cafile` (else by one of the system's CAs)
        and name the host; neither check can be turned off."""
        if self.cafile is None:
            return ssl.create_default_context()
        try:
            return ssl.create_default_context(cafile=self.cafile)
        except ssl.SSLError:  # before OSError: it is one
            raise AddressError(f"the CA file {self.cafile} holds no PEM certificate") from None
        except OSError as error:
            raise AddressError(f"cannot read the CA file {self.cafile}: {error.strerror or error}") from None

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
        query = f"?cafile={quote(self.cafile)}" if self.cafile is not None else ""
        return f"{scheme}://{self.username}:***@{self.host}:{self.port}{query}"


def _cafile(query: str, tls: bool) -> str | None:
    """The one query parameter an AMI address may have: `cafile=PATH`, with `amis://`."""
    cafile = None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name != "cafile":
            raise AddressError(f"the AMI address has an unknown parameter {name!r} (the only one is cafile=)")
        if cafile is not None:
            raise AddressError("the AMI address names cafile= twice")
        if not value:
            raise AddressError("cafile= in the AMI address names no file")
        cafile = value
    if cafile is not None and not tls:
        raise AddressError("cafile= is for amis:// (TLS); an ami:// address is plain TCP")
    return cafile
