"""The floor must answer exactly what pressroom answers, or the comparison means nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from load import PAGE_SIZE, Publication


def sample_paths(publication: Publication, samples: int = 20) -> list[str]:
    """Pages of S1 and requests of S2 spread over the whole publication, and two misses."""
    last_page = (publication.count - 1) // PAGE_SIZE * PAGE_SIZE
    offsets = sorted({0, PAGE_SIZE, last_page // 2 // PAGE_SIZE * PAGE_SIZE, last_page})
    paths = [f"/api/articles?limit={PAGE_SIZE}&offset={offset}" for offset in offsets]
    paths += [
        f"/api/articles?limit={PAGE_SIZE}&offset={publication.count + PAGE_SIZE}",
        "/api/articles",
        "/api/tags",
    ]
    step = max(1, len(publication.slugs) // samples)
    for index in [*range(0, len(publication.slugs), step), len(publication.slugs) - 1]:
        slug = quote(publication.slugs[index], safe="")
        author = quote(publication.authors[index], safe="")
        paths += [f"/api/articles/{slug}", f"/api/articles/{slug}/comments"]
        paths.append(f"/api/profiles/{author}")
    return [*paths, "/api/articles/no-such-article", "/api/profiles/no-such-reader"]


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every place where two parsed JSON documents differ, as ``path: expected != actual``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(expected.keys() | actual.keys()):
            place = f"{where}.{key}"
            if key not in actual:
                found.append(f"{place}: missing from the floor")
            elif key not in expected:
                found.append(f"{place}: only in the floor")
            else:
                found += differences(expected[key], actual[key], place)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items != {len(actual)} items"]
        found = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found += differences(left, right, f"{where}[{index}]")
        return found
    # JSON has no int/bool distinction to lean on in Python: True == 1 must not pass.
    if type(expected) is not type(actual) or expected != actual:
        return [f"{where or '.'}: pressroom {_short(expected)} != floor {_short(actual)}"]
    return []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def compare(pressroom: str, floor: str, paths: list[str]) -> list[str]:
    """Problems found asking both servers for each path; empty when every answer matches."""
    problems = []
    with httpx.Client(timeout=30) as client:
        for path in paths:
            ours, theirs = client.get(pressroom + path), client.get(floor + path)
            if ours.status_code != theirs.status_code:
                problems.append(f"{path}: status {ours.status_code} != {theirs.status_code}")
                continue
            found = differences(ours.json(), theirs.json())
            problems += [f"{path} {difference}" for difference in found]
    return problems
