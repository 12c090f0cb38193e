"""Training and validation of the mention tagger (``entities.tagger``) inside ``narrascope train framing``.

Every annotated article is read once by the reader (the same pass the framing features use); a token is
positive when it overlaps an annotated mention. The tagger is fit on the training part of the by-id split,
its cut-off is the one under which the finder with the tagger's caseless runs added has the best overlap F1
on the training documents, and on the held-out documents the finder alone and the finder with the tagger
are scored by overlap matching, per language (precision is a floor: the annotations cover only the entities
that carry a role). The shipped tagger is then refit on every article, with the same cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from narrascope.entities import overlap_counts
from narrascope.entities.finders import RawMention
from narrascope.entities.tagger import CUTS, MentionTagger, fit_tagger, token_labels


@dataclass
class DocTokens:
    """One annotated article as the tagger sees it: the reader's rows (float16 to save memory) and offsets,
    the annotated spans and what the finder found."""

    id: str
    lang: str
    text: str
    hidden: npt.NDArray[np.float16]
    offsets: npt.NDArray[np.int64]
    gold: list[tuple[int, int]]
    found: list[RawMention]

    @property
    def labels(self) -> npt.NDArray[np.int8]:
        return token_labels(self.offsets, self.gold)


def found_with(tagger: MentionTagger | None, d: DocTokens) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in d.found]
    if tagger is not None:
        spans += [(m.start, m.end) for m in tagger.extra_mentions(d.text, d.offsets, d.hidden, d.found)]
    return spans


def scores(tagger: MentionTagger | None, docs: Sequence[DocTokens]) -> dict[str, dict[str, float]]:
    """Per language and over all: overlap precision, recall and F1 of the finder (with ``tagger``'s runs)."""
    counts: dict[str, list[int]] = {}
    for d in docs:
        found = found_with(tagger, d)
        hp, hr = overlap_counts(found, d.gold)
        for lang in (d.lang, "all"):
            c = counts.setdefault(lang, [0, 0, 0, 0])
            c[0], c[1], c[2], c[3] = c[0] + hp, c[1] + len(found), c[2] + hr, c[3] + len(d.gold)
    out = {}
    for lang in [*sorted(k for k in counts if k != "all"), "all"] if counts else []:
        c = counts[lang]
        p, r = c[0] / max(1, c[1]), c[2] / max(1, c[3])
        out[lang] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "F1": round(2 * p * r / max(1e-9, p + r), 4),
            "mentions": float(c[3]),
        }
    return out


def choose_cut(tagger: MentionTagger, docs: Sequence[DocTokens]) -> float:
    """The cut-off with the best overall F1 of the finder and the tagger on ``docs`` (ties: the higher)."""
    best, best_cut = -1.0, CUTS[-1]
    for cut in sorted(CUTS, reverse=True):
        tagger.cut = cut
        f1 = scores(tagger, docs).get("all", {}).get("F1", 0.0)
        if f1 > best + 1e-9:
            best, best_cut = f1, cut
    tagger.cut = best_cut
    return best_cut


def train_tagger(
    docs: Sequence[DocTokens], is_train: Sequence[bool], c: float = 0.5
) -> tuple[MentionTagger, dict[str, dict[str, dict[str, float]]]]:
    """Fit on the training documents, validate on the rest, refit on all; returns the shipped tagger and the
    validation (``finder`` and ``finder+tagger``, per language)."""
    train = [d for d, t in zip(docs, is_train, strict=True) if t]
    held = [d for d, t in zip(docs, is_train, strict=True) if not t]
    tagger = fit_tagger([(d.hidden, d.labels) for d in train], c)
    cut = choose_cut(tagger, train)
    validation = {"finder": scores(None, held), "finder+tagger": scores(tagger, held)}
    final = fit_tagger([(d.hidden, d.labels) for d in docs], c)
    final.cut = cut
    return final, validation
