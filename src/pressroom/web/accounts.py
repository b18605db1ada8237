"""Signing up, in and out (here or everywhere), the reader's settings, and deleting the
account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.accounts import service as accounts
from pressroom.db.deps import DbSession, ReadSession
from pressroom.errors import Conflict, TooManyRequests
from pressroom.models import User
from pressroom.models.users import normalize_email
from pressroom.users import service as users
from pressroom.users import throttle
from pressroom.users.deps import Tokens
from pressroom.users.schemas import LoginUser, NewUser, UpdateUser
from pressroom.web.forms import Form, check, local_path, posted
from pressroom.web.routing import PageRoute
from pressroom.web.sessions import (
    Author,
    AuthorFromReads,
    Viewer,
    end_session,
    revoke_session,
    start_session,
)
from pressroom.web.templating import render
from pressroom.web.writing import see_other

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Next = Annotated[str, Query(max_length=2000)]
SETTINGS_FIELDS = ("username", "email", "bio", "image", "password", "current_password")


def _account_form(
    request: Request, template: str, form: Form[Any], next_path: str, status_code: int = 200
) -> HTMLResponse:
    return render(request, template, {"form": form, "next": next_path}, status_code=status_code)


@router.get("/register", response_class=HTMLResponse)
async def sign_up_form(request: Request, viewer: Viewer, next: Next = "/") -> Response:
    if viewer is not None:
        return see_other(local_path(next))
    empty: Form[NewUser] = Form(dict.fromkeys(("username", "email"), ""))
    return _account_form(request, "register.html", empty, local_path(next))


@router.post("/register", response_class=HTMLResponse)
async def sign_up(request: Request, session: DbSession) -> Response:
    values = await posted(request, "username", "email", "password", "next")
    next_path = local_path(values.pop("next"))
    form = check(NewUser, values, values)
    # A password is never sent back to the browser.
    values["password"] = ""
    if form.model is None:
        return _account_form(request, "register.html", form, next_path, 422)
    try:
        user = await users.register(session, form.model)
    except Conflict as taken:
        await session.rollback()
        form.refuse(taken)
        return _account_form(request, "register.html", form, next_path, 409)
    response = see_other(next_path)
    start_session(request, response, user)
    return response


@router.get("/login", response_class=HTMLResponse)
async def sign_in_form(request: Request, viewer: Viewer, next: Next = "/") -> Response:
    if viewer is not None:
        return see_other(local_path(next))
    empty: Form[LoginUser] = Form({"email": ""})
    return _account_form(request, "login.html", empty, local_path(next))


@router.post("/login", response_class=HTMLResponse)
async def sign_in(request: Request, reads: ReadSession, session: DbSession) -> Response:
    values = await posted(request, "email", "password", "next")
    next_path = local_path(values.pop("next"))
    form = check(LoginUser, values, values)
    values["password"] = ""
    if form.model is None:
        return _account_form(request, "login.html", form, next_path, 422)
    attempt = throttle.Attempt.of(
        normalize_email(form.model.email), request.client.host if request.client else None
    )
    limits = throttle.Limits.of(request.app.state.settings)
    try:
        user = await users.sign_in(reads, session, limits, attempt, form.model.password)
    except TooManyRequests as throttled:
        form.refuse(throttled)
        refused = _account_form(request, "login.html", form, next_path, 429)
        refused.headers.update(throttled.headers())
        return refused
    if user is None:
        # Committed with the request: the failure counts against the limits.
        form.errors["credentials"] = ["e-mail or password is wrong"]
        return _account_form(request, "login.html", form, next_path, 401)
    response = see_other(next_path)
    start_session(request, response, user)
    return response


@router.post("/logout")
async def sign_out(request: Request, session: DbSession, tokens: Tokens) -> Response:
    """Sign out on this browser: its session's token is refused from now on; the reader's
    other browsers and apps stay signed in."""
    await revoke_session(request, session, tokens)
    response = see_other("/")
    end_session(response)
    return response


@router.post("/logout/everywhere")
async def sign_out_everywhere(session: DbSession, viewer: Author) -> Response:
    """End every session of the reader: every browser and app, this one included."""
    await users.end_every_session(session, viewer)
    response = see_other("/login")
    end_session(response)
    return response


def _settings_values(viewer: Author) -> dict[str, str]:
    return {
        "username": viewer.username,
        "email": viewer.email,
        "bio": viewer.bio or "",
        "image": viewer.image or "",
        "password": "",
        "current_password": "",
    }


@router.get("/settings", response_class=HTMLResponse)
async def settings_form(request: Request, viewer: Author) -> HTMLResponse:
    return render(request, "settings.html", {"form": Form(_settings_values(viewer))})


def _changes_credentials(viewer: User, change: UpdateUser) -> bool:
    """Whether ``change`` takes the account out of the hands of whoever knows its password:
    a new password, or a new e-mail (which a password reset would be sent to)."""
    new_email = change.email is not None and normalize_email(change.email) != viewer.email
    return change.password is not None or new_email


async def _confirmation(
    request: Request,
    reads: AsyncSession,
    session: AsyncSession,
    author: User,
    password: str,
    form: Form[UpdateUser],
) -> users.Confirmation | Response:
    """That ``password`` is the reader's, not yet counted; otherwise the settings page
    again, with the reason. A wrong one counts as a failed sign-in, with the same limits."""
    if not password:
        form.errors["current_password"] = ["is needed to change your e-mail or password"]
        return render(request, "settings.html", {"form": form}, status_code=422)
    limits = throttle.Limits.of(request.app.state.settings)
    address = request.client.host if request.client else None
    try:
        confirmation = await users.confirm(reads, limits, author, password, address)
    except TooManyRequests as throttled:
        form.refuse(throttled)
        refused = render(request, "settings.html", {"form": form}, status_code=429)
        refused.headers.update(throttled.headers())
        return refused
    if confirmation.confirmed:
        return confirmation
    # Committed with the request: the failure counts against the limits.
    await confirmation.count(session)
    form.errors["current_password"] = ["is wrong"]
    return render(request, "settings.html", {"form": form}, status_code=401)


@router.post("/settings", response_class=HTMLResponse)
async def update_settings(
    request: Request, reads: ReadSession, session: DbSession, signed: AuthorFromReads
) -> Response:
    """Change the reader's profile. A new e-mail or password also needs the current
    password: a session left open on a shared computer must not be enough to take the
    account over."""
    values = await posted(request, *SETTINGS_FIELDS)
    current_password = values.pop("current_password")
    # An empty password field keeps the password.
    data = {name: value for name, value in values.items() if name != "password" or value}
    form = check(UpdateUser, values, data)
    values["password"] = values["current_password"] = ""
    if form.model is None:
        return render(request, "settings.html", {"form": form}, status_code=422)
    confirmation = None
    if _changes_credentials(signed.found, form.model):
        outcome = await _confirmation(request, reads, session, signed.found, current_password, form)
        if isinstance(outcome, Response):
            return outcome
        confirmation = outcome
    # A new password is hashed before the write transaction begins, which counting the
    # confirmation or reading the reader again does.
    changes = await users.changes_of(form.model)
    if confirmation is not None:
        await confirmation.count(session)
    try:
        user = await users.update(session, await signed.again(session), changes)
    except Conflict as taken:
        await session.rollback()
        form.refuse(taken)
        return render(request, "settings.html", {"form": form}, status_code=409)
    response = see_other("/settings?saved=1")
    # A new password ends every older session; this browser gets a new one.
    start_session(request, response, user)
    return response


async def _deletion_form(
    request: Request, session: AsyncSession, viewer: User, form: Form[Any], status_code: int = 200
) -> HTMLResponse:
    held = await session.run_sync(accounts.holdings, viewer.id)
    context = {"form": form, "held": held}
    return render(request, "delete_account.html", context, status_code=status_code)


@router.get("/settings/delete", response_class=HTMLResponse)
async def confirm_account_deletion(
    request: Request, session: DbSession, viewer: Author
) -> HTMLResponse:
    """What goes with the account, and the password to confirm it."""
    return await _deletion_form(request, session, viewer, Form({}))


@router.post("/settings/delete", response_class=HTMLResponse)
async def delete_account(
    request: Request, reads: ReadSession, session: DbSession, signed: AuthorFromReads
) -> Response:
    """Delete the reader's account and all it holds, once their password confirms it: a
    session left open on a shared computer is not enough. A wrong password counts as a
    failed sign-in, with the same limits."""
    password = (await posted(request, "password"))["password"]
    form: Form[Any] = Form({})
    limits = throttle.Limits.of(request.app.state.settings)
    address = request.client.host if request.client else None
    try:
        confirmation = await users.confirm(reads, limits, signed.found, password, address)
    except TooManyRequests as throttled:
        form.refuse(throttled)
        refused = await _deletion_form(request, session, signed.found, form, 429)
        refused.headers.update(throttled.headers())
        return refused
    # Committed with the request, whatever follows: a failure counts against the limits.
    await confirmation.count(session)
    if not confirmation.confirmed:
        form.errors["password"] = ["is wrong"]
        return await _deletion_form(request, session, signed.found, form, 401)
    await accounts.delete_own_account(session, await signed.again(session))
    response = see_other("/?account=deleted")
    end_session(response)
    return response
