"""What readers type into a search box, understood the same way on every database.

The syntax is the one PostgreSQL's ``websearch_to_tsquery`` accepts and search engines
taught everyone: words are all required, ``"a phrase"`` keeps its words together, ``OR``
offers alternatives and ``-word`` excludes. PostgreSQL parses it itself; SQLite's FTS5 and
MariaDB's boolean mode get it rewritten in their own syntax, from words only, so no
operator a reader types can break the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """A word, or several that must appear side by side."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    """Every clause must match; a clause matches when any of its terms does."""

    required: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: a query of punctuation, or of exclusions alone."""
        return not self.required


def parse(text: str) -> SearchQuery:
    """Read ``text`` as web-search syntax; what cannot be a word is dropped."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False  # the previous token was OR
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None and bare.upper() == "OR" and clauses:
            joining = True
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(_WORD.findall(phrase if phrase is not None else bare))
        if not words:
            continue
        term = Term(words)
        if negated:
            excluded.append(term)
        elif joining:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        joining = False
    return SearchQuery(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def _fts5_term(term: Term) -> str:
    # Inside double quotes FTS5 treats everything as text to tokenize, never as syntax.
    return '"' + " ".join(term.words) + '"'


def to_fts5(query: SearchQuery) -> str:
    """The FTS5 ``MATCH`` expression: ``"a" AND ("b" OR "c") NOT "d"``."""
    clauses = [
        "(" + " OR ".join(_fts5_term(term) for term in clause) + ")" for clause in query.required
    ]
    expression = " AND ".join(clauses)
    for term in query.excluded:
        expression += f" NOT {_fts5_term(term)}"
    return expression


# InnoDB indexes no word shorter than innodb_ft_min_token_size (3) and none of its default
# stopwords; requiring one of them would match nothing, so they are left out of the query,
# as PostgreSQL leaves out its own stopwords.
INNODB_MIN_WORD = 3
_INNODB_STOPWORD_LIST = """
    a about an are as at be by com de en for from how i in is it la of on or that the this to
    was what when where who will with und www
"""
INNODB_STOPWORDS = frozenset(_INNODB_STOPWORD_LIST.split())


def _innodb_words(term: Term) -> list[str]:
    return [
        word
        for word in term.words
        if len(word) >= INNODB_MIN_WORD and word.lower() not in INNODB_STOPWORDS
    ]


def _innodb_term(term: Term) -> str | None:
    words = _innodb_words(term)
    if not words:
        return None
    return words[0] if len(words) == 1 else '"' + " ".join(words) + '"'


def to_innodb_boolean(query: SearchQuery) -> str:
    """MariaDB/MySQL boolean mode: ``+a +(b c) -d``; empty when nothing is searchable."""
    parts: list[str] = []
    for clause in query.required:
        terms = [t for t in (_innodb_term(term) for term in clause) if t]
        if not terms:
            continue
        parts.append("+" + terms[0] if len(terms) == 1 else "+(" + " ".join(terms) + ")")
    if not parts:
        return ""
    parts.extend("-" + t for t in (_innodb_term(term) for term in query.excluded) if t)
    return " ".join(parts)
