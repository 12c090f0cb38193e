"""Canonical names of the actors news about the war in Ukraine and climate change names most, with aliases.

Our own table: each canonical name, its NER-like type, and lower-case alias strings in en, ru, uk, bg, pt (and
a few hi). An alias matches a whole mention (case-insensitive, after normalisation), or the mention's head
word for the demonyms (``American officials`` -> United States). Capitals stand for their state only as
metonyms (``Washington``, ``Kremlin``, ``Brussels``), which is how news uses them.
"""

from __future__ import annotations

import re
import unicodedata

# canonical name -> (type, aliases)
ACTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "United States": (
        "GPE",
        (
            "united states",
            "united states of america",
            "the united states",
            "us",
            "u.s.",
            "u.s.a.",
            "usa",
            "america",
            "washington",
            "white house",
            "american",
            "americans",
            "the us",
            "the u.s.",
            "сша",
            "америка",
            "вашингтон",
            "белый дом",
            "американцы",
            "щати",
            "америка",
            "сащ",
            "eua",
            "estados unidos",
            "washington dc",
            "américa",
            "americanos",
            "amerika",
            "अमेरिका",
            "संयुक्त राज्य अमेरिका",
        ),
    ),
    "Russia": (
        "GPE",
        (
            "russia",
            "russian federation",
            "the kremlin",
            "kremlin",
            "moscow",
            "russians",
            "russian",
            "россия",
            "россии",
            "россию",
            "рф",
            "российская федерация",
            "кремль",
            "москва",
            "русия",
            "руснаци",
            "rússia",
            "moscou",
            "kremlin",
            "росія",
            "रूस",
            "मास्को",
            "kremlin's",
        ),
    ),
    "Ukraine": (
        "GPE",
        (
            "ukraine",
            "kyiv",
            "kiev",
            "ukrainians",
            "ukrainian",
            "the ukraine",
            "украина",
            "украины",
            "украину",
            "киев",
            "україна",
            "київ",
            "украйна",
            "ucrânia",
            "kiev",
            "ucranianos",
            "यूक्रेन",
            "कीव",
            "kyiv regime",
            "kiev regime",
            "киевский режим",
        ),
    ),
    "European Union": (
        "ORG",
        (
            "eu",
            "european union",
            "the eu",
            "brussels",
            "ес",
            "евросоюз",
            "европейский союз",
            "брюксел",
            "европейския съюз",
            "ue",
            "união europeia",
            "यूरोपीय संघ",
            "брюссель",
            "european commission",
        ),
    ),
    "NATO": (
        "ORG",
        (
            "nato",
            "north atlantic treaty organization",
            "the alliance",
            "нато",
            "otan",
            "नाटो",
            "north atlantic alliance",
            "североатлантический альянс",
        ),
    ),
    "United Nations": ("ORG", ("un", "united nations", "the un", "u.n.", "оон", "onu", "संयुक्त राष्ट्र", "оон-")),
    "China": (
        "GPE",
        (
            "china",
            "beijing",
            "prc",
            "chinese",
            "китай",
            "пекин",
            "китай",
            "pequim",
            "चीन",
        ),
    ),
    "United Kingdom": (
        "GPE",
        (
            "uk",
            "united kingdom",
            "britain",
            "great britain",
            "london",
            "british",
            "the uk",
            "великобритания",
            "британия",
            "лондон",
            "reino unido",
            "ब्रिटेन",
            "англия",
        ),
    ),
    "Germany": ("GPE", ("germany", "berlin", "german", "германия", "германии", "alemanha", "जर्मनी")),
    "France": ("GPE", ("france", "paris", "french", "франция", "frança", "फ्रांस")),
    "Poland": ("GPE", ("poland", "warsaw", "polish", "польша", "полша", "polônia", "polónia")),
    "Israel": ("GPE", ("israel", "israeli", "израиль", "израел", "इज़राइल", "इजरायल")),
    "India": ("GPE", ("india", "new delhi", "भारत", "इंडिया", "индия", "índia")),
    "Vladimir Putin": (
        "PERSON",
        (
            "putin",
            "vladimir putin",
            "president putin",
            "путин",
            "владимир путин",
            "путина",
            "путину",
            "путін",
            "putin's",
            "пу́тин",
            "पुतिन",
            "व्लादिमीर पुतिन",
        ),
    ),
    "Volodymyr Zelensky": (
        "PERSON",
        (
            "zelensky",
            "zelenskyy",
            "zelenskiy",
            "zelenski",
            "volodymyr zelensky",
            "volodymyr zelenskyy",
            "зеленский",
            "зеленского",
            "владимир зеленский",
            "зеленський",
            "зеленски",
            "zelensky's",
            "ज़ेलेंस्की",
            "जेलेंस्की",
        ),
    ),
    "Joe Biden": ("PERSON", ("biden", "joe biden", "president biden", "байден", "байдън", "बाइडेन", "बिडेन")),
    "Donald Trump": ("PERSON", ("trump", "donald trump", "трамп", "тръмп", "ट्रंप", "ट्रम्प")),
    "Ukrainian armed forces": (
        "ORG",
        (
            "afu",
            "ukrainian army",
            "ukrainian armed forces",
            "armed forces of ukraine",
            "всу",
            "ву",
            "зсу",
        ),
    ),
    "Russian armed forces": (
        "ORG",
        (
            "russian army",
            "russian troops",
            "russian forces",
            "russian military",
            "вс рф",
            "российская армия",
        ),
    ),
    "Hamas": ("ORG", ("hamas", "хамас", "हमास")),
    "IPCC": ("ORG", ("ipcc", "intergovernmental panel on climate change", "мгеик")),
    "Bill Gates": ("PERSON", ("gates", "bill gates", "билл гейтс", "бил гейтс")),
}

# demonyms and adjectives that stand for the state when they head a phrase of officials, forces or authorities
STATE_HEADS = (
    "officials",
    "government",
    "authorities",
    "administration",
    "leadership",
    "forces",
    "troops",
    "army",
    "military",
    "regime",
    "side",
    "politicians",
    "diplomats",
    "elites",
)
_DEMONYMS = {
    "american": "United States",
    "u.s.": "United States",
    "us": "United States",
    "russian": "Russia",
    "ukrainian": "Ukraine",
    "kremlin": "Russia",
    "kiev": "Ukraine",
    "kyiv": "Ukraine",
    "chinese": "China",
    "british": "United Kingdom",
    "german": "Germany",
    "french": "France",
    "polish": "Poland",
    "israeli": "Israel",
    "washington": "United States",
    "european": "European Union",
    "eu": "European Union",
}
_WS = re.compile(r"\s+")
_STRIP = " \t\n\"'“”‘’«»„()[],.;:!?"
_DETERMINERS = ("the ", "a ", "an ")


def normalise(name: str) -> str:
    """Lower case, NFC, one space between words, quotes and punctuation trimmed, ``'s`` dropped."""
    s = _WS.sub(" ", unicodedata.normalize("NFC", name)).strip(_STRIP).lower()
    for suffix in ("'s", "’s"):
        s = s.removesuffix(suffix)
    return s


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, (_, aliases) in ACTORS.items():
        index[normalise(canonical)] = canonical
        for alias in aliases:
            index.setdefault(normalise(alias), canonical)
    return index


ALIAS_INDEX: dict[str, str] = _build_index()


def canonical_actor(mention: str) -> str | None:
    """The canonical actor a mention names, or ``None``: whole-string alias, then without a determiner, then a
    demonym heading a state noun (``Russian officials``, ``the Kiev regime``)."""
    s = normalise(mention)
    if s in ALIAS_INDEX:
        return ALIAS_INDEX[s]
    for det in _DETERMINERS:
        if s.startswith(det) and s[len(det) :] in ALIAS_INDEX:
            return ALIAS_INDEX[s[len(det) :]]
    words = s.removeprefix("the ").split()
    if len(words) == 2 and words[1] in STATE_HEADS and words[0] in _DEMONYMS:
        return _DEMONYMS[words[0]]
    return None


def actor_type(canonical: str) -> str:
    """The NER-like type of a canonical actor (``GPE``, ``ORG``, ``PERSON``); empty when unknown."""
    return ACTORS[canonical][0] if canonical in ACTORS else ""


def is_demonym(word: str) -> bool:
    """A bare nationality adjective (``Russian``, ``American``): names the state only before a state noun."""
    w = normalise(word)
    return w in _DEMONYMS and w.endswith(("an", "ish", "ese", "li", "ch"))


# The two camps of the war in Ukraine, for features that let a linear head read "this article's stance
# toward this camp" (the side times the article's embedding): +1 Russia's, -1 Ukraine's and its backers'.
RUSSIA_CAMP = frozenset({"Russia", "Vladimir Putin", "Russian armed forces"})
UKRAINE_CAMP = frozenset(
    {
        "Ukraine",
        "Volodymyr Zelensky",
        "United States",
        "NATO",
        "European Union",
        "Joe Biden",
        "United Kingdom",
        "Germany",
        "France",
        "Poland",
        "Ukrainian armed forces",
    }
)


def camp(canonical: str) -> float:
    """+1 for Russia's camp, -1 for Ukraine's and its backers', 0 otherwise."""
    return 1.0 if canonical in RUSSIA_CAMP else -1.0 if canonical in UKRAINE_CAMP else 0.0
