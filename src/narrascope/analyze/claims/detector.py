"""Check-worthy claims (CheckThat! 2024 Task 1): which sentences a fact-checker should verify first, and which
known (already debunked) claims they restate.

Each sentence is scored by one logistic head over its vector in the shared multilingual ``multi`` space (the
pass every detector reads) plus its hashed word unigrams and bigrams (``analyze.lexical``). The score is
Platt-calibrated on held-out blocks of the training data, so a score of 0.7 means that about 70% of such
sentences were labelled check-worthy; a sentence is reported when its score reaches the model's threshold
(chosen on the same held-out predictions for the positive class's F1). The span is the sentence without its
surrounding quotes and a leading filler ("And", "Well,"). The model was trained on English only: findings
in other languages say so in their attributes.

With known claims (``KnownClaims.from_file``), each check-worthy sentence also lists the known claims it is
closest to by cosine similarity in the same space (at most ``max_matches``, at or above ``match_threshold``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import Detector, Features
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import LinearHead, ModelFileError
from narrascope.analyze.lexical import hashed_ngrams
from narrascope.knownclaims import MAX_CLAIMS, Claim, read_claims
from narrascope.types import DetectorResult, Document, Finding, Span

Matrix = npt.NDArray[np.float32]
LABEL = "check-worthy"
MATCH_LABEL = "known-claim"
TRAINED_LANGUAGES = ("en",)
MATCH_THRESHOLD = 0.7
MAX_MATCHES = 3
_FILLER = re.compile(r"(?:and|but|so|well|now|look|yes|no|oh|also|again)\b[,\s]+", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»„`"


def claim_span(text: str, sentence: Span) -> Span:
    """The claim within a sentence: without surrounding whitespace and quotes, and without one leading
    filler word when at least three words remain. Always inside ``sentence`` and never empty unless the
    sentence is."""
    start, end = sentence.start, sentence.end
    while start < end and (text[start].isspace() or text[start] in _QUOTES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES):
        end -= 1
    m = _FILLER.match(text, start, end)
    if m and len(text[m.end() : end].split()) >= 3:
        start = m.end()
    return Span(start, end) if end > start else sentence


@dataclass(frozen=True)
class KnownClaims:
    """Known claims and their unit vectors in one feature space."""

    claims: tuple[Claim, ...]
    vectors: Matrix
    space: str

    @classmethod
    def from_claims(cls, claims: Sequence[Claim], space: str = "multi") -> KnownClaims:
        from narrascope.encode import get_encoder

        encoder = get_encoder(space)
        vectors = (
            encoder.encode([c.claim for c in claims]) if claims else np.zeros((0, encoder.dim), np.float32)
        )
        return cls(tuple(claims), vectors.astype(np.float32), space)

    @classmethod
    def from_file(cls, path: str | Path, space: str = "multi", max_claims: int = MAX_CLAIMS) -> KnownClaims:
        """Read and encode a claims file (see ``narrascope.knownclaims``); errors name the file."""
        return cls.from_claims(read_claims(path, max_claims=max_claims), space)

    def nearest(self, vectors: Matrix, threshold: float, k: int) -> list[list[tuple[int, float]]]:
        """Per row of ``vectors``, up to ``k`` (claim index, similarity) at or above ``threshold``, best
        first."""
        if not len(self.claims) or not len(vectors):
            return [[] for _ in range(len(vectors))]
        sims = vectors @ self.vectors.T
        out: list[list[tuple[int, float]]] = [[] for _ in range(len(vectors))]
        rows, cols = np.nonzero(sims >= threshold)  # few: sort only those, not every known claim
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            out[i].append((j, float(sims[i, j])))
        return [sorted(found, key=lambda m: -m[1])[:k] for found in out]


class ClaimsDetector:
    """The ``claims`` detector: located findings for check-worthy sentences, and for the known claims they
    restate when known claims are given."""

    task = "claims"

    def __init__(
        self,
        name: str,
        folder: Path,
        known: KnownClaims | None = None,
        match_threshold: float = MATCH_THRESHOLD,
        max_matches: int = MAX_MATCHES,
    ) -> None:
        if not (folder / "MODEL_CARD.md").is_file():
            raise ModelFileError(f"{folder / 'MODEL_CARD.md'}: model card missing")
        self.name = name
        self.head = LinearHead.load(folder)
        if self.head.labels != [LABEL] or not self.head.multi_label:
            raise ModelFileError(f"{folder / 'manifest.json'}: expected one sigmoid label {LABEL!r}")
        self.model_version = f"{self.head.name}-{self.head.version}"
        self.requires: tuple[str, ...] = (self.head.space,)
        if known is not None and known.space != self.head.space:
            raise ValueError(
                f"known claims are in space {known.space!r}, the model reads {self.head.space!r}"
            )
        self.known = known
        self.match_threshold = match_threshold
        self.max_matches = max_matches

    @property
    def threshold(self) -> float:
        return float(self.head.thresholds[0])

    def score_texts(self, texts: Sequence[str], vectors: Matrix) -> npt.NDArray[np.float32]:
        """Calibrated check-worthiness of each text, given its vector in the model's space."""
        if not len(texts):
            return np.zeros(0, dtype=np.float32)
        lex = hashed_ngrams(texts, self.head.lexical.shape[1]) if self.head.lexical is not None else None
        scores: npt.NDArray[np.float32] = self.head.scores(vectors, lex)[:, 0]
        return scores

    def sentence_scores(self, doc: Document, feats: Features) -> npt.NDArray[np.float32]:
        """Every sentence's score, in sentence order (the findings keep those at or above the threshold)."""
        return self.score_texts(doc.sentence_texts(), feats.get(self.head.space))

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        return [
            DetectorResult(self.name, self.model_version, self.detect(doc, f))
            for doc, f in zip(docs, feats, strict=True)
        ]

    def detect(self, doc: Document, feats: Features) -> tuple[Finding, ...]:
        if not doc.sentences:
            return ()
        vectors = feats.get(self.head.space)
        scores = self.score_texts(doc.sentence_texts(), vectors)
        chosen = [i for i in range(len(scores)) if scores[i] >= self.threshold]
        known = self.known or KnownClaims((), np.zeros((0, vectors.shape[1]), np.float32), self.head.space)
        matches = known.nearest(vectors[chosen], self.match_threshold, self.max_matches)
        attrs = _language_attrs(doc.lang)
        out: list[Finding] = []
        for i, found in zip(chosen, matches, strict=True):
            span = claim_span(doc.text, doc.sentences[i])
            out.append(Finding(LABEL, float(scores[i]), span.start, span.end, attrs=attrs))
            out += [_match_finding(span, known.claims[j], sim) for j, sim in found]
        return tuple(out)


def _language_attrs(lang: str) -> tuple[tuple[str, str], ...]:
    inside = lang in TRAINED_LANGUAGES
    attrs = [("level", "sentence"), ("training_language", ",".join(TRAINED_LANGUAGES))]
    if not inside:
        attrs.append(
            ("language_note", f"{lang or 'unknown'} is outside the training language; scores are rougher")
        )
    return tuple(sorted(attrs))


def _match_finding(span: Span, claim: Claim, similarity: float) -> Finding:
    attrs = {
        "level": "match",
        "claim_id": claim.id,
        "claim": claim.claim,
        "date": claim.date,
        "url": claim.url,
    }
    return Finding(
        MATCH_LABEL,
        max(0.0, min(1.0, similarity)),
        span.start,
        span.end,
        attrs=tuple(sorted((k, v) for k, v in attrs.items() if v)),
    )


def claims_v1(known: KnownClaims | None = None) -> ClaimsDetector:
    return ClaimsDetector("claims.v1", model_dir("claims"), known=known)


def matching_known_claims(detectors: Sequence[str | Detector], path: str | Path) -> list[str | Detector]:
    """``detectors`` (names or detector objects) with the claims detector, added at the end when absent,
    matching the known claims of ``path`` (errors name the file)."""
    kept = [d for d in detectors if (d if isinstance(d, str) else d.name).split(".")[0] != "claims"]
    return [*kept, with_known_claims(path)]


def with_known_claims(path: str | Path, max_claims: int = MAX_CLAIMS) -> ClaimsDetector:
    """The newest built-in claims detector, matching the known claims of ``path`` (errors name the file)."""
    detector = ClaimsDetector("claims.v1", model_dir("claims"))
    detector.known = KnownClaims.from_file(path, detector.head.space, max_claims=max_claims)
    return detector
