"""Validation splits carved by document, across collection batches.

Document ids in these corpora follow collection batches (and so sources and months). Holding out the
highest ids of each language validates on later batches than the model saw, like the held-out sets do;
a random split flatters by up to 0.15.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def natural_key(doc_id: str) -> tuple[tuple[int, str], ...]:
    """Sort key treating digit runs as numbers: ``EN_UA_9`` < ``EN_UA_10``."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.findall(r"\d+|\D+", doc_id))


def split_by_id(
    ids: Iterable[str], groups: Sequence[str] | None = None, val_fraction: float = 0.25
) -> tuple[set[str], set[str]]:
    """(train ids, validation ids): per group (language), the top ``val_fraction`` of ids in id order."""
    ids = list(ids)
    groups = list(groups) if groups is not None else ["all"] * len(ids)
    train: set[str] = set()
    val: set[str] = set()
    for g in sorted(set(groups)):
        members = sorted((i for i, gg in zip(ids, groups, strict=True) if gg == g), key=natural_key)
        cut = len(members) - max(1, round(len(members) * val_fraction)) if len(members) > 1 else len(members)
        train.update(members[:cut])
        val.update(members[cut:])
    return train, val
