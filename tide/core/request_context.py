"""Who is asking and from where, for the audit log, without passing ``request`` into services.

:func:`client_ip` is the one place Tide decides a request's client address (the sign-in throttle, the
inquiry rate limit and the audit log all use it). ``X-Forwarded-For`` counts only when the peer is a
proxy named in ``TIDE_TRUSTED_PROXIES`` (addresses or networks), or, when that setting is a single
number, for that many proxy hops. Unset, only ``REMOTE_ADDR`` counts, so a forged header is ignored.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None
    user_agent: str
    path: str
    request_id: str = ""  # for the logs: generated, or a trusted proxy's X-Request-ID
    user_id: int | None = None  # the signed-in member of staff, for the logs (never a person supported)


_current: ContextVar[RequestInfo | None] = ContextVar("tide_request_info", default=None)


def current_request_info() -> RequestInfo | None:
    return _current.get()


def set_request_info(info: RequestInfo | None) -> object:
    return _current.set(info)


def reset_request_info(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


# --- The client's address ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedProxies:
    """``TIDE_TRUSTED_PROXIES`` parsed: proxy networks, or a number of proxy hops (never both)."""

    networks: tuple[IPNetwork, ...] = ()
    hops: int = 0

    def __bool__(self) -> bool:
        return bool(self.networks or self.hops)

    def trusts(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip in network for network in self.networks)


@lru_cache(maxsize=8)
def trusted_proxies(entries: tuple[str, ...]) -> TrustedProxies:
    """Parse the setting; raises ``ValueError`` naming a malformed entry."""
    entries = tuple(entry.strip() for entry in entries if entry.strip())
    if len(entries) == 1 and entries[0].isdigit():
        return TrustedProxies(hops=int(entries[0]))
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"TIDE_TRUSTED_PROXIES: {entry!r} is neither a proxy address, a network nor a number of hops."
            ) from None
    return TrustedProxies(networks=tuple(networks))


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address (a port or IPv6 brackets removed), or ``None``."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:4711
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The address of the client that made ``request``, as far as Tide's trusted proxies vouch for it."""
    from django.conf import settings

    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = trusted_proxies(tuple(getattr(settings, "TIDE_TRUSTED_PROXIES", ()) or ()))
    if peer is None or not proxies:
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies.hops:
        # Each proxy appends the address it was connected from; only the last ``hops`` entries are theirs.
        vouched = hops[-proxies.hops :]
        return (_address(vouched[0]) if vouched else None) or peer
    if not proxies.trusts(peer):
        return peer
    address = peer
    for hop in reversed(hops):
        hop_address = _address(hop)
        if hop_address is None:
            return address  # garbage: keep the last address a trusted proxy vouched for
        address = hop_address
        if not proxies.trusts(hop_address):
            return hop_address
    return address


# --- The request id ------------------------------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id(request: Any) -> str:
    """The request's id for the logs and the ``X-Request-ID`` response header: the one a trusted proxy
    sent (``TIDE_TRUSTED_PROXIES``; 8 to 128 letters, digits or ``._:-``), else a new random one. A
    client that is not a trusted proxy cannot choose it, so it cannot forge or join another's log lines."""
    from django.conf import settings

    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if sent and _REQUEST_ID.fullmatch(sent):
        proxies = trusted_proxies(tuple(getattr(settings, "TIDE_TRUSTED_PROXIES", ()) or ()))
        peer = _address(request.META.get("REMOTE_ADDR") or "")
        if proxies and peer is not None and (proxies.hops or proxies.trusts(peer)):
            return sent
    return uuid.uuid4().hex
