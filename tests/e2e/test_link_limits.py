"""The share-link cap measured against the running app (docs/bad-input.md, "Claims equal enforcement"): the server
(uvicorn with h11) refuses a request whose line and headers pass h11's 16 KiB limit while they arrive in pieces,
as over a network; a link at the app's cap, with a browser's headers, is accepted however it arrives."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import h11
import pytest

from advisor.web.session import MAX_LINK

BROWSER_HEADERS = 4 * 1024  # generous: Chromium sends about 1 KiB to the app, plus cookies


def status(url: str, target: str, header_bytes: int = 0, piece: int | None = None) -> int:
    """The HTTP status the app answers to GET `target` with `header_bytes` of extra headers, sent in pieces of
    `piece` bytes (None: at once)."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    pad = f"X-Pad: {'p' * max(header_bytes - 9, 0)}\r\n" if header_bytes else ""
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{pad}Connection: close\r\n\r\n".encode()
    with socket.create_connection((host, port), timeout=20) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for i in range(0, len(request), piece or len(request)):
                s.sendall(request[i : i + (piece or len(request))])
                if piece:
                    time.sleep(0.002)
            head = s.recv(64)
        except (BrokenPipeError, ConnectionResetError):
            return 400  # the server answered and closed before the request was complete
    return int(head.split()[1])


def test_the_link_cap_with_a_browsers_headers_is_within_what_the_server_accepts_in_pieces():
    assert MAX_LINK + BROWSER_HEADERS + 1024 <= h11._connection.DEFAULT_MAX_INCOMPLETE_EVENT_SIZE


def test_a_link_at_the_cap_is_accepted_even_when_it_arrives_in_small_pieces(app_server):
    target = "/?workflow=" + "a" * (MAX_LINK - len("workflow="))

    assert status(app_server, target, BROWSER_HEADERS, piece=1400) == 200


@pytest.mark.parametrize("length", [40_000, 176_000])
def test_a_link_far_over_the_cap_is_refused_by_the_server_when_it_arrives_in_pieces(app_server, length):
    # Why in pieces: sent at once over loopback, uvicorn parses heads up to about 128 KB in one read.
    assert status(app_server, "/?workflow=" + "a" * length, piece=1400) == 400


def test_the_link_of_the_attack_is_refused_however_it_arrives(app_server):
    assert status(app_server, "/?workflow=" + "a" * 176_000) == 400
