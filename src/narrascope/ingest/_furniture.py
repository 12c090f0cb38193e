"""Site furniture: whole lines that are page chrome, not article text ("Leave a Reply", "Back to top", a
cookie notice, "Share"). The stored text of an article never holds them, whether it came as plain text
(:func:`drop_furniture`) or as a page (``extract.html_to_text`` runs :func:`remove_furniture`)."""

from __future__ import annotations

import re

# Whole lines that are site furniture, not article text (matched case-insensitively on the stripped line).
_FURNITURE = re.compile(
    r"""^(?:
      leave\ a\ (?:reply|comment)\b.*
    | (?:post|submit)\ comment
    | your\ email\ address\ will\ not\ be\ published\b.*
    | required\ fields\ are\ marked\b.*
    | back\ to\ top(?:\ button)?\W*
    | (?:share|share\ this(?:\ article|\ story|\ post)?)\W*
    | share\ (?:on|via|to)\ \w+\W*
    | (?:tweet|pin\ it|email|print)\W*
    | (?:we|this\ (?:site|website))\ uses?\ cookies\b.*
    | (?:accept|reject)\ (?:all\ )?cookies\W*
    | (?:sign\ up|subscribe)\ (?:for|to)\ (?:our|the)\ newsletter\b.*
    | related\ (?:posts|articles|stories)\W*
    | (?:read\ more|see\ also|you\ may\ also\ like|more\ from\ \w+)\W*
    | (?:advertisement|sponsored\ content)\W*
    | all\ rights\ reserved\W*
    | (?:©|\(c\)|copyright)\ .{0,80}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_MAX_CHARS = 300


def is_furniture(line: str) -> bool:
    """A whole line of site furniture ("Leave a Reply", "Back to top", a cookie notice, "Share")."""
    return len(line) <= _FURNITURE_MAX_CHARS and bool(_FURNITURE.match(line.strip()))


def remove_furniture(text: str) -> str:
    """Drop the lines of ``text`` that are site furniture ("Leave a Reply", "Back to top", cookie notices)."""
    kept = [line for line in text.split("\n") if not is_furniture(line)]
    return "\n".join(kept).strip("\n")


def drop_furniture(text: str) -> str:
    """The plain-text twin of :func:`remove_furniture`: the same lines dropped and nothing else changed
    (leading and trailing empty lines stay), so a text without furniture comes back as it was."""
    lines = text.split("\n")
    kept = [line for line in lines if not is_furniture(line)]
    return text if len(kept) == len(lines) else "\n".join(kept)
