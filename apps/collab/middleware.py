"""Who is on the other end of a websocket: origin check, session or token user.

A refused websocket is accepted and then closed with 4403: a handshake refused before accept
looks like a network failure to the y-websocket client, which then retries forever, while a
4400-4499 close makes it stop.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http.request import validate_host
from rest_framework.authtoken.models import Token

from apps.collab.limits import CLOSE_NO_ACCESS

Scope = dict[str, Any]
ASGIApp = Any

# Set in the scope: how the user was identified ("session" or "token"), and whether the
# request carried an Origin header at all (browsers always send one on websockets).
AUTH_METHOD_KEY = "collab_auth_method"
HAS_ORIGIN_KEY = "collab_has_origin"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, with the scheme's default port filled in."""
    try:
        parsed = urlsplit(origin)
        hostname = parsed.hostname
        port = parsed.port
    except ValueError:
        return None
    if parsed.scheme not in _DEFAULT_PORTS or not hostname:
        return None
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.username:
        return None
    return parsed.scheme, hostname.lower(), port or _DEFAULT_PORTS[parsed.scheme]


def _own_origin(scope: Scope) -> tuple[str, str, int] | None:
    """The origin of the socket's own URL: its scheme and `Host`, if we serve that host."""
    host = _header(scope, b"host")
    if not host:
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    own = _origin_parts(f"{scheme}://{host}")
    if own is None or not validate_host(own[1], settings.ALLOWED_HOSTS):
        return None
    return own


def _trusted(origin: tuple[str, str, int], trusted: str) -> bool:
    """One CSRF_TRUSTED_ORIGINS entry; `https://*.example.com` covers its subdomains."""
    wildcard = "://*." in trusted
    pattern = _origin_parts(trusted.replace("://*.", "://", 1) if wildcard else trusted)
    if pattern is None:
        return False
    scheme, host, port = pattern
    if origin[0] != scheme or origin[2] != port:
        return False
    return origin[1] == host or (wildcard and origin[1].endswith(f".{host}"))


def origin_allowed(origin: str, scope: Scope) -> bool:
    """Scheme, host and port must match exactly: the page's own origin (the `Host` it asked
    for, if we serve it) or one of settings.CSRF_TRUSTED_ORIGINS. A host alone is not enough:
    another port on the same machine is another site."""
    parts = _origin_parts(origin)
    if parts is None:
        return False
    if parts == _own_origin(scope):
        return True
    return any(_trusted(parts, trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS)


async def refuse_websocket(receive: Any, send: Any, *, reason: str) -> None:
    """Accept the handshake, then close with 4403 so the client gives up."""
    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_NO_ACCESS, "reason": reason})


class OriginMiddleware:
    """Refuse websockets from pages on hosts we do not serve (cross-site websocket hijacking)."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        origin = _header(scope, b"origin")
        if origin is not None and not origin_allowed(origin, scope):
            return await refuse_websocket(receive, send, reason="origin not allowed")
        scope = {**scope, HAS_ORIGIN_KEY: origin is not None}
        return await self.inner(scope, receive, send)


@database_sync_to_async
def _user_for_token(key: str) -> User | None:
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


class TokenAuthMiddleware:
    """`?token=<API token>` identifies scripts; a bad token is anonymous, never the session."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        tokens = query.get("token")
        scope = dict(scope)
        if tokens:
            user = await _user_for_token(tokens[0][:64])
            scope["user"] = user if user is not None else AnonymousUser()
            scope[AUTH_METHOD_KEY] = "token"
        else:
            scope[AUTH_METHOD_KEY] = "session"
        return await self.inner(scope, receive, send)


def collab_middleware_stack(inner: ASGIApp) -> ASGIApp:
    """Origin check, then the session user, then a token user overriding it."""
    return OriginMiddleware(AuthMiddlewareStack(TokenAuthMiddleware(inner)))
