"""Safety around every request, as one ASGI middleware: token, body limit, security headers.

- A bearer token, when set, is required for everything but the probes, ``/login`` and ``/static/``:
  the API takes it in ``Authorization: Bearer``; pages also take the cookie that ``/login`` sets.
- A request body over the limit is refused with 413 before any route sees it (declared or streamed),
  except on the ``streamed`` paths (``POST /api/jobs``): their route reads the body itself, as it arrives,
  under its own limit.
- Every response gets a Content-Security-Policy (a route may set a stricter or hashed one), ``nosniff``,
  ``no-referrer`` and no framing.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrascope.report import csp

TOKEN_COOKIE = "narrascope_token"
OPEN_PATHS = ("/api/health", "/health", "/ready", "/login")
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def token_matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def presented_token(scope: Scope, *, cookie: bool) -> str:
    """The bearer token of the request, else (pages only) the login cookie, else ``""``."""
    auth = _header(scope, b"authorization")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    if cookie:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(_header(scope, b"cookie"))
        except Exception:  # a malformed Cookie header is the client's problem: treat it as absent
            return ""
        if TOKEN_COOKIE in jar:
            return jar[TOKEN_COOKIE].value
    return ""


async def send_json(send: Send, status: int, message: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": message, "status": status}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The middleware. ``login`` answers an unauthorised page request (an HTML form, status 401);
    ``streamed``: the paths whose body is passed on unread (the route bounds it)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        token: str | None,
        login: ASGIApp,
        streamed: Collection[str] = (),
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token or None
        self.login = login
        self.streamed = frozenset(streamed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(send)
        path: str = scope["path"]
        if self.token and not self._allowed(scope, path):
            if path.startswith("/api/") or path == "/openapi.json":
                await send_json(send, 401, "missing or wrong bearer token", {"www-authenticate": "Bearer"})
            else:
                await self.login(scope, receive, send)
            return
        if path in self.streamed:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body:
            await send_json(send, 413, self._too_large())
            return
        body = await self._read_body(receive)
        if body is None:
            await send_json(send, 413, self._too_large())
            return
        await self.app(scope, _replay(body, receive), send)

    def _allowed(self, scope: Scope, path: str) -> bool:
        if path in OPEN_PATHS or path.startswith("/static/"):
            return True
        given = presented_token(scope, cookie=not path.startswith("/api/"))
        return bool(given) and token_matches(given, self.token or "")

    def _too_large(self) -> str:
        # not types.check_bytes: its message names a source and the size read ("<source>: ... too large
        # (N bytes; the limit is M)"), but a body refused while it streams is never read to its end, and
        # the API's message (asserted in tests/test_web.py) names only the limit
        return f"request body too large (the limit is {self.max_body:,} bytes)"

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", csp(served=True).encode()))
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        return wrapped


def _replay(body: bytes, receive_more: Receive) -> Receive:
    """The buffered body as one message; after it, the real channel (which reports the disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive_more()

    return receive
