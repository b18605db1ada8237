"""Reading the search box: ``OR`` is an operator or nothing, never a word to look for."""

from __future__ import annotations

import pytest

from pressroom.kit.search_syntax import (
    SearchQuery,
    Term,
    parse,
    to_fts5,
    to_innodb_boolean,
    to_tsquery,
)


def _query(required: list[list[str]], excluded: tuple[str, ...] = ()) -> SearchQuery:
    """Each string a term, its words split on spaces."""
    return SearchQuery(
        tuple(tuple(Term(tuple(term.split())) for term in clause) for clause in required),
        tuple(Term(tuple(term.split())) for term in excluded),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cat OR dog", _query([["cat", "dog"]])),
        ("cat or dog", _query([["cat", "dog"]])),
        ("cat Or dog OR fish", _query([["cat", "dog", "fish"]])),
        ("cat OR dog fish", _query([["cat", "dog"], ["fish"]])),
        # Stray: leading, trailing, doubled, after or before an exclusion.
        ("OR cat", _query([["cat"]])),
        ("or cat", _query([["cat"]])),
        ("cat OR", _query([["cat"]])),
        ("cat OR OR dog", _query([["cat", "dog"]])),
        ("-rat OR cat", _query([["cat"]], ("rat",))),
        ("cat -rat OR dog", _query([["cat"], ["dog"]], ("rat",))),
        ("cat OR -rat", _query([["cat"]], ("rat",))),
        ("cat OR -rat dog", _query([["cat"], ["dog"]], ("rat",))),
        ("cat OR - dog", _query([["cat", "dog"]])),
        ('cat OR "" dog', _query([["cat", "dog"]])),
        ('cat OR"dog"', _query([["cat", "dog"]])),
        ("cat or, dog", _query([["cat", "dog"]])),
        # The word "or" itself is never looked for, nor excluded.
        ('"OR" cat', _query([["cat"]])),
        ('cat "or" dog', _query([["cat"], ["dog"]])),
        ("cat -or", _query([["cat"]])),
        ('cat -"OR"', _query([["cat"]])),
        # ...though it stays inside a phrase, where it keeps the words apart.
        ('"black or white"', _query([["black or white"]])),
        # Quotes delimit phrases wherever they are, and an unclosed one runs to the end.
        ('"big dog', _query([["big dog"]])),
        ('cat "big dog', _query([["cat"], ["big dog"]])),
        ('cat"big dog"', _query([["cat"], ["big dog"]])),
        ('-"big dog" cat', _query([["cat"]], ("big dog",))),
        ("--rat cat", _query([["cat"]], ("rat",))),
        ("cat-dog", _query([["cat dog"]])),
    ],
)
def test_or_joins_only_the_words_on_either_side(text: str, expected: SearchQuery) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text", ["", "OR", "or", "OR OR", '"OR"', "-", "- OR", '""', '"', "-cat OR -dog", "!!!"]
)
def test_operators_and_exclusions_alone_look_for_nothing(text: str) -> None:
    query = parse(text)
    assert query.is_empty
    assert to_innodb_boolean(query) == ""


def test_each_database_gets_the_same_query_in_its_own_syntax() -> None:
    query = parse('OR "lazy dog" cat OR mouse -rat OR x')
    assert to_tsquery(query) == "('lazy dog') & ('cat' | 'mouse') & ('x') & !'rat'"
    assert to_fts5(query) == '("lazy dog") AND ("cat" OR "mouse") AND ("x") NOT "rat"'
    assert to_innodb_boolean(query) == '+"lazy dog" +(cat mouse) -rat'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the", ""),
        ('"to be" OR the -it', ""),
        ("the cat", '("cat")'),
        ("THE Cat OR a", '("Cat")'),
        ('"the cat" -the', '("the cat")'),  # a phrase keeps its words side by side
        ("cat -the -dog", '("cat") NOT "dog"'),
    ],
)
def test_sqlite_leaves_out_the_stopwords_postgresql_leaves_out(text: str, expected: str) -> None:
    assert to_fts5(parse(text)) == expected


def test_postgresql_ranks_by_the_query_without_its_exclusions() -> None:
    query = parse('cat OR dog "lazy fox" -rat -"big mouse"')
    assert to_tsquery(query) == "('cat' | 'dog') & ('lazy fox') & !'rat' & !'big mouse'"
    assert to_tsquery(query, exclusions=False) == "('cat' | 'dog') & ('lazy fox')"
