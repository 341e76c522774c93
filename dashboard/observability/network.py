"""Who the client is, believing X-Forwarded-For (and X-Request-ID) only from a trusted proxy."""

import ipaddress
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=32)
def networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def address(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_in(value: str, entries: list[str] | tuple[str, ...]) -> bool:
    found = address(value)
    return found is not None and any(found in network for network in networks(tuple(entries)))


def client_address(remote: str, forwarded_for: str, trusted: list[str] | tuple[str, ...]) -> str:
    """The client's address: the peer's own, unless the peer is a trusted proxy.

    From a proxy listed in `trusted`, X-Forwarded-For is read from the right (each proxy appends
    the address it received from) and the first hop that is not a trusted proxy is the client:
    anything further left was written by the client and may be made up.
    """
    trusted_networks = networks(tuple(trusted))
    nearest = address(remote)
    if nearest is None or not any(nearest in network for network in trusted_networks):
        return remote
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        found = address(hop)
        if found is None:
            # Not an address: no trusted proxy wrote this, so stop at the last hop one did vouch for.
            break
        nearest = found
        if not any(found in network for network in trusted_networks):
            break
    return str(nearest)
