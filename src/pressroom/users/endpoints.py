"""/api/users and /api/user."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from pressroom.api import API_PREFIX
from pressroom.api.errors import error_body, errors
from pressroom.api.responses import json_body
from pressroom.db.deps import DbSession, ReadSession
from pressroom.models import User
from pressroom.models.users import normalize_email
from pressroom.users import service, throttle
from pressroom.users.deps import CurrentToken, CurrentUser, SignedBearer, Tokens
from pressroom.users.schemas import (
    LoginUserRequest,
    NewUserRequest,
    UpdateUserRequest,
    UserOut,
    UserResponse,
)

router = APIRouter(prefix=API_PREFIX, tags=["users"])


def _response(user: User, tokens: Tokens) -> UserResponse:
    return UserResponse(
        user=UserOut(
            email=user.email,
            token=tokens.issue(user.id, user.password_hash, user.token_generation),
            username=user.username,
            bio=user.bio,
            image=user.image,
        )
    )


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserResponse,
    responses=errors(409),
)
async def register(body: NewUserRequest, session: DbSession, tokens: Tokens) -> UserResponse:
    """Register a new user."""
    return _response(await service.register(session, body.user), tokens)


@router.post(
    "/users/login",
    response_model=UserResponse,
    responses=errors(401, 429),
)
async def login(
    body: LoginUserRequest,
    request: Request,
    reads: ReadSession,
    session: DbSession,
    tokens: Tokens,
) -> UserResponse | Response:
    """Exchange e-mail and password for a token."""
    attempt = throttle.Attempt.of(
        normalize_email(body.user.email), request.client.host if request.client else None
    )
    limits = throttle.Limits.of(request.app.state.settings)
    user = await service.sign_in(reads, session, limits, attempt, body.user.password)
    if user is None:
        # Answered rather than raised: the failure just counted commits with the request.
        return json_body(error_body("credentials", "invalid"), status_code=401)
    return _response(user, tokens)


@router.get("/user", response_model=UserResponse, responses=errors(401))
async def get_current_user(user: CurrentUser, tokens: Tokens) -> UserResponse:
    """The signed-in user, with a fresh token."""
    return _response(user, tokens)


@router.put("/user", response_model=UserResponse, responses=errors(401, 409))
async def update_current_user(
    body: UpdateUserRequest,
    bearer: SignedBearer,
    reads: ReadSession,
    session: DbSession,
    tokens: Tokens,
) -> UserResponse:
    """Change the signed-in user's settings."""
    if body.user.password is not None:
        await bearer.check(reads)
    changes = await service.changes_of(body.user)  # a new password is hashed here
    user = await bearer.user(session)
    return _response(await service.update(session, user, changes), tokens)


@router.delete(
    "/user/session",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401),
)
async def end_this_session(user: CurrentUser, token: CurrentToken, session: DbSession) -> Response:
    """Sign out: the token sent with this request stops working, wherever it is kept; the
    user's other tokens (other browsers and apps) still work."""
    await service.end_this_session(session, user, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/user/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401),
)
async def end_every_session(user: CurrentUser, session: DbSession) -> Response:
    """Sign out everywhere: every token issued to the signed-in user so far stops working,
    the one sent with this request included. Signing in again gives a new one."""
    await service.end_every_session(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
