"""/api/users and /api/user."""

from __future__ import annotations

from fastapi import APIRouter, status

from pressroom.db.deps import DbSession
from pressroom.models import User
from pressroom.users import service
from pressroom.users.deps import CurrentUser, Tokens
from pressroom.users.schemas import (
    LoginUserRequest,
    NewUserRequest,
    UpdateUserRequest,
    UserOut,
    UserResponse,
)

router = APIRouter(tags=["users"])


def _response(user: User, tokens: Tokens) -> UserResponse:
    return UserResponse(
        user=UserOut(
            email=user.email,
            token=tokens.issue(user.id, user.password_hash),
            username=user.username,
            bio=user.bio,
            image=user.image,
        )
    )


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserResponse)
async def register(body: NewUserRequest, session: DbSession, tokens: Tokens) -> UserResponse:
    """Register a new user."""
    return _response(await service.register(session, body.user), tokens)


@router.post("/users/login", response_model=UserResponse)
async def login(body: LoginUserRequest, session: DbSession, tokens: Tokens) -> UserResponse:
    """Exchange e-mail and password for a token."""
    user = await service.authenticate(session, body.user.email, body.user.password)
    return _response(user, tokens)


@router.get("/user", response_model=UserResponse)
async def get_current_user(user: CurrentUser, tokens: Tokens) -> UserResponse:
    """The signed-in user, with a fresh token."""
    return _response(user, tokens)


@router.put("/user", response_model=UserResponse)
async def update_current_user(
    body: UpdateUserRequest, user: CurrentUser, session: DbSession, tokens: Tokens
) -> UserResponse:
    """Change the signed-in user's settings."""
    return _response(await service.update(session, user, body.user), tokens)
