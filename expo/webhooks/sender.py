"""One HTTP POST to a subscriber, only to a public address checked at the moment of sending.

The host is resolved here and every address it resolves to is checked (a name that answers with
127.0.0.1, ::1, 10.x, 169.254.169.254... is refused); the connection then goes to the address that
was checked, not to a second lookup, so DNS rebinding between check and connect cannot redirect it.
TLS still verifies the certificate against the host name. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 4096  # enough to see an error message; the rest is not read


class Blocked(Exception):
    """The URL may not be called: a scheme or an address the settings forbid."""


@dataclass(frozen=True)
class Response:
    status_code: int | None
    elapsed_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def worth_retrying(self) -> bool:
        """5xx, 408/429, timeouts and connection errors; other answers will not change by themselves."""
        if self.status_code is None:
            return True
        return self.status_code >= 500 or self.status_code in (408, 429)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
    )


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse what can be refused without the network: a scheme other than https (http too when allowed),
    a URL without a host, and a literal address that is not public."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed:
        raise Blocked("only https:// addresses may receive webhooks")
    if not parts.hostname:
        raise Blocked("the address has no host")
    if parts.username or parts.password:
        raise Blocked("the address may not carry a user name or password")
    if allow_private:
        return
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if parts.hostname.lower() == "localhost" or parts.hostname.lower().endswith(".localhost"):
            raise Blocked("loopback addresses may not receive webhooks") from None
        return
    if not is_public_address(str(literal)):
        raise Blocked("private, loopback, link-local and reserved addresses may not receive webhooks")


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: the first one the host resolves to, once every one is found public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionError(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ConnectionError(f"{host} has no address")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise Blocked(f"{host} resolves to {address}, which is not a public address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    allow_private: bool,
    ssl_context: ssl.SSLContext | None = None,
) -> Response:
    """POST ``body``; never raises for the network's sake: a Response says what happened.

    Raises Blocked for an address the settings forbid (nothing was sent).
    """
    check_url(url, allow_private=allow_private)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        address = resolve(parts.hostname, port, allow_private=allow_private)
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = _PinnedHTTPSConnection(
                parts.hostname, address, port, timeout, ssl_context or ssl.create_default_context()
            )
        else:
            connection = _PinnedHTTPConnection(parts.hostname, address, port, timeout)
        try:
            connection.request("POST", path, body=body, headers={**headers, "user-agent": "Expo-Webhooks/1"})
            answer = connection.getresponse()
            answer.read(MAX_RESPONSE_BYTES)
            return Response(answer.status, elapsed())
        finally:
            connection.close()
    except Blocked:
        raise
    except TimeoutError:
        return Response(None, elapsed(), f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as exc:
        return Response(None, elapsed(), f"{type(exc).__name__}: {exc}"[:300])
