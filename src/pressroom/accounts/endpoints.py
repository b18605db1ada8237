"""DELETE /api/user: the signed-in user deletes their own account (beside the spec)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from pressroom.accounts import service
from pressroom.accounts.schemas import AccountDeletionRequest
from pressroom.api import API_PREFIX
from pressroom.api.errors import error_body, errors
from pressroom.api.responses import json_body
from pressroom.db.deps import DbSession, ReadSession
from pressroom.users import service as users
from pressroom.users import throttle
from pressroom.users.deps import SignedBearer

router = APIRouter(prefix=API_PREFIX, tags=["users"])


@router.delete(
    "/user",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 429),
)
async def delete_current_user(
    body: AccountDeletionRequest,
    request: Request,
    bearer: SignedBearer,
    reads: ReadSession,
    session: DbSession,
) -> Response:
    """Delete the signed-in user's account with its articles (and the comments and
    favorites on them), comments, favorites and follows.

    The password confirms it, as a sign-in: a token alone is not enough, and a wrong
    password counts against the same limits (429 past them).
    """
    limits = throttle.Limits.of(request.app.state.settings)
    address = request.client.host if request.client else None
    owner = await bearer.user(reads)
    confirmation = await users.confirm(reads, limits, owner, body.user.password, address)
    await confirmation.count(session)
    if not confirmation.confirmed:
        # Answered rather than raised: the failure just counted commits with the request.
        return json_body(error_body("credentials", "invalid"), status_code=401)
    await service.delete_own_account(session, await bearer.user(session))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
