"""Forged forms, cookies, headers and error pages of the site."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from pressroom.api.middleware import PAGE_POLICY, STRICT_POLICY
from pressroom.web import reading
from tests.web.conftest import Browser


async def test_a_form_without_its_token_changes_nothing(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Guarded")
    await other_browser.sign_up("bob")
    own_token = other_browser.token
    forged_tokens = [None, "", "0" * 64, browser.token]  # none, empty, made up, ada's
    for forged in forged_tokens:
        fields = {} if forged is None else {"csrf_token": forged}
        response = await other_browser.http.post(
            f"/article/{slug}/favorite", data=fields, headers={"Accept": "text/html"}
        )
        assert response.status_code == 403, forged
        assert "form has expired or was sent from another site" in response.text
    page = await other_browser.get(f"/article/{slug}")
    assert '<span class="count">0</span>' in page.text
    assert other_browser.token == own_token


async def test_a_post_from_another_origin_is_refused(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Guarded")
    response = await browser.http.post(
        f"/article/{slug}/favorite",
        data={"csrf_token": browser.token or ""},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    same = await browser.http.post(
        f"/article/{slug}/favorite",
        data={"csrf_token": browser.token or ""},
        headers={"Origin": "http://test"},
    )
    assert same.status_code == 303


async def test_sign_in_and_sign_up_forms_need_the_token_too(browser: Browser) -> None:
    for path in ("/login", "/register", "/logout"):
        response = await browser.http.post(
            path, data={"email": "a@b.org", "username": "x", "password": "p"}
        )
        assert response.status_code == 403, path


async def test_session_and_form_cookies_are_httponly_and_samesite(
    browsers: Callable[..., httpx.AsyncClient],
) -> None:
    for base_url, secure in (("http://test", False), ("https://test", True)):
        browser = Browser(browsers(base_url))
        first = await browser.get("/")
        await browser.sign_up(f"ada{int(secure)}")
        signed_in = await browser.http.post(
            "/login",
            data={
                "csrf_token": browser.token or "",
                "email": f"ada{int(secure)}@example.org",
                "password": "correct horse battery staple",
            },
        )
        for response, name in ((first, "pressroom_form"), (signed_in, "pressroom_session")):
            cookie = next(
                value
                for value in response.headers.get_list("set-cookie")
                if value.startswith(f"{name}=")
            )
            assert "HttpOnly" in cookie
            assert "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure, cookie


async def test_signing_out_ends_the_session(browser: Browser) -> None:
    await browser.sign_up("ada")
    assert "Sign out" in (await browser.get("/")).text
    response = await browser.post("/logout")
    assert response.status_code == 303
    assert "Sign out" not in (await browser.get("/")).text
    assert (await browser.get("/dashboard")).status_code == 303


async def test_a_forged_session_cookie_is_just_signed_out(browser: Browser) -> None:
    browser.http.cookies.set("pressroom_session", "not.a.token")
    page = await browser.get("/")
    assert page.status_code == 200
    assert "Sign in" in page.text


@pytest.mark.parametrize("path", ["/", "/no/such/page", "/article/nothing", "/@nobody"])
async def test_pages_carry_the_page_policy(browser: Browser, path: str) -> None:
    response = await browser.get(path)
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-type"].startswith("text/html")


async def test_pages_named_like_xml_are_pages_and_feeds_stay_strict(browser: Browser) -> None:
    """A page whose name ends in .xml keeps its style, script and forms."""
    await browser.sign_up("ada.xml")
    await browser.write("Config files", tagList="feed.xml notes.xml")
    for path in ("/@ada.xml", "/tags/notes.xml", "/tags/feed.xml", "/@ada.xml?tab=favorites"):
        response = await browser.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == PAGE_POLICY, path
    for path in ("/@ada.xml/feed.xml", "/tags/notes.xml/atom.xml", "/tags/feed.xml/feed.xml"):
        response = await browser.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == STRICT_POLICY, path


async def test_friendly_error_pages(browser: Browser) -> None:
    missing = await browser.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert "Go to the home page" in missing.text
    api = await browser.http.get("/api/no/such/thing", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json() == {"errors": {"path": ["not found"]}}
    nobody = await browser.get("/@nobody")
    assert nobody.status_code == 404
    assert "Page not found" in nobody.text


async def test_a_method_a_page_does_not_take_is_a_friendly_page(browser: Browser) -> None:
    """Typing the sign-out form's address, or following a link to a form's."""
    await browser.sign_up("ada")
    for path in ("/logout", "/@ada/follow", "/article/anything/favorite"):
        response = await browser.get(path)
        assert response.status_code == 405, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "That request was not understood" in response.text
        assert response.headers["allow"] == "POST"
    api = await browser.http.delete("/api/tags", headers={"Accept": "text/html"})
    assert api.status_code == 405
    assert api.headers["content-type"] == "application/json"
    feed = await browser.http.post("/feed.xml", headers={"Accept": "text/html"})
    assert feed.status_code == 405
    assert feed.headers["content-type"] == "application/json"


async def test_static_files_are_cached_for_long_under_content_addresses(browser: Browser) -> None:
    page = await browser.get("/")
    for name in ("site.css", "site.js"):
        start = page.text.index(f"/static/{name}?v=")
        url = page.text[start : page.text.index('"', start)]
        response = await browser.http.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "http://" not in page.text.split("<body>")[0].replace("http://test/", "")
    assert (await browser.http.get("/static/nothing.css")).status_code == 404


async def test_pages_are_not_cached_by_shared_caches_nor_kept_once_signed_in(
    browser: Browser,
) -> None:
    assert (await browser.get("/")).headers["cache-control"] == "private, no-cache"
    # A signed-in reader's pages are not kept even by their own browser.
    await browser.sign_up("ada")
    for path in ("/", "/settings", "/dashboard", "/editor", "/settings/delete", "/@ada"):
        assert (await browser.get(path)).headers["cache-control"] == "private, no-store", path


async def test_an_unexpected_failure_is_a_friendly_500_page(
    site: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[str]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(reading.tags, "list_popular", broken)
    transport = httpx.ASGITransport(app=site, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = await http.get("/", headers={"Accept": "text/html"})
        api = await http.get("/api/tags")
    assert page.status_code == 500
    assert "Something went wrong" in page.text
    assert "a bug" not in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert api.status_code == 500
    assert api.json() == {"errors": {"server": ["internal error"]}}


async def test_pages_answer_head_requests(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Headed")
    for path in ("/", f"/article/{slug}", "/tags/none", "/@ada"):
        response = await browser.http.head(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    assert (await browser.http.head("/article/nothing")).status_code == 404
