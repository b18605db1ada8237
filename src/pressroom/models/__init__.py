"""Every ORM model. Importing this package registers every table on ``Base.metadata``."""

from pressroom.models.articles import Article
from pressroom.models.comments import Comment
from pressroom.models.links import article_tags, favorites, follows
from pressroom.models.sign_ins import FailedSignIn
from pressroom.models.site import ScheduledHour, SiteTotals, TagScheduledHour
from pressroom.models.tags import Tag
from pressroom.models.tokens import RevokedToken
from pressroom.models.users import User

__all__ = [
    "Article",
    "Comment",
    "FailedSignIn",
    "RevokedToken",
    "ScheduledHour",
    "SiteTotals",
    "Tag",
    "TagScheduledHour",
    "User",
    "article_tags",
    "favorites",
    "follows",
]
