"""The site's pages through a browser's eyes: what each shows, to whom, and what forms do."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import httpx
import pytest

from pressroom.api.middleware import PAGE_POLICY, STRICT_POLICY
from pressroom.config import Settings
from pressroom.web import reading, writing
from tests.api.conftest import PASSWORD
from tests.web.conftest import Browser


def _text(response: httpx.Response) -> str:
    return html.unescape(response.text)


async def test_home_shows_published_articles_and_popular_tags(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    await browser.write("Gears and cogs", tagList="engines history")
    await browser.write("Private notes", action="draft")
    page = await other_browser.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Gears and cogs" in page.text
    assert "Private notes" not in page.text
    assert 'href="/tags/engines"' in page.text
    assert "Sign up" in page.text


async def test_home_shows_the_twenty_most_used_tags(browser: Browser) -> None:
    await browser.sign_up("ada")
    names = [f"t{n:02}" for n in range(1, 22)]  # each on one article: ties go by name
    await browser.write("First", tagList=" ".join(names[:11]))
    await browser.write("Second", tagList=" ".join(names[11:]))
    await browser.write("Third", tagList="t21")
    page = await browser.get("/")
    side = page.text.split('id="tags-title"', 1)[1]
    shown = re.findall(r'href="/tags/([^"]+)"', side)
    assert shown == ["t21", *names[:19]]


async def test_a_draft_is_seen_by_its_author_only(browser: Browser, other_browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Unfinished thoughts", action="draft")
    own = await browser.get(f"/article/{slug}")
    assert own.status_code == 200
    assert "Draft" in own.text
    assert '<meta name="robots" content="noindex">' in own.text
    for reader in (other_browser,):
        hidden = await reader.get(f"/article/{slug}")
        assert hidden.status_code == 404
        assert "Page not found" in hidden.text
        assert "Unfinished thoughts" not in hidden.text
    await other_browser.sign_up("bob")
    assert (await other_browser.get(f"/article/{slug}")).status_code == 404
    assert (await other_browser.get(f"/editor/{slug}")).status_code == 404
    assert "Unfinished thoughts" not in (await other_browser.get("/@ada")).text
    assert "Unfinished thoughts" not in (await other_browser.get("/search?q=unfinished")).text


async def test_article_page_renders_sanitized_markdown_and_meta_tags(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write(
        "Tables & tags",
        description='Quotes " and <angles>',
        body="## Heading\n\n**bold** [link](javascript:alert(1)) <script>alert(1)</script>",
        tagList="markup",
    )
    page = await browser.get(f"/article/{slug}")
    assert "<h2>Heading</h2>" in page.text
    assert "<strong>bold</strong>" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert 'href="javascript:' not in page.text
    assert "<title>Tables &amp; tags · pressroom</title>" in page.text
    assert '<meta name="description" content="Quotes &#34; and &lt;angles&gt;">' in page.text
    assert f'<link rel="canonical" href="http://test/article/{slug}">' in page.text
    assert '<meta property="og:title" content="Tables &amp; tags">' in page.text
    assert '<meta property="article:tag" content="markup">' in page.text
    assert "1 min read" in page.text


async def test_publishing_a_draft_shows_it_on_home_tag_page_and_feed(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    await other_browser.sign_up("bob")
    assert (await other_browser.post("/@ada/follow", {"next": "/@ada"})).status_code == 303
    slug = await browser.write("Steam", action="draft", tagList="power")
    for path in ("/", "/tags/power", "/?feed=following"):
        assert "Steam" not in (await other_browser.get(path)).text
    editor = await browser.get(f"/editor/{slug}")
    assert 'value="Steam"' in editor.text
    published = await browser.post(
        f"/editor/{slug}",
        {
            "title": "Steam",
            "description": "About Steam",
            "body": "Boilers.",
            "tagList": "power",
            "publishAt": "",
            "version": "1",
            "action": "publish",
        },
    )
    assert published.status_code == 303
    for path in ("/", "/tags/power", "/?feed=following", "/@ada"):
        assert "Steam" in (await other_browser.get(path)).text, path


async def test_scheduling_keeps_an_article_hidden_until_its_time(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Tomorrow", action="schedule", publishAt="2999-01-01T09:30")
    own = await browser.get(f"/article/{slug}")
    assert "Scheduled for 1 Jan 2999, 09:30 UTC" in own.text
    assert (await other_browser.get(f"/article/{slug}")).status_code == 404
    editor = await browser.get(f"/editor/{slug}")
    assert 'value="2999-01-01T09:30"' in editor.text
    dashboard = await browser.get("/dashboard?status=scheduled")
    assert "Tomorrow" in dashboard.text


async def test_editor_errors_sit_beside_their_fields_and_keep_the_input(browser: Browser) -> None:
    await browser.sign_up("ada")
    await browser.get("/editor")
    response = await browser.post(
        "/editor",
        {
            "title": "  ",
            "description": "kept description",
            "body": "kept *body*",
            "tagList": "kept",
            "publishAt": "",
            "action": "publish",
        },
    )
    assert response.status_code == 422
    assert '<p class="field-error" id="title-error">can&#39;t be blank</p>' in response.text
    assert 'aria-describedby="title-error"' in response.text
    assert 'value="kept description"' in response.text
    assert ">kept *body*</textarea>" in response.text
    assert 'value="kept"' in response.text
    scheduled = await browser.post(
        "/editor",
        {"title": "T", "description": "D", "body": "B", "tagList": "", "action": "schedule"},
    )
    assert scheduled.status_code == 422
    assert 'id="publishAt-error">can&#39;t be blank' in scheduled.text
    dashboard = await browser.get("/dashboard")
    assert "kept description" not in dashboard.text


async def test_preview_renders_without_saving(browser: Browser) -> None:
    await browser.sign_up("ada")
    await browser.get("/editor")
    response = await browser.post(
        "/editor",
        {"title": "", "description": "", "body": "# Hello\n\n<b>raw</b>", "action": "preview"},
    )
    assert response.status_code == 200
    assert "<h1>Hello</h1>" in response.text
    assert "<b>raw</b>" not in response.text
    live = await browser.post("/editor/preview", {"body": "*live*"})
    assert live.text == "<p><em>live</em></p>\n"
    assert "Nothing here yet" in (await browser.get("/dashboard")).text


async def test_an_edit_based_on_an_old_version_is_refused(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Versions")
    fields = {"title": "Versions", "description": "D", "body": "first edit", "tagList": ""}
    first = await browser.post(f"/editor/{slug}", {**fields, "version": "1", "action": "save"})
    assert first.status_code == 303
    stale = await browser.post(
        f"/editor/{slug}", {**fields, "body": "stale edit", "version": "1", "action": "save"}
    )
    assert stale.status_code == 409
    assert "was changed by someone else" in _text(stale)
    assert ">stale edit</textarea>" in stale.text
    assert "first edit" in (await browser.get(f"/article/{slug}")).text


async def test_saving_keeps_tags_the_tag_field_cannot_write(browser: Browser) -> None:
    """Tags written through the API may hold spaces and commas; an edit of the body alone
    must not split them."""
    await browser.sign_up("ada")
    login = await browser.http.post(
        "/api/users/login",
        json={"user": {"email": "ada@example.org", "password": "correct horse battery staple"}},
    )
    token = login.json()["user"]["token"]
    tags = ["machine learning", "a,b", "plain"]
    article = {"title": "Spaced", "description": "D", "body": "B", "tagList": tags}
    created = await browser.http.post(
        "/api/articles", headers={"Authorization": f"Token {token}"}, json={"article": article}
    )
    slug = created.json()["article"]["slug"]
    editor = await browser.get(f"/editor/{slug}")
    shown = re.search(r'name="tagList" type="text" value="([^"]*)"', editor.text)
    assert shown is not None
    fields = {"title": "Spaced", "description": "D", "version": "1", "action": "save"}
    saved = await browser.post(
        f"/editor/{slug}", {**fields, "body": "Edited", "tagList": html.unescape(shown[1])}
    )
    assert saved.status_code == 303
    after = (await browser.http.get(f"/api/articles/{slug}")).json()["article"]
    assert after["body"] == "Edited"
    assert after["tagList"] == sorted(tags)
    retagged = await browser.post(
        f"/editor/{slug}", {**fields, "version": "2", "body": "Edited", "tagList": "one two"}
    )
    assert retagged.status_code == 303
    assert (await browser.http.get(f"/api/articles/{slug}")).json()["article"]["tagList"] == [
        "one",
        "two",
    ]


async def test_retitling_moves_the_article_to_a_new_address(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Old name")
    moved = await browser.post(
        f"/editor/{slug}",
        {"title": "New name", "description": "D", "body": "B", "version": "1", "action": "save"},
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/article/new-name"


async def test_only_the_author_may_edit_or_delete(browser: Browser, other_browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Mine")
    await other_browser.sign_up("bob")
    assert (await other_browser.get(f"/editor/{slug}")).status_code == 403
    assert (await other_browser.get(f"/editor/{slug}/delete")).status_code == 403
    refused = await other_browser.post(f"/editor/{slug}/delete")
    assert refused.status_code == 403
    assert "You can" in _text(refused)
    update = {"title": "Stolen", "description": "D", "body": "B", "version": "1", "action": "save"}
    assert (await other_browser.post(f"/editor/{slug}", update)).status_code == 403
    assert "Mine" in (await other_browser.get(f"/article/{slug}")).text


async def test_delete_asks_first_then_removes_the_article(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Short-lived")
    confirm = await browser.get(f"/editor/{slug}/delete")
    assert "cannot be undone" in confirm.text
    deleted = await browser.post(f"/editor/{slug}/delete")
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/dashboard"
    assert (await browser.get(f"/article/{slug}")).status_code == 404


async def test_signed_out_writers_are_sent_to_sign_in_and_back(browser: Browser) -> None:
    for path in ("/editor", "/dashboard", "/settings"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    await browser.sign_up("ada")
    await browser.http.post("/logout", data={"csrf_token": browser.token or ""})
    await browser.get("/login?next=/dashboard")
    signed_in = await browser.post(
        "/login",
        {
            "email": "ada@example.org",
            "password": "correct horse battery staple",
            "next": "/dashboard",
        },
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/dashboard"


async def test_next_never_leads_to_another_site(browser: Browser) -> None:
    await browser.sign_up("ada")
    await browser.http.post("/logout", data={"csrf_token": browser.token or ""})
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        await browser.get("/login")
        response = await browser.post(
            "/login",
            {
                "email": "ada@example.org",
                "password": "correct horse battery staple",
                "next": target,
            },
        )
        assert response.headers["location"] == "/", target
        await browser.post("/logout")


async def test_sign_in_errors_and_throttling(browser: Browser) -> None:
    await browser.sign_up("ada")
    await browser.post("/logout")
    await browser.get("/login")
    wrong = await browser.post("/login", {"email": "ada@example.org", "password": "nope"})
    assert wrong.status_code == 401
    assert "E-mail or password is wrong" in wrong.text
    assert 'value="ada@example.org"' in wrong.text
    assert "nope" not in wrong.text
    for _ in range(4):
        await browser.post("/login", {"email": "ada@example.org", "password": "nope"})
    throttled = await browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    assert throttled.status_code == 429
    assert "Too many failed sign-ins" in throttled.text
    assert int(throttled.headers["retry-after"]) > 0


async def test_sign_up_refuses_taken_names_and_keeps_the_input(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    await other_browser.get("/register")
    taken = await other_browser.post(
        "/register", {"username": "ada", "email": "ada@example.org", "password": "secret"}
    )
    assert taken.status_code == 409
    assert 'id="username-error">has already been taken' in taken.text
    assert 'id="email-error">has already been taken' in taken.text
    assert 'value="ada"' in taken.text
    assert "secret" not in taken.text


async def test_comments_can_be_added_refused_and_deleted(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Talk to me")
    await other_browser.sign_up("bob")
    await other_browser.get(f"/article/{slug}")
    blank = await other_browser.post(f"/article/{slug}/comments", {"body": ""})
    assert blank.status_code == 422
    assert 'id="body-error">can&#39;t be blank' in blank.text
    posted = await other_browser.post(f"/article/{slug}/comments", {"body": "Nice <b>one</b>"})
    assert posted.status_code == 303
    page = await browser.get(f"/article/{slug}")
    assert "1 comment" in page.text
    assert "Nice &lt;b&gt;one&lt;/b&gt;" in page.text
    assert "Delete comment" not in page.text  # ada did not write it
    comment_id = posted.headers["location"].rsplit("-", 1)[1]
    too_large = await other_browser.post(f"/article/{slug}/comments/99999999999999999999/delete")
    assert too_large.status_code == 422
    refused = await browser.post(f"/article/{slug}/comments/{comment_id}/delete")
    assert refused.status_code == 403
    mine = await other_browser.get(f"/article/{slug}")
    assert "Delete comment" in mine.text
    removed = await other_browser.post(f"/article/{slug}/comments/{comment_id}/delete")
    assert removed.status_code == 303
    assert "0 comments" in (await other_browser.get(f"/article/{slug}")).text


async def test_comments_come_a_page_at_a_time(
    browser: Browser, other_browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (reading, writing):
        monkeypatch.setattr(module, "COMMENTS_PER_PAGE", 2)
    await browser.sign_up("ada")
    slug = await browser.write("Much discussed")
    await other_browser.sign_up("bob")
    await other_browser.get(f"/article/{slug}")
    locations = []
    for n in range(5):
        posted = await other_browser.post(f"/article/{slug}/comments", {"body": f"Remark {n}"})
        assert posted.status_code == 303
        locations.append(posted.headers["location"].split("#")[0])
    # Each new comment is shown where it lands: on the last page.
    assert locations == [
        f"/article/{slug}",
        f"/article/{slug}",
        f"/article/{slug}?page=2",
        f"/article/{slug}?page=2",
        f"/article/{slug}?page=3",
    ]
    first = await browser.get(f"/article/{slug}")
    assert "5 comments" in first.text
    assert "Remark 0" in first.text
    assert "Remark 1" in first.text
    assert "Remark 2" not in first.text
    assert "Page 1 of 3" in first.text
    assert f'href="/article/{slug}?page=2"' in first.text
    last = await browser.get(f"/article/{slug}?page=3")
    assert "Remark 4" in last.text
    assert "Remark 3" not in last.text
    past = await browser.get(f"/article/{slug}?page=9")
    assert past.status_code == 303
    assert past.headers["location"] == f"/article/{slug}?page=3"
    assert (await browser.get(f"/article/{slug}?page=0")).status_code == 422


async def test_favorites_and_follows_toggle_and_count(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Likeable")
    await other_browser.sign_up("bob")
    await other_browser.get(f"/article/{slug}")
    faved = await other_browser.post(f"/article/{slug}/favorite", {"next": "/"})
    assert faved.headers["location"] == "/"
    page = await other_browser.get(f"/article/{slug}")
    assert 'aria-pressed="true"' in page.text
    assert '<span class="count">1</span>' in page.text
    assert "Likeable" in (await other_browser.get("/@bob?tab=favorites")).text
    await other_browser.post(f"/article/{slug}/unfavorite")
    assert '<span class="count">0</span>' in (await other_browser.get(f"/article/{slug}")).text
    await other_browser.post("/@ada/follow")
    author = await other_browser.get("/@ada")
    assert "Unfollow ada" in author.text
    assert "<dt>Followers</dt><dd>1</dd>" in author.text
    await other_browser.post("/@ada/unfollow")
    assert "<dt>Followers</dt><dd>0</dd>" in (await other_browser.get("/@ada")).text
    assert (await browser.post("/@ada/follow")).status_code == 422  # one cannot follow oneself


async def test_settings_change_profile_and_password(
    browser: Browser, browsers: object, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    # A second browser signed in as ada, before the password changes.
    await other_browser.get("/login")
    await other_browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    assert "Sign out" in (await other_browser.get("/")).text
    await browser.get("/settings")
    saved = await browser.post(
        "/settings",
        {
            "username": "ada",
            "email": "ada@example.org",
            "bio": "Writes about engines.",
            "image": "",
            "password": "a brand new password",
            "current_password": "correct horse battery staple",
        },
    )
    assert saved.status_code == 303
    assert "Your settings are saved" in (await browser.get("/settings?saved=1")).text
    assert "Writes about engines." in (await browser.get("/@ada")).text
    # The old session ended with the old password; this browser got a new one.
    assert "Sign out" not in (await other_browser.get("/")).text
    assert "Sign out" in (await browser.get("/")).text
    invalid = await browser.post(
        "/settings", {"username": "", "email": "not-an-email", "bio": "kept bio", "password": ""}
    )
    assert invalid.status_code == 422
    assert 'id="email-error">is invalid' in invalid.text
    assert ">kept bio</textarea>" in invalid.text


async def test_a_new_email_or_password_needs_the_current_password(browser: Browser) -> None:
    """A session left open on a shared computer is not enough to take the account over."""
    await browser.sign_up("ada")
    await browser.get("/settings")
    profile = {"username": "ada", "email": "ada@example.org", "bio": "", "image": ""}
    takeovers = [
        {**profile, "password": "the taker's password"},
        {**profile, "email": "taker@example.org"},
    ]
    for change in takeovers:
        for current, status, message in [
            ("", 422, "is needed to change your e-mail or password"),
            ("a wrong guess", 401, "is wrong"),
        ]:
            refused = await browser.post("/settings", {**change, "current_password": current})
            assert refused.status_code == status
            assert f'id="current_password-error">{message}' in refused.text
            assert "a wrong guess" not in refused.text  # passwords are never sent back
    # Nothing changed: the password and the e-mail still sign in.
    await browser.post("/logout")
    await browser.get("/login")
    back = await browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    assert back.status_code == 303
    # The profile alone, or an e-mail written another way, needs no password.
    await browser.get("/settings")
    spelled = {**profile, "email": "ADA@example.org", "bio": "Engines."}
    assert (await browser.post("/settings", spelled)).status_code == 303
    # Wrong guesses count as failed sign-ins, with their limits (the sign-in above
    # cleared the first ones).
    for _ in range(Settings.model_fields["sign_in_failures_per_account"].default):
        await browser.post("/settings", {**takeovers[1], "current_password": "another guess"})
    throttled = await browser.post("/settings", {**takeovers[1], "current_password": "guess"})
    assert throttled.status_code == 429
    assert "retry-after" in throttled.headers


async def test_signing_out_ends_this_browsers_session_for_good(
    browser: Browser, other_browser: Browser, browsers: Callable[..., httpx.AsyncClient]
) -> None:
    await browser.sign_up("ada")
    await other_browser.get("/login")
    await other_browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    copied = browser.http.cookies["pressroom_session"]
    signed_out = await browser.post("/logout")
    assert signed_out.status_code == 303
    assert "Sign out" not in (await browser.get("/")).text
    # A copy of the cookie taken before signs nobody in, on the site or on the API.
    browser.http.cookies.set("pressroom_session", copied)
    assert "Sign out" not in (await browser.get("/")).text
    app = browsers()
    refused = await app.get("/api/user", headers={"Authorization": f"Token {copied}"})
    assert refused.status_code == 401
    # The other browser is still signed in.
    assert "Sign out" in (await other_browser.get("/")).text


async def test_signing_out_everywhere_ends_every_session(
    browser: Browser, other_browser: Browser, browsers: Callable[..., httpx.AsyncClient]
) -> None:
    client = browsers()  # an app on the API, signed in with a token
    await browser.sign_up("ada")
    await other_browser.get("/login")
    await other_browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    login = {"user": {"email": "ada@example.org", "password": "correct horse battery staple"}}
    app_token = (await client.post("/api/users/login", json=login)).json()["user"]["token"]
    app_auth = {"Authorization": f"Token {app_token}"}
    assert (await client.get("/api/user", headers=app_auth)).is_success

    settings = await browser.get("/settings")
    assert 'action="/logout/everywhere"' in settings.text
    ended = await browser.post("/logout/everywhere")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/login"
    # This browser, the other one and the app are all signed out.
    assert "Sign out" not in (await browser.get("/")).text
    assert "Sign out" not in (await other_browser.get("/")).text
    assert (await client.get("/api/user", headers=app_auth)).status_code == 401
    # Signing in again works.
    await browser.get("/login")
    back = await browser.post(
        "/login", {"email": "ada@example.org", "password": "correct horse battery staple"}
    )
    assert back.status_code == 303
    assert "Sign out" in (await browser.get("/")).text
    assert "Sign out" not in (await other_browser.get("/")).text


async def test_signing_out_everywhere_needs_a_session_and_a_form_token(
    browser: Browser,
) -> None:
    await browser.get("/login")  # a page with a form, for its token
    signed_out = await browser.post("/logout/everywhere")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/login")
    await browser.sign_up("ada")
    forged = await browser.post("/logout/everywhere", {"csrf_token": "forged"})
    assert forged.status_code == 403
    assert "Sign out" in (await browser.get("/")).text


async def test_deleting_ones_account_takes_a_password_and_everything_with_it(
    browser: Browser, other_browser: Browser
) -> None:
    await other_browser.sign_up("bo")
    bos = await other_browser.write("Bo writes")
    await browser.sign_up("ada")
    await browser.write("Ada writes", tagList="goodbyes")
    await browser.write("Ada drafts", action="draft")
    await browser.get(f"/article/{bos}")
    await browser.post(f"/article/{bos}/comments", {"body": "A comment by Ada"})
    await browser.post(f"/article/{bos}/favorite", {"next": f"/article/{bos}"})
    await other_browser.get("/@ada")
    await other_browser.post("/@ada/follow", {"next": "/@ada"})

    settings = await browser.get("/settings")
    assert 'href="/settings/delete"' in settings.text
    confirm = await browser.get("/settings/delete")
    assert confirm.status_code == 200
    assert "1 published, 0 scheduled and 1 draft articles" in confirm.text
    assert "1 comment you wrote and 1 favorite you gave" in confirm.text
    assert "your 1 follower" in confirm.text

    wrong = await browser.post("/settings/delete", {"password": "not my password"})
    assert wrong.status_code == 401
    assert 'id="password-error">is wrong' in wrong.text
    assert (await browser.get("/@ada")).status_code == 200

    deleted = await browser.post("/settings/delete", {"password": PASSWORD})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/?account=deleted"
    home = await browser.get("/?account=deleted")
    assert "Your account is deleted" in home.text
    assert "Sign out" not in home.text
    assert (await browser.get("/@ada")).status_code == 404
    assert "Ada writes" not in (await browser.get("/tags/goodbyes")).text
    assert "Ada writes" not in (await browser.get("/")).text
    bos_page = await other_browser.get(f"/article/{bos}")
    assert "A comment by Ada" not in bos_page.text
    assert "Bo writes" in bos_page.text
    assert "Sign out" in bos_page.text


async def test_a_stolen_session_cannot_guess_the_password_to_delete_the_account(
    browser: Browser,
) -> None:
    await browser.sign_up("ada")
    await browser.get("/settings/delete")
    for _ in range(5):
        guess = await browser.post("/settings/delete", {"password": "guess"})
        assert guess.status_code == 401
    throttled = await browser.post("/settings/delete", {"password": PASSWORD})
    assert throttled.status_code == 429
    assert "Too many failed sign-ins" in throttled.text
    assert int(throttled.headers["retry-after"]) > 0
    assert (await browser.get("/@ada")).status_code == 200


async def test_pagination_links(browser: Browser) -> None:
    await browser.sign_up("ada")
    for i in range(12):
        await browser.write(f"Numbered {i:02}", tagList="many")
    first = await browser.get("/tags/many")
    assert "Page 1 of 2" in first.text
    assert 'href="/tags/many?page=2"' in first.text
    second = await browser.get("/tags/many?page=2")
    assert "Numbered 00" in second.text
    assert "Numbered 11" not in second.text
    assert (await browser.get("/?page=0")).status_code == 422


async def test_a_tag_with_a_slash_has_its_page_and_feeds(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Pointers", tagList="c/c++")
    article = await browser.get(f"/article/{slug}")
    link = re.search(r'class="tag" href="([^"]+)"', article.text)
    assert link is not None
    for path in (link.group(1), "/tags/c%2Fc%2B%2B"):
        page = await browser.get(path)
        assert page.status_code == 200, path
        assert "Pointers" in page.text
        assert "<h1>c/c++</h1>" in page.text
    for kind in ("feed.xml", "atom.xml"):
        feed = await browser.http.get(f"/tags/c%2Fc%2B%2B/{kind}")
        assert feed.status_code == 200
        assert f"/article/{slug}" in feed.text
        assert "tagged c/c++" in feed.text
    assert (await browser.get("/tags/")).status_code == 404


def _hrefs(response: httpx.Response, pattern: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(pattern, response.text)]


async def _shows_tag_page(browser: Browser, path: str, tag: str) -> httpx.Response:
    page = await browser.get(path)
    assert page.status_code == 200, path
    assert page.headers["content-type"].startswith("text/html"), path
    assert f"<h1>{html.escape(tag)}</h1>" in page.text, path
    head = await browser.http.head(path)
    assert head.status_code == 200, path
    assert head.headers["content-type"].startswith("text/html"), path
    return page


async def _is_tag_feed(browser: Browser, path: str, tag: str) -> str:
    feed = await browser.http.get(path)
    assert feed.status_code == 200, path
    assert feed.headers["content-type"].startswith(("application/rss+xml", "application/atom+xml"))
    assert f"articles tagged {html.escape(tag)}<" in feed.text, path
    head = await browser.http.head(path)
    assert head.status_code == 200, path
    assert head.headers["content-type"] == feed.headers["content-type"], path
    return feed.text


async def test_a_tag_named_like_a_feed_has_its_page_and_its_own_feeds(browser: Browser) -> None:
    """The site sends a tag's slashes as %2F; a slash sent as one before feed.xml starts the
    feed's name, so /tags/c/feed.xml is the feed of the tag c."""
    await browser.sign_up("ada")
    slug = await browser.write("Syndication", tagList="c/feed.xml")
    article = await browser.get(f"/article/{slug}")
    assert _hrefs(article, r'class="tag" href="([^"]+)"') == ["/tags/c%2Ffeed.xml"]
    page = await _shows_tag_page(browser, "/tags/c%2Ffeed.xml", "c/feed.xml")
    assert "Syndication" in page.text
    assert 'href="http://test/tags/c%2Ffeed.xml"' in page.text  # its canonical address
    # Its tag links, its feed's (in the head and in the header), lead to it and its feed.
    links = set(_hrefs(page, r'href="(/tags/[^"]+)"'))
    assert links == {"/tags/c%2Ffeed.xml", "/tags/c%2Ffeed.xml/feed.xml"}
    for feed in ("/tags/c%2Ffeed.xml/feed.xml", "/tags/c%2Ffeed.xml/atom.xml"):
        assert f"/article/{slug}" in await _is_tag_feed(browser, feed, "c/feed.xml")
    for feed in ("/tags/c/feed.xml", "/tags/c/atom.xml"):
        assert f"/article/{slug}" not in await _is_tag_feed(browser, feed, "c")
    home = await browser.get("/")
    assert 'class="tag" href="/tags/c%2Ffeed.xml"' in home.text


async def test_a_tag_with_a_slash_is_reached_by_old_links_and_new(browser: Browser) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Pipelines", tagList="ci/cd")
    article = await browser.get(f"/article/{slug}")
    assert _hrefs(article, r'class="tag" href="([^"]+)"') == ["/tags/ci%2Fcd"]
    for path in ("/tags/ci%2Fcd", "/tags/ci/cd"):  # the link, and one written before it
        assert "Pipelines" in (await _shows_tag_page(browser, path, "ci/cd")).text
    for feed in ("/tags/ci%2Fcd/feed.xml", "/tags/ci%2Fcd/atom.xml", "/tags/ci/cd/feed.xml"):
        assert f"/article/{slug}" in await _is_tag_feed(browser, feed, "ci/cd")


async def test_a_tag_pages_links_keep_the_slash_of_its_name(browser: Browser) -> None:
    await browser.sign_up("ada")
    for i in range(reading.PAGE_SIZE + 1):
        await browser.write(f"Stage {i:02}", tagList="c/feed.xml")
    first = await browser.get("/tags/c%2Ffeed.xml")
    [after] = _hrefs(first, r'rel="next" href="([^"]+)"')
    assert after == "/tags/c%2Ffeed.xml?page=2"
    second = await _shows_tag_page(browser, after, "c/feed.xml")
    assert "Stage 00" in second.text
    assert _hrefs(second, r'rel="prev" href="([^"]+)"') == ["/tags/c%2Ffeed.xml?page=1"]
    # Favoriting from the second page returns to it, not to a feed.
    assert set(_hrefs(second, r'name="next" value="([^"]+)"')) == {"/tags/c%2Ffeed.xml?page=2"}
    # A page past the last leads to its last page, not to the feed of the tag c; and it is
    # a page, with the page's own security policy (styles and scripts), not a feed's.
    past = await browser.get("/tags/c%2Ffeed.xml?page=9")
    assert past.headers["location"] == "/tags/c%2Ffeed.xml?page=2"
    assert second.headers["content-security-policy"] == PAGE_POLICY
    feed = await browser.http.get("/tags/c/feed.xml")
    assert feed.headers["content-security-policy"] == STRICT_POLICY


async def test_a_page_past_the_last_leads_to_the_last(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("a?b")
    for i in range(11):
        await browser.write(f"Searchable {i:02}", tagList="c/c++")
    await other_browser.sign_up("bob")
    pasts = {
        "/tags/c%2Fc%2B%2B?page=9": "/tags/c%2Fc%2B%2B?page=2",
        "/@a%3Fb?tab=articles&page=3": "/@a%3Fb?tab=articles&page=2",
        "/search?q=nothing+%26+more&page=5": "/search?q=nothing+%26+more&page=1",
        "/search?q=&page=2": "/search?q=&page=1",
        "/?page=10000": "/?page=2",
    }
    for path, last in pasts.items():
        response = await other_browser.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == last, path
    # Unfavoriting the only article of a favorites page returns to a page that still exists.
    slug = await browser.write("Liked")
    await other_browser.post(f"/article/{slug}/favorite")
    back = "/@bob?tab=favorites&page=1"
    unliked = await other_browser.post(f"/article/{slug}/unfavorite", {"next": back})
    assert (await other_browser.get(unliked.headers["location"])).status_code == 200
    assert (await browser.get("/dashboard?status=draft&page=2")).headers["location"] == (
        "/dashboard?status=draft&page=1"
    )


async def test_a_signed_out_post_returns_to_its_page_after_sign_in(
    browser: Browser, other_browser: Browser
) -> None:
    await browser.sign_up("ada")
    slug = await browser.write("Liked later")
    await other_browser.sign_up("bob")
    await other_browser.get(f"/article/{slug}")
    # The session ends (it expired) while the page with its forms is still open.
    other_browser.http.cookies.delete("pressroom_session")
    response = await other_browser.post(
        f"/article/{slug}/favorite", headers={"Referer": f"http://test/article/{slug}"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/article/{slug}"
    foreign = await other_browser.post(
        f"/article/{slug}/favorite", headers={"Referer": "https://evil.example/x"}
    )
    assert foreign.headers["location"] == "/login?next=/"
