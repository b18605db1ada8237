"""Which writing systems a name uses, to refuse names that mix them as impersonators do.

Latin "a" and Cyrillic "a" (U+0430) look the same, so "paul" spelled with the Cyrillic one
reads as "paul" and is another name. Unicode's security mechanisms (UTS #39, section 5) answer
with restriction levels; usernames are held to its "highly restrictive" one:

- every letter from one script (digits, punctuation and combining marks go with any), or
- Latin with the scripts written beside it in one language: Han, Hiragana and Katakana
  (Japanese), Han and Hangul (Korean), Han and Bopomofo (Chinese).

Each character's scripts are its Script_Extensions, from ``fontTools.unicodedata``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from fontTools.unicodedata import script_extension

# Common and Inherited characters go with any script, and so do those of no script at all
# (Unknown: noncharacters, code points not yet assigned), which pass for no letter.
_ANY = frozenset({"Zyyy", "Zinh", "Zzzz"})
# Han and the scripts written with it count as the scripts of the languages that use them
# together: Japanese (Jpan), Korean (Kore), Han with Bopomofo (Hanb).
_WRITTEN_WITH = {
    "Hani": frozenset({"Hanb", "Jpan", "Kore"}),
    "Hira": frozenset({"Jpan"}),
    "Kana": frozenset({"Jpan"}),
    "Hang": frozenset({"Kore"}),
    "Bopo": frozenset({"Hanb"}),
}
_LATIN = "Latn"
_WRITTEN_BESIDE_LATIN = frozenset({"Jpan", "Kore", "Hanb"})


def _scripts(character: str) -> frozenset[str] | None:
    """The scripts a character belongs to, augmented as above; None for any script."""
    found: set[str] = script_extension(character)
    if found & _ANY:
        return None
    augmented = set(found)
    for script in found:
        augmented |= _WRITTEN_WITH.get(script, frozenset())
    return frozenset(augmented)


def _shared(characters: Iterable[str]) -> frozenset[str] | None:
    """The scripts every one of ``characters`` belongs to (UTS #39's resolved script set);
    None when each may belong to any."""
    shared: frozenset[str] | None = None
    for character in characters:
        scripts = _scripts(character)
        if scripts is not None:
            shared = scripts if shared is None else shared & scripts
    return shared


def mixes_scripts(text: str) -> bool:
    """Whether ``text`` mixes scripts beyond UTS #39's "highly restrictive" level."""
    everything = _shared(text)
    if everything is None or everything:
        return False
    beside_latin = _shared(c for c in text if _scripts(c) != frozenset({_LATIN}))
    return beside_latin is not None and not beside_latin & _WRITTEN_BESIDE_LATIN


# Scripts whose letters join their neighbours, where a zero-width non-joiner between two
# letters of one word is spelling (Persian writes it in everyday words).
_JOINING = frozenset({"Arab", "Syrc", "Nkoo", "Mand", "Mong", "Adlm", "Rohg"})
_ZERO_WIDTH_NON_JOINER, _ZERO_WIDTH_JOINER = "\u200c", "\u200d"
_VIRAMA = 9  # the canonical combining class of the scripts of India's vowel killers


def joiner_is_spelling(text: str, index: int) -> bool:
    """Whether the zero-width (non-)joiner at ``index`` is part of how its word is written,
    as IDNA allows it (RFC 5892, appendix A): either one after a virama, or a non-joiner
    between two letters of a joining script. Anywhere else it only hides in a name."""
    before = text[index - 1] if index > 0 else ""
    if before and unicodedata.combining(before) == _VIRAMA:
        return text[index] in (_ZERO_WIDTH_NON_JOINER, _ZERO_WIDTH_JOINER)
    if text[index] != _ZERO_WIDTH_NON_JOINER or not before or index + 1 == len(text):
        return False
    return all(
        unicodedata.category(letter).startswith("L") and script_extension(letter) & _JOINING
        for letter in (before, text[index + 1])
    )
