"""Registration, login, the current user and its settings."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.models import User
from pressroom.users.security import TokenIssuer
from tests.api.conftest import PASSWORD, TEST_SECRET, Account, register


async def test_register_answers_201_with_a_working_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/users",
        json={"user": {"username": "ada", "email": "Ada@Example.org", "password": PASSWORD}},
    )
    assert response.status_code == 201
    user = response.json()["user"]
    assert user["username"] == "ada"
    assert user["email"] == "ada@example.org"
    assert user["bio"] is None
    assert user["image"] is None
    me = await client.get("/api/user", headers={"Authorization": f"Token {user['token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "ada"


async def test_bearer_is_accepted_too(client: httpx.AsyncClient, alice: Account) -> None:
    me = await client.get("/api/user", headers={"Authorization": f"Bearer {alice.token}"})
    assert me.status_code == 200


@pytest.mark.parametrize("field", ["username", "email"])
async def test_taken_username_or_email_is_409(
    client: httpx.AsyncClient, alice: Account, field: str
) -> None:
    user = {"username": "someone-new", "email": "new@example.org", "password": PASSWORD}
    user[field] = alice.username if field == "username" else alice.email.upper()
    response = await client.post("/api/users", json={"user": user})
    assert response.status_code == 409
    assert response.json() == {"errors": {field: ["has already been taken"]}}


@pytest.mark.parametrize("field", ["username", "email", "password"])
@pytest.mark.parametrize("value", ["", None, "missing"])
async def test_blank_registration_fields_are_422(
    client: httpx.AsyncClient, field: str, value: str | None
) -> None:
    user: dict[str, str | None] = {"username": "x1", "email": "x1@example.org", "password": "pw"}
    if value == "missing":
        del user[field]
    else:
        user[field] = value
    response = await client.post("/api/users", json={"user": user})
    assert response.status_code == 422
    assert response.json() == {"errors": {field: ["can't be blank"]}}


async def test_login(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.post(
        "/api/users/login", json={"user": {"email": alice.email.upper(), "password": PASSWORD}}
    )
    assert response.status_code == 200
    assert response.json()["user"]["username"] == alice.username


@pytest.mark.parametrize("email_known", [True, False])
async def test_wrong_credentials_are_401_whatever_is_wrong(
    client: httpx.AsyncClient, alice: Account, email_known: bool
) -> None:
    email = alice.email if email_known else "nobody@example.org"
    response = await client.post(
        "/api/users/login", json={"user": {"email": email, "password": "wrong password"}}
    )
    assert response.status_code == 401
    assert response.json() == {"errors": {"credentials": ["invalid"]}}


@pytest.mark.parametrize("field", ["email", "password"])
async def test_blank_login_fields_are_422(client: httpx.AsyncClient, field: str) -> None:
    user = {"email": "a@example.org", "password": "pw"}
    user[field] = ""
    response = await client.post("/api/users/login", json={"user": user})
    assert response.status_code == 422
    assert response.json() == {"errors": {field: ["can't be blank"]}}


async def test_current_user_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/user")
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["is missing"]}}


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-jwt",
        "Token ",
        "Basic abc",
        "Token " + jwt.encode({"sub": "1"}, "another-key-" + "y" * 32),
    ],
)
async def test_a_bad_token_is_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/user", headers={"Authorization": header})
    assert response.status_code == 401
    assert "token" in response.json()["errors"]


async def test_update_user(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.put(
        "/api/user",
        headers=alice.auth,
        json={"user": {"bio": "I write.", "image": "https://img.example/a.png"}},
    )
    assert response.status_code == 200
    user = response.json()["user"]
    assert (user["bio"], user["image"]) == ("I write.", "https://img.example/a.png")
    again = await client.get("/api/user", headers=alice.auth)
    assert again.json()["user"]["bio"] == "I write."


MIXED_SCRIPTS = (
    "mixes the letters of different scripts (as Latin and Cyrillic), "
    "which could pass for another name"
)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a/b", "cannot contain '/'"),
        (".", "cannot be only dots"),
        ("..", "cannot be only dots"),
        ("zero\u200bwidth", "contains control or invisible characters"),
        ("bidi\u202eoverride", "contains control or invisible characters"),
        ("soft\u00adhyphen", "contains control or invisible characters"),
        ("py\u200cthon", "contains control or invisible characters"),
        ("\u0645\u200d\u0645", "contains control or invisible characters"),
        ("tab\there", "contains white space other than spaces"),
        ("new\nline", "contains white space other than spaces"),
        ("no\u00a0break", "contains white space other than spaces"),
        # "paul" with a Cyrillic "a", "Alaska" with a Greek capital alpha, a Latin name
        # with a Greek letter: each could pass for another name.
        ("p\u0430ul", MIXED_SCRIPTS),
        ("\u0391laskaJazz", MIXED_SCRIPTS),
        ("x_\u03a9", MIXED_SCRIPTS),
        ("sam_\u0639\u0644\u064a", MIXED_SCRIPTS),
    ],
)
async def test_usernames_that_cannot_lead_to_their_profile_are_422(
    client: httpx.AsyncClient, alice: Account, username: str, message: str
) -> None:
    user = {"username": username, "email": "fresh@example.org", "password": PASSWORD}
    registered = await client.post("/api/users", json={"user": user})
    assert registered.status_code == 422
    assert registered.json() == {"errors": {"username": [message]}}
    renamed = await client.put(
        "/api/user", headers=alice.auth, json={"user": {"username": username}}
    )
    assert renamed.status_code == 422
    assert renamed.json() == {"errors": {"username": [message]}}
    me = (await client.get("/api/user", headers=alice.auth)).json()["user"]
    assert me["username"] == alice.username


async def test_usernames_may_hold_spaces_dots_and_other_scripts(
    client: httpx.AsyncClient,
) -> None:
    names = {"Ada Lovelace": "Ada Lovelace", "a.b": "a.b", "...x": "...x", "Zoë": "Zoë"}
    names |= {"山田": "山田", "  padded  ": "padded"}
    # One script each, or scripts written together (Japanese, Korean, Chinese, with Latin)
    for one_language in ("Мария", "Δημήτρης", "محمد", "山田たろう", "Taro 山田", "김민준 金"):
        names[one_language] = one_language
    # Zero-width joiners where a word is written with them: Persian's non-joiner between
    # Arabic letters, either one after a Devanagari virama.
    for spelled in ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0915\u094d\u200d\u0937"):
        names[spelled] = spelled
    for number, (asked, kept) in enumerate(names.items()):
        user = {"username": asked, "email": f"name{number}@example.org", "password": PASSWORD}
        response = await client.post("/api/users", json={"user": user})
        assert response.status_code == 201, response.text
        assert response.json()["user"]["username"] == kept
        assert (await client.get(f"/api/profiles/{kept}")).status_code == 200, kept


async def test_a_name_typed_with_a_combining_accent_is_the_same_name(
    client: httpx.AsyncClient,
) -> None:
    composed, decomposed = "Zo\u00eb Twin", "Zoe\u0308 Twin"  # both read "Zoë Twin"
    first = {"username": decomposed, "email": "twin1@example.org", "password": PASSWORD}
    registered = await client.post("/api/users", json={"user": first})
    assert registered.status_code == 201, registered.text
    assert registered.json()["user"]["username"] == composed
    assert (await client.get(f"/api/profiles/{composed}")).status_code == 200

    second = {"username": composed, "email": "twin2@example.org", "password": PASSWORD}
    twin = await client.post("/api/users", json={"user": second})
    assert twin.status_code == 409
    assert twin.json() == {"errors": {"username": ["has already been taken"]}}


@pytest.mark.parametrize("cleared", ["", "   ", "\t\n"])
async def test_an_empty_or_blank_image_clears_it(
    client: httpx.AsyncClient, alice: Account, cleared: str
) -> None:
    image = {"user": {"image": "https://img.example/a.png"}}
    await client.put("/api/user", headers=alice.auth, json=image)
    response = await client.put("/api/user", headers=alice.auth, json={"user": {"image": cleared}})
    assert response.status_code == 200
    assert response.json()["user"]["image"] is None
    assert (await client.get("/api/user", headers=alice.auth)).json()["user"]["image"] is None


@pytest.mark.parametrize("user", [{}, {"unknown": "field"}])
async def test_an_update_changing_nothing_is_422(
    client: httpx.AsyncClient, alice: Account, user: dict[str, str]
) -> None:
    response = await client.put("/api/user", headers=alice.auth, json={"user": user})
    assert response.status_code == 422
    assert response.json() == {"errors": {"user": ["needs at least one field to change"]}}
    assert (await client.put("/api/user", json={"user": user})).status_code == 401


async def test_update_password_then_login_with_it(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await client.put("/api/user", headers=alice.auth, json={"user": {"password": "new pass"}})
    old = await client.post(
        "/api/users/login", json={"user": {"email": alice.email, "password": PASSWORD}}
    )
    new = await client.post(
        "/api/users/login", json={"user": {"email": alice.email, "password": "new pass"}}
    )
    assert (old.status_code, new.status_code) == (401, 200)


async def test_update_to_a_taken_username_is_409(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    response = await client.put(
        "/api/user", headers=alice.auth, json={"user": {"username": bob.username}}
    )
    assert response.status_code == 409
    assert response.json() == {"errors": {"username": ["has already been taken"]}}


async def test_update_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/user", json={"user": {"email": "x@test.com"}})
    assert response.status_code == 401


async def test_overlong_fields_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/users",
        json={"user": {"username": "u" * 65, "email": "a@example.org", "password": PASSWORD}},
    )
    assert response.status_code == 422
    assert "username" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"user": "text"}', b'{"usr": {}}', b"null"],
)
async def test_malformed_bodies_are_422_in_the_envelope(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/api/users", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert set(response.json()) == {"errors"}


async def test_registering_twice_concurrently_leaves_one_user(
    client: httpx.AsyncClient,
) -> None:
    first = await register(client, "only-once")
    response = await client.post(
        "/api/users",
        json={"user": {"username": "only-once", "email": "other@example.org", "password": "p"}},
    )
    assert first.username == "only-once"
    assert response.status_code == 409


async def test_an_invalid_email_says_so(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/users",
        json={"user": {"username": "mailless", "email": "not-an-address", "password": "pw"}},
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"email": ["is invalid"]}}


async def test_both_taken_fields_are_named(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.post(
        "/api/users",
        json={"user": {"username": alice.username, "email": alice.email, "password": "pw"}},
    )
    assert response.status_code == 409
    assert response.json() == {
        "errors": {"email": ["has already been taken"], "username": ["has already been taken"]}
    }


async def test_an_expired_token_is_401_even_where_a_token_is_optional(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    user = await async_session.scalar(select(User).where(User.username == alice.username))
    assert user is not None
    expired = TokenIssuer(TEST_SECRET, timedelta(minutes=-1)).issue(
        user.id, user.password_hash, user.token_generation
    )
    headers = {"Authorization": f"Token {expired}"}
    for path in ("/api/user", "/api/articles", f"/api/profiles/{alice.username}"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.json() == {"errors": {"token": ["is invalid"]}}
