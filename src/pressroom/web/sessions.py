"""Who is reading: a signed-in session in a cookie, and the anti-forgery token of forms.

The session cookie carries the same signed token the API hands out (so a password
change ends every session too); it is HttpOnly, SameSite=Lax, and Secure over HTTPS.

Every form carries a token derived from a random per-browser cookie with a server-side
key (the "signed double-submit cookie"): another site can make a browser post a form, but
cannot read the cookie to forge the token. Posts that name another origin are refused too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.deps import DbSession, ReadSession
from pressroom.errors import Forbidden
from pressroom.models import User
from pressroom.users import service as users
from pressroom.users.deps import Bearer, Tokens, user_for_token
from pressroom.users.security import TokenIssuer
from pressroom.web.forms import form_of

SESSION_COOKIE = "pressroom_session"
FORM_COOKIE = "pressroom_form"
FORM_FIELD = "csrf_token"
EXPIRED = "has expired or was sent from another site; reload the page and try again"


class SignInRequired(Exception):
    """A page for signed-in users only, asked for by someone who is not."""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(request: Request, response: Response, user: User) -> None:
    """Sign ``user`` in on this browser."""
    tokens: TokenIssuer = request.app.state.tokens
    response.set_cookie(
        SESSION_COOKIE,
        tokens.issue(user.id, user.password_hash, user.token_generation),
        max_age=int(tokens.ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")


async def revoke_session(request: Request, session: AsyncSession, tokens: TokenIssuer) -> None:
    """Make this browser's session token worthless, wherever a copy of it may be: signing
    out must not leave a token that still signs in for the rest of its life."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return
    viewer = await user_for_token(token, tokens, session)
    claims = tokens.read(token)
    if viewer is not None and claims is not None:
        await users.end_this_session(session, viewer, claims)


@dataclass(frozen=True)
class SignedIn:
    """Who the page's header greets: plain values, which a rolled-back form cannot expire."""

    username: str


async def page_viewer(request: Request, session: DbSession, tokens: Tokens) -> User | None:
    """The signed-in reader, or None; a stale or forged cookie just means signed out."""
    token = request.cookies.get(SESSION_COOKIE)
    viewer = await user_for_token(token, tokens, session) if token else None
    request.state.viewer = SignedIn(viewer.username) if viewer else None
    return viewer


Viewer = Annotated[User | None, Depends(page_viewer)]


async def signed_in(viewer: Viewer) -> User:
    if viewer is None:
        raise SignInRequired
    return viewer


Author = Annotated[User, Depends(signed_in)]


@dataclass(frozen=True)
class SignedInFromReads:
    """The signed-in reader as a read connection found them, for a form that verifies or
    hashes a password before it writes (see ``pressroom.users.deps.Bearer``)."""

    found: User
    bearer: Bearer

    async def again(self, session: AsyncSession) -> User:
        """The reader, read again in the write ``session`` once the password work is done."""
        author = await self.bearer.user_or_none(session)
        if author is None:
            raise SignInRequired
        return author


async def signed_in_from_reads(
    request: Request, reads: ReadSession, tokens: Tokens
) -> SignedInFromReads:
    token = request.cookies.get(SESSION_COOKIE)
    author = await signed_in(await page_viewer(request, reads, tokens))
    await reads.close()
    assert token is not None  # a reader was found by it
    return SignedInFromReads(author, Bearer(token, tokens))


AuthorFromReads = Annotated[SignedInFromReads, Depends(signed_in_from_reads)]


def _form_key(request: Request) -> bytes:
    tokens: TokenIssuer = request.app.state.tokens
    return hmac.new(tokens.secret.encode(), b"pressroom form tokens", hashlib.sha256).digest()


def _sign(request: Request, seed: str) -> str:
    return hmac.new(_form_key(request), seed.encode(), hashlib.sha256).hexdigest()


def form_token(request: Request) -> str:
    """The token this browser's forms carry (a new browser gets its cookie with the page)."""
    seed = request.cookies.get(FORM_COOKIE) or getattr(request.state, "new_form_seed", None)
    if seed is None:
        seed = request.state.new_form_seed = secrets.token_urlsafe(32)
    return _sign(request, seed)


def keep_form_cookie(request: Request, response: Response) -> None:
    seed = getattr(request.state, "new_form_seed", None)
    if seed is not None:
        response.set_cookie(
            FORM_COOKIE, seed, httponly=True, samesite="lax", secure=_secure(request)
        )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # Browsers send an Origin with every cross-site post; none at all is a same-site
        # navigation or a non-browser client, and the token still has to match.
        return origin is None
    return origin == f"{request.url.scheme}://{request.url.netloc}"


async def check_form(request: Request) -> None:
    """Refuse a posted form whose token is missing or forged, or which comes from another
    site (raises Forbidden)."""
    seed = request.cookies.get(FORM_COOKIE)
    sent = (await form_of(request)).get(FORM_FIELD)
    if (
        not _same_origin(request)
        or seed is None
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, _sign(request, seed))
    ):
        raise Forbidden("form", EXPIRED)
