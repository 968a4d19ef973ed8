"""One rule for the client's address: X-Forwarded-For counts only from proxies Tide was told to trust."""

import pytest
from django.test import RequestFactory, override_settings

from tide.core.request_context import client_ip


def _request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_only_the_peer_address_counts():
    assert client_ip(_request("203.0.113.5", "192.0.2.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (["10.0.0.2"], "10.0.0.2", "203.0.113.50", "203.0.113.50"),
        # A client's own X-Forwarded-For is kept to the left of what the proxy appended.
        (["10.0.0.2"], "10.0.0.2", "192.0.2.66, 203.0.113.50", "203.0.113.50"),
        # Two trusted hops, given as a network.
        (["10.0.0.0/8"], "10.0.0.2", "192.0.2.66, 203.0.113.50, 10.1.1.1", "203.0.113.50"),
        # A peer that is not a trusted proxy cannot forward anything.
        (["10.0.0.2"], "203.0.113.5", "192.0.2.1", "203.0.113.5"),
        # Only the hops from the nearest untrusted address rightwards count; garbage left of it is ignored.
        (["10.0.0.2"], "10.0.0.2", "not-an-address, 203.0.113.50", "203.0.113.50"),
        (["10.0.0.2"], "10.0.0.2", "203.0.113.50:4711", "203.0.113.50"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        # Garbage where the client should be: the last address a trusted proxy vouched for (its own).
        (["10.0.0.2"], "10.0.0.2", "junk", "10.0.0.2"),
        (["fd00::/8"], "fd00::1", "2001:db8::7", "2001:db8::7"),
        (["fd00::/8"], "fd00::1", "[2001:db8::7]:443", "2001:db8::7"),
        # A count of hops, for platforms whose proxy addresses are not known in advance.
        (["1"], "10.9.9.9", "192.0.2.66, 203.0.113.50", "203.0.113.50"),
        (["2"], "10.9.9.9", "192.0.2.66, 203.0.113.50, 10.1.1.1", "203.0.113.50"),
        (["2"], "10.9.9.9", "203.0.113.50", "203.0.113.50"),
        (["1"], "10.9.9.9", None, "10.9.9.9"),
    ],
)
def test_trusted_proxies(trusted, remote, forwarded, expected):
    with override_settings(TIDE_TRUSTED_PROXIES=trusted):
        assert client_ip(_request(remote, forwarded)) == expected


def test_a_missing_or_malformed_peer_address_gives_none():
    assert client_ip(_request("")) is None
    assert client_ip(_request("nonsense")) is None
