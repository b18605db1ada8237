"""Passwords (Argon2id) and login tokens (JWT, HS256)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pressroom.config import Settings
from pressroom.db.urls import Backend, backend_of
from pressroom.kit.clock import utc_now

ALGORITHM = "HS256"
_MARK_CLAIM = "pwd"
_MARK_LENGTH = 16
# Absent until the user first signs out everywhere: generation 0, as every token issued
# before there were generations.
_GENERATION_CLAIM = "gen"
# A random id of each token, by which it alone can be signed out (``RevokedToken``).
# Tokens issued before there were ids carry none.
_ID_CLAIM = "jti"
_ID_BYTES = 16
_hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both failures take the same time."""
    return _hasher.hash(secrets.token_hex(16))


class MissingSecret(RuntimeError):
    """A server database needs PRESSROOM_JWT_SECRET: app servers must share one key."""


def resolve_jwt_secret(settings: Settings) -> str:
    """The configured key; on the embedded SQLite default, one generated once and kept."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    if backend_of(settings.database_url) is not Backend.SQLITE:
        raise MissingSecret(
            "PRESSROOM_JWT_SECRET is not set: every app server of a shared database must sign "
            "tokens with the same key. Set it to a long random string."
        )
    path = Path(settings.data_dir) / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def new_password_hash(password: str) -> str:
    """Argon2id with a fresh salt: it takes tens of milliseconds on purpose."""
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    """:func:`new_password_hash`, off the event loop."""
    return await asyncio.to_thread(new_password_hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    password_mark: str
    generation: int  # of the user's tokens (``User.token_generation``) when it was issued
    token_id: str | None  # None for a token issued before tokens had ids
    expires_at: datetime  # the ``exp`` claim


@dataclass(frozen=True)
class TokenIssuer:
    """Signs and reads login tokens: HS256 only, with an expiry, a mark of the password they
    were issued under (changing the password ends every older token), the generation of
    the user's tokens (signing out everywhere ends every older token too) and an id of
    their own (signing out with a token ends it alone)."""

    secret: str
    ttl: timedelta

    def password_mark(self, password_hash: str) -> str:
        """A keyed digest of the stored hash: it changes with every new password (each hash
        has its own salt) and says nothing about it to whoever reads the token."""
        digest = hmac.new(self.secret.encode(), password_hash.encode(), hashlib.sha256)
        return digest.hexdigest()[:_MARK_LENGTH]

    def issue(self, user_id: int, password_hash: str, generation: int) -> str:
        now = utc_now()
        claims: dict[str, object] = {
            "sub": str(user_id),
            "iat": now,
            "exp": now + self.ttl,
            _MARK_CLAIM: self.password_mark(password_hash),
            _ID_CLAIM: secrets.token_urlsafe(_ID_BYTES),
        }
        if generation:
            claims[_GENERATION_CLAIM] = generation
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def read(self, token: str) -> TokenClaims | None:
        """What a valid, unexpired token of ours says; None for anything else.

        The algorithm is pinned: a token that names another (``none``, RS256, HS512) is
        refused before its signature is even looked at.
        """
        try:
            claims = _verified(self.secret, token)
        except (jwt.PyJWTError, ValueError, TypeError):
            return None
        if claims.expires_at <= utc_now():
            return None
        return claims

    def accepts(
        self, claims: TokenClaims, password_hash: str, generation: int, *, revoked: bool
    ) -> bool:
        """Whether the token was issued under the user's current password, since they last
        signed out everywhere, and was not signed out with (``revoked``) itself."""
        return (
            not revoked
            and claims.generation == generation
            and hmac.compare_digest(claims.password_mark, self.password_mark(password_hash))
        )


# A client sends the same token with every request, and checking its signature and claims
# was about a tenth of a write's CPU. So a token that passed is remembered by its exact
# text (which includes the signature): its claims are read once, its expiry checked on
# every use. Only tokens that passed are kept, since a refusal may not be final (``iat``
# a moment ahead of this server's clock); a token refused is checked in full each time.
_REMEMBERED_TOKENS = 4096


@lru_cache(maxsize=_REMEMBERED_TOKENS)
def _verified(secret: str, token: str) -> TokenClaims:
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        options={"require": ["sub", "exp", "iat", _MARK_CLAIM]},
    )
    generation = claims.get(_GENERATION_CLAIM, 0)
    if type(generation) is not int:
        raise ValueError("the token's generation is not a whole number")
    token_id = claims.get(_ID_CLAIM)
    if token_id is not None and type(token_id) is not str:
        raise ValueError("the token's id is not a string")
    return TokenClaims(
        int(claims["sub"]),
        str(claims[_MARK_CLAIM]),
        generation,
        token_id,
        datetime.fromtimestamp(float(claims["exp"]), UTC),
    )
