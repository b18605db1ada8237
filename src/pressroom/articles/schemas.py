"""Article bodies, as the RealWorld spec names them (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from pressroom.api.fields import NotOnlyDots, OneSpelling, UtcDatetime, VisibleText
from pressroom.models.articles import DESCRIPTION_MAX, TITLE_MAX, ArticleStatus
from pressroom.models.tags import TAG_MAX
from pressroom.profiles.schemas import Profile

BODY_MAX = 200_000
TAGS_MAX = 20
PAGE_MAX = 100

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
