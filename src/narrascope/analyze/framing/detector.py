"""Entity framing: who an article casts as protagonist, antagonist or innocent, with the fine roles of the
SemEval-2025 Task 10 taxonomy.

Entities are found without help (``narrascope.entities``: the capitalised-span finder joined with the actor
gazetteer by default, spaCy/natasha NER with ``prefer_ner=True``), or given (``mentions``, the official
subtask-1 setting). Each mention gets features (``entities.features``) and two heads (``FramingModel``): a
softmax over the main roles and a sigmoid per fine role. The features depend on the model's space:
``multi`` (``framing.v1``): built from the shared USE sentence vectors; ``multi+reader`` (``framing.v2``, the
default): the same block, the same construction over the reader's sentence vectors, and the reader's token
rows of the mention, of its entity's other mentions and of the tokens around it (one pass of the reader per
article, shared with the techniques detector). ``decide`` keeps the output consistent: the best main role,
its best fine role, and further fine roles of that main role whose score passes their tuned cut-off.

Findings: one per mention (``label`` = main role, ``score`` = its probability, the mention's span, ``attrs``
``entity``, ``main_role``, ``fine_roles`` comma-joined, ``type``, ``level=mention``), then one per entity
without span (``level=entity``: majority main role over its mentions, the fine roles most of its mentions
carry, ``mentions`` count and ``agree``, how many of them have that main role), most-mentioned first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narrascope.analyze.base import Features
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.framing.model import (
    FINE_ROLES,
    MAIN_ROLES,
    READER_SPACES,
    USE_SPACE,
    Decision,
    FramingModel,
    Matrix,
    decide,
)
from narrascope.encode.manifest import ModelFileError
from narrascope.entities import EntityMention, group
from narrascope.entities.features import MentionRef, mention_features, reader_mention_rows
from narrascope.entities.finders import find_mentions, merge
from narrascope.entities.tagger import has_caseless
from narrascope.types import DetectorResult, Document, Finding


class FramingDetector:
    """Entity roles from a ``FramingModel``; ``prefer_ner`` picks NER over the fast heuristic finder."""

    def __init__(self, name: str, folder: Path, prefer_ner: bool = False) -> None:
        self.name = name
        self.task = name.split(".")[0]
        self.model = FramingModel.load(folder)
        self.prefer_ner = prefer_ner
        self.space = self.model.main.space
        self.model_version = f"framing-{self.model.main.version}"
        self.requires: tuple[str, ...] = ("multi", "reader") if self.space == READER_SPACES else (self.space,)

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        out = []
        for doc, feat in zip(docs, feats, strict=True):
            findings = self.role_findings(doc, feat, self.find(doc, feat))
            out.append(DetectorResult(self.name, self.model_version, findings))
        return out

    def find(self, doc: Document, feat: Features) -> list[EntityMention]:
        """The entity mentions of ``doc``: the finders', and with a tagger (v2) its runs in caseless scripts
        that no finder found, grouped by entity."""
        raw = find_mentions(doc.text, doc.lang, self.prefer_ner)
        if self.model.tagger is not None and has_caseless(doc.text):
            reading = feat.reading()
            extra = self.model.tagger.extra_mentions(doc.text, reading.tokens.offsets, reading.hidden, raw)
            raw = merge(raw, extra)
        return group(raw)

    def roles(self, doc: Document, feat: Features, mentions: Sequence[EntityMention]) -> list[Decision]:
        """The decision for each mention, in order."""
        if not mentions:
            return []
        refs = [MentionRef(m.start, m.end, m.entity) for m in mentions]
        x = self.features(doc, feat, refs)
        pm, pf = self.model.probabilities(x)
        return [decide(pm[i], pf[i], self.model.fine.thresholds) for i in range(len(mentions))]

    def features(self, doc: Document, feat: Features, refs: Sequence[MentionRef]) -> Matrix:
        """The model's feature rows of ``refs`` in ``doc``."""
        return mention_matrix(self.space, doc, feat, refs, self.model.reader, self.name)

    def given_roles(self, doc: Document, feat: Features, given: Sequence[tuple[str, int, int]]) -> list[str]:
        """Official setting: for mentions given as ``(entity, start, end inclusive)`` (offsets repaired as
        the training data's are), ``main<TAB>fine[<TAB>fine...]`` each, in order."""
        from narrascope.entities import RawMention, group
        from narrascope.entities.annotations import locate

        raw = []
        for entity, start, end in given:
            s, e, how = locate(doc.text, entity, start, end)
            if not how:
                s = min(max(0, start), len(doc.text))
                e = min(max(s, end + 1), len(doc.text))
            raw.append(RawMention(s, e, entity, "NAME"))
        decisions = self.roles(doc, feat, group(raw))
        return ["\t".join([MAIN_ROLES[d.main], *(FINE_ROLES[j] for j in d.fine)]) for d in decisions]

    def role_findings(
        self, doc: Document, feat: Features, mentions: Sequence[EntityMention]
    ) -> tuple[Finding, ...]:
        decisions = self.roles(doc, feat, mentions)
        per_mention = [_mention_finding(m, d) for m, d in zip(mentions, decisions, strict=True)]
        return tuple(per_mention + entity_summary(mentions, decisions))


def mention_matrix(
    space: str,
    doc: Document,
    feat: Features,
    refs: Sequence[MentionRef],
    reader: str = "",
    who: str = "framing",
) -> Matrix:
    """Feature rows of the mentions ``refs`` of ``doc`` in a framing space (``multi`` or ``multi+reader``);
    ``reader`` (the latter) is the ``Reader.id`` the model was trained on, checked against the shared pass."""
    x = mention_features(feat.get(USE_SPACE), doc.sentences, doc.text, refs, doc.lang)
    if space == USE_SPACE:
        return x
    reading = feat.reading()
    if reader and reading.reader != reader:
        raise ModelFileError(
            f"{who}: trained on reader {reader!r}, but the shared pass is {reading.reader!r}"
        )
    sent = mention_features(feat.get("reader"), doc.sentences, doc.text, refs, doc.lang)
    tokens = reader_mention_rows(reading.hidden, reading.tokens.offsets, refs)
    return np.concatenate([x, sent, tokens], axis=1)


def _mention_finding(m: EntityMention, d: Decision) -> Finding:
    attrs = (
        ("entity", m.entity),
        ("fine_roles", ",".join(FINE_ROLES[j] for j in d.fine)),
        ("level", "mention"),
        ("main_role", MAIN_ROLES[d.main]),
        ("type", m.type),
    )
    return Finding(MAIN_ROLES[d.main], d.score, m.start, m.end, attrs=attrs)


def entity_summary(mentions: Sequence[EntityMention], decisions: Sequence[Decision]) -> list[Finding]:
    """One finding per entity: its majority main role (ties to the most confident), fine roles carried by at
    least half of its mentions with that main role (at least the most common one), mean score."""
    by: dict[str, list[tuple[EntityMention, Decision]]] = {}
    for m, d in zip(mentions, decisions, strict=True):
        by.setdefault(m.entity, []).append((m, d))
    out = []
    for entity, items in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[1][0][0].start)):
        votes = Counter(d.main for _, d in items)
        main = max(votes, key=lambda r: (votes[r], sum(d.score for _, d in items if d.main == r)))
        mine = [d for _, d in items if d.main == main]
        fines = Counter(j for d in mine for j in d.fine)
        kept = [j for j, n in fines.most_common() if 2 * n >= len(mine)] or [fines.most_common(1)[0][0]]
        attrs = (
            ("agree", str(len(mine))),
            ("entity", entity),
            ("fine_roles", ",".join(FINE_ROLES[j] for j in kept)),
            ("level", "entity"),
            ("main_role", MAIN_ROLES[main]),
            ("mentions", str(len(items))),
            ("type", items[0][0].type),
        )
        out.append(Finding(MAIN_ROLES[main], sum(d.score for d in mine) / len(mine), attrs=attrs))
    return out


def framing_v1() -> FramingDetector:
    return FramingDetector("framing.v1", model_dir("framing"))


def framing_v2() -> FramingDetector:
    return FramingDetector("framing.v2", model_dir("framing-reader"))
