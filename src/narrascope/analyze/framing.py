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

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import Features
from narrascope.analyze.heads import LinearHead
from narrascope.analyze.spec import ArticleFormat, Attr, DetectorSpec, file_of
from narrascope.encode.manifest import MANIFEST, ModelFileError, read_manifest, sha256_file
from narrascope.entities import EntityMention, group
from narrascope.entities.features import MentionRef, feature_digest, mention_features, reader_mention_rows
from narrascope.entities.finders import find_mentions, merge
from narrascope.entities.tagger import FILE as TAGGER_FILE
from narrascope.entities.tagger import MentionTagger, has_caseless
from narrascope.labels import labels
from narrascope.scoring._labels import FINE_ROLES_2025, MAIN_ROLES_2025
from narrascope.types import Analysis, DetectorResult, Document, Finding

Matrix = npt.NDArray[np.float32]
MAIN_ROLES: tuple[str, ...] = MAIN_ROLES_2025
FINE_ROLES: tuple[str, ...] = FINE_ROLES_2025
USE_SPACE = "multi"
READER_SPACES = "multi+reader"  # framing.v2: USE features, the reader's sentence vectors and token rows
VERSIONS = {USE_SPACE: "1", READER_SPACES: "2"}


def _parents() -> list[int]:
    table = labels("roles")
    return [MAIN_ROLES.index(table[f].parent) for f in FINE_ROLES]


PARENT: list[int] = _parents()
PARENT_INDEX = np.array(PARENT, dtype=np.int64)


@dataclass(frozen=True)
class Decision:
    """Chosen roles of one mention: main role index and its probability, fine role indices best first."""

    main: int
    score: float
    fine: tuple[int, ...]


def decide(p_main: Matrix, p_fine: Matrix, thresholds: Matrix) -> Decision:
    """Joint choice: the fine role with the best ``p(main role of it) * p(it)`` and its main role (better on
    held-out data than the main role first: exact match 0.33 against 0.29 over all languages, main-role
    accuracy 0.62 against 0.59); then the main role's other fine roles that reach their cut-off."""
    best = int(np.argmax(p_main[PARENT_INDEX] * p_fine))
    main = PARENT[best]
    kids = sorted(
        (j for j in range(len(FINE_ROLES)) if PARENT[j] == main and j != best),
        key=lambda j: -float(p_fine[j]),
    )
    fine = [best] + [j for j in kids if p_fine[j] >= thresholds[j]]
    return Decision(main, float(p_main[main]), tuple(fine))


@dataclass
class FramingModel:
    """The two heads; saved as ``main/`` and ``fine/`` head folders under a top manifest."""

    main: LinearHead
    fine: LinearHead
    reader: str = ""  # ``Reader.id`` of the reader a ``multi+reader`` model was trained on
    tagger: MentionTagger | None = None  # finds mentions in caseless scripts from the reader's rows (v2)

    def probabilities(self, x: Matrix) -> tuple[Matrix, Matrix]:
        return self.main.scores(x), self.fine.scores(x)

    def save(self, folder: Path, info: dict[str, Any]) -> None:
        self.main.save(folder / "main")
        self.fine.save(folder / "fine")
        files = {f"{h}/{MANIFEST}": sha256_file(folder / h / MANIFEST) for h in ("main", "fine")}
        if self.tagger is not None:
            files[TAGGER_FILE] = sha256_file(self.tagger.save(folder))
        manifest = {
            "name": "framing",
            "version": VERSIONS[self.main.space],
            "space": self.main.space,
            "main_roles": list(MAIN_ROLES),
            "fine_roles": list(FINE_ROLES),
            "files": files,
            "inputs": {"mention_features": feature_digest()},
            **info,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> FramingModel:
        manifest = read_manifest(folder)
        model = cls(LinearHead.load(folder / "main"), LinearHead.load(folder / "fine"))
        if tuple(model.main.labels) != MAIN_ROLES or tuple(model.fine.labels) != FINE_ROLES:
            raise ModelFileError(f"{folder}: the heads' labels are not the SemEval-2025 roles")
        space = model.main.space
        if space not in VERSIONS or manifest.version != VERSIONS[space]:
            raise ModelFileError(
                f"{folder / MANIFEST}: framing model version {manifest.version!r} over space {space!r}"
            )
        trained, builds = manifest.get("inputs", {}).get("mention_features"), feature_digest()
        if trained != builds:
            raise ModelFileError(
                f"{folder / MANIFEST}: trained on mention features {str(trained)[:12]}, this install builds "
                f"{builds[:12]} (the known actors, their camps or the feature layout changed); "
                "retrain with narrascope train framing"
            )
        model.reader = str(manifest.get("reader", ""))
        if space == READER_SPACES and not model.reader:
            raise ModelFileError(f"{folder / MANIFEST}: a framing model over the reader must name its reader")
        if TAGGER_FILE in manifest.files:
            model.tagger = MentionTagger.load(folder)
        return model


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


def st1_rows(a: Analysis) -> list[str]:
    """SemEval-2025 subtask 1 without a mentions file: one row per mention the detector found,
    ``file<TAB>text<TAB>start<TAB>end<TAB>main<TAB>fine...`` (end inclusive)."""
    r = a.result("framing")
    rows = []
    for f in r.findings if r else ():
        if f.attr("level") == "mention" and f.start is not None and f.end is not None:
            fine = "\t".join(f.attr("fine_roles").split(","))
            text = " ".join(a.document.text[f.start : f.end].split())
            rows.append(f"{file_of(a)}\t{text}\t{f.start}\t{f.end - 1}\t{f.attr('main_role')}\t{fine}")
    return rows


ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "NAME")  # the finders' (and the actor table's) types
SPEC_V1 = DetectorSpec(
    task="framing",
    title="Entities",
    label_kind="roles",
    default=True,
    trainer="narrascope.train.framing:recipe_v1",
    attributes=(
        Attr(
            "level",
            "str",
            "one mention (with its span), or one entity over its mentions",
            ("mention", "entity"),
        ),
        Attr("entity", "str", "the entity's canonical name, shared by its mentions"),
        Attr("type", "str", "the entity's type", ENTITY_TYPES),
        Attr("main_role", "str", "the main role (also the finding's label)", MAIN_ROLES),
        Attr("fine_roles", "list", "the fine roles of that main role", FINE_ROLES),
        Attr("mentions", "int", "an entity's number of mentions"),
        Attr("agree", "int", "how many of an entity's mentions have its main role"),
    ),
    writers=(ArticleFormat("semeval2025-st1", st1_rows),),
)
SPEC_V2 = replace(SPEC_V1, trainer="narrascope.train.framing:recipe_v2")


def framing_v1() -> FramingDetector:
    from narrascope.analyze.doclabels import model_dir

    return FramingDetector("framing.v1", model_dir("framing"))


def framing_v2() -> FramingDetector:
    from narrascope.analyze.doclabels import model_dir

    return FramingDetector("framing.v2", model_dir("framing-reader"))


FALLBACK_ROW = "Antagonist\tForeign Adversary"


def official_row(file: str, entity: str, start: int, end_incl: int, roles: str) -> str:
    """``file<TAB>entity<TAB>start<TAB>end<TAB>main<TAB>fine...`` (``roles`` already TAB-joined)."""
    return f"{file}\t{entity}\t{start}\t{end_incl}\t{roles}"
