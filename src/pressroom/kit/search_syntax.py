"""What readers type into a search box, understood the same way on every database.

The syntax is the one PostgreSQL's ``websearch_to_tsquery`` reads and search engines
taught everyone: words are all required, ``"a phrase"`` keeps its words together, ``OR``
offers alternatives and ``-word`` excludes. It is read here once and rewritten for each
database in its own syntax (PostgreSQL's ``to_tsquery``, SQLite's FTS5, MariaDB's boolean
mode), from words only, so no operator a reader types can break the query and no database
reads a stray one its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quote always starts or ends a phrase, even inside a word, as in websearch_to_tsquery.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')
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


def _only_or(words: tuple[str, ...]) -> bool:
    # Also true of no words at all: punctuation, a lone "-", an empty phrase.
    return all(word.lower() == "or" for word in words)


def parse(text: str) -> SearchQuery:
    """Read ``text`` as web-search syntax; what cannot be a word is dropped.

    ``OR`` (in any case) joins the word before it to the one after it, and nothing else:
    leading, trailing, doubled, or next to an exclusion it is ignored. The word "or" is
    never looked for, quoted or excluded either, since PostgreSQL and InnoDB do not index
    it (a stopword to both) and SQLite alone would find it.
    """
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    after_word = False  # the last clause may take an alternative: no exclusion since
    joining = False  # and an OR came since
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(_WORD.findall(phrase if phrase is not None else bare))
        if _only_or(words):
            is_operator = bool(words) and bare is not None and not negated
            joining = joining or (is_operator and after_word)
            continue
        term = Term(words)
        if negated:
            excluded.append(term)
            after_word = joining = False
        elif joining:
            clauses[-1].append(term)
            joining = False
        else:
            clauses.append([term])
            after_word = True
    return SearchQuery(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def _tsquery_term(term: Term) -> str:
    # One quoted operand, which PostgreSQL splits into side-by-side lexemes (stemmed, its
    # stopwords left out) as it splits the text it indexes. Words hold no quote or
    # backslash, the only characters special inside the quotes.
    return "'" + " ".join(term.words) + "'"


def to_tsquery(query: SearchQuery, *, exclusions: bool = True) -> str:
    """PostgreSQL's ``to_tsquery`` syntax: ``('a') & ('b' | 'c') & !'d'``; without the
    exclusions, for ranking: ``ts_rank`` scores any match of a query with a ``!`` as
    almost nothing (1e-20), and all the matches would tie."""
    clauses = [
        "(" + " | ".join(_tsquery_term(term) for term in clause) + ")" for clause in query.required
    ]
    excluded = ["!" + _tsquery_term(term) for term in query.excluded] if exclusions else []
    return " & ".join(clauses + excluded)


# PostgreSQL's English stopwords (its tsearch_data/english.stop, Snowball's list). SQLite's
# FTS5 indexes every word; a term made only of these is left out of its query, so that
# SQLite finds what PostgreSQL finds: "the" alone finds nothing, "the cat" finds "cat".
_ENGLISH_STOPWORD_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
"""
ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORD_LIST.split())


def _fts5_term(term: Term) -> str | None:
    if all(word.lower() in ENGLISH_STOPWORDS for word in term.words):
        return None
    # Inside double quotes FTS5 treats everything as text to tokenize, never as syntax. A
    # phrase keeps its stopwords, so its words still have to stand side by side.
    return '"' + " ".join(term.words) + '"'


def to_fts5(query: SearchQuery) -> str:
    """The FTS5 ``MATCH`` expression: ``"a" AND ("b" OR "c") NOT "d"``; empty when every
    required term is a stopword."""
    clauses: list[str] = []
    for clause in query.required:
        terms = [t for t in (_fts5_term(term) for term in clause) if t]
        if terms:
            clauses.append("(" + " OR ".join(terms) + ")")
    if not clauses:
        return ""
    expression = " AND ".join(clauses)
    for excluded in (t for t in (_fts5_term(term) for term in query.excluded) if t):
        expression += f" NOT {excluded}"
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
