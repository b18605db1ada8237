"""Article bodies, as the RealWorld spec names them (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from pressroom.api.fields import (
    TEXT_PARAMETER,
    NotOnlyDots,
    OneSpelling,
    ReadableName,
    UtcDatetime,
    VisibleText,
)
from pressroom.api.query import QueryModel
from pressroom.kit.pagination import INTEGER_MAX, MAX_CURSOR_LENGTH, PAGE_MAX
from pressroom.models.articles import DESCRIPTION_MAX, TITLE_MAX, ArticleStatus
from pressroom.models.tags import TAG_MAX
from pressroom.profiles.schemas import Profile

BODY_MAX = 200_000
TAGS_MAX = 20
SEARCH_MAX = 200
NAME_MAX = 255  # a username's or a tag's, as a filter

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    VisibleText,
]
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX),
    VisibleText,
]
# Not stripped: white space at either end can be Markdown (an indented code block).
Body = Annotated[str, StringConstraints(min_length=1, max_length=BODY_MAX), VisibleText]


TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TAG_MAX),
    VisibleText,
    NotOnlyDots,
    ReadableName,
    OneSpelling,
]


def distinct_tags(names: list[str]) -> list[str]:
    # The limit counts tags, not mentions: a tag named twice (once stripped) is one tag.
    distinct = list(dict.fromkeys(names))
    if len(distinct) > TAGS_MAX:
        raise ValueError(f"is too long (maximum is {TAGS_MAX} tags)")
    return distinct


TagList = Annotated[
    list[TagName],
    Field(description=f"At most {TAGS_MAX} distinct tags; a repeated one counts once."),
    AfterValidator(distinct_tags),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Publishing(_In):
    """Beside the spec: a draft, a schedule, or (the default) published at once."""

    status: ArticleStatus | None = None
    publishAt: UtcDatetime | None = None


class NewArticle(_Publishing):
    title: Title
    description: Description
    body: Body
    tagList: TagList | None = None


class UpdateArticle(_Publishing):
    title: Title | None = None
    description: Description | None = None
    body: Body | None = None
    tagList: TagList | None = None
    # Optimistic concurrency: the version (or updatedAt) the change was based on.
    version: int | None = None
    updatedAt: UtcDatetime | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> UpdateArticle:
        # As for a user: a change that names nothing to change is a mistake. A null is no
        # value; unknown fields, and the version a change is based on, change nothing.
        asked = (self.title, self.description, self.body, self.tagList)
        if all(value is None for value in (*asked, self.status, self.publishAt)):
            raise ValueError("needs at least one field to change")
        return self


class PublishRequest(_In):
    publishAt: UtcDatetime | None = None


class NewArticleRequest(_In):
    article: NewArticle


class UpdateArticleRequest(_In):
    article: UpdateArticle


class ArticleSummary(BaseModel):
    """An article in a list: everything but the body."""

    slug: str
    title: str
    description: str
    tagList: list[str]
    createdAt: str
    updatedAt: str
    favorited: bool
    favoritesCount: int
    author: Profile
    # Beside the spec; RealWorld clients ignore them.
    status: ArticleStatus
    publishedAt: str | None
    version: int
    readingTimeMinutes: int


class ArticleOut(ArticleSummary):
    body: str
    bodyHtml: str  # beside the spec: the body rendered from Markdown and sanitized


class ArticleResponse(BaseModel):
    article: ArticleOut


class ArticlesResponse(BaseModel):
    articles: list[ArticleSummary]
    articlesCount: int
    # Beside the spec: pass it back as ``cursor`` for the next page (null on the last one).
    nextCursor: str | None = None


# The query strings of the article lists (read by ``pressroom.api.query.QueryString``).

Limit = Annotated[int, Field(ge=1, le=PAGE_MAX, description="Page size.")]
Offset = Annotated[int, Field(ge=0, le=INTEGER_MAX, description="Articles to skip.")]
Cursor = Annotated[
    str | None,
    Field(
        max_length=MAX_CURSOR_LENGTH,
        # Documented only: a cursor that does not decode gets its own message.
        json_schema_extra={"pattern": "^[A-Za-z0-9_-]*$"},
        description="`nextCursor` of the previous page.",
    ),
]


def _name_filter(description: str) -> Any:
    return Field(max_length=NAME_MAX, json_schema_extra=TEXT_PARAMETER, description=description)


class PageQuery(QueryModel):
    """A page of a list: the feed, or one's own articles."""

    limit: Limit = 20
    offset: Offset = 0
    cursor: Cursor = None


class OwnArticlesQuery(PageQuery):
    status: ArticleStatus | None = Field(None, description="Only the articles in this state.")


class ArticlesQuery(PageQuery):
    """A page of the published articles, filtered or searched."""

    tag: Annotated[str | None, _name_filter("Only the articles with this tag.")] = None
    author: Annotated[str | None, _name_filter("Only this author's articles.")] = None
    favorited: Annotated[str | None, _name_filter("Only the articles this user favorited.")] = None
    q: Annotated[
        str | None,
        Field(
            max_length=SEARCH_MAX,
            json_schema_extra=TEXT_PARAMETER,
            description="Full-text search over title, description and body, most relevant "
            'first: words are all required, `"a phrase"`, `OR`, `-excluded`.',
        ),
    ] = None
