"""The Analyzer: prepare documents, one encoder pass per feature space, every detector on the shared output.

Never prints; per-document failures come back as ``DocumentError`` values, never as exceptions.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import READER_SPACE as READER_SPACE  # re-exported: its home was here
from narrascope.analyze.base import (
    Detector,
    Features,
    FeatureSpaceError,
    default_detectors,
    get_detector,
    resolve,
)
from narrascope.encode.base import get_encoder, spaces
from narrascope.reader import READER_DIR, Reading, get_reader
from narrascope.reader.runtime import sentence_rows
from narrascope.types import (
    DEFAULT_LIMITS,
    Analysis,
    Article,
    Document,
    DocumentError,
    InputError,
    Limits,
    NarrascopeError,
    check_chars,
    task_of,
)

# the families whose specs say ``default`` (genre, frames, techniques, narratives, framing)
DEFAULT_DETECTORS: tuple[str, ...] = default_detectors()


class DetectorChoiceError(NarrascopeError, ValueError):
    """Two chosen detectors serve the same task (e.g. ``techniques`` and its mode ``techniques-en``)."""


def one_per_task(names: Sequence[str]) -> None:
    """Raise ``DetectorChoiceError`` when two of the (versioned) detector names serve one task."""
    by_task: dict[str, list[str]] = {}
    for name in names:
        by_task.setdefault(task_of(name), []).append(name)
    for task, chosen in by_task.items():
        if len(chosen) > 1:
            raise DetectorChoiceError(f"detectors {', '.join(chosen)} all serve {task!r}: choose one")


def check_requires(detectors: Sequence[Detector]) -> None:
    """Raise ``FeatureSpaceError`` naming the detector and the space when one requires a feature space that
    neither an encoder nor the reader provides."""
    known = [*spaces(), READER_SPACE]
    for d in detectors:
        for space in d.requires:
            if space not in known:
                raise FeatureSpaceError(
                    f"detector {d.name} requires feature space {space!r}, which no encoder provides "
                    f"(spaces: {', '.join(sorted(known))})"
                )


def space_dim(space: str, reader: Path = READER_DIR) -> int:
    """The width of a feature space's rows, loading its model: an encoder's, or the reader's."""
    return get_reader(reader).dim if space == READER_SPACE else get_encoder(space).dim


@dataclass(frozen=True)
class Outcome:
    """One document's outcome in a batch: an analysis or an error, never both."""

    analysis: Analysis | None = None
    error: DocumentError | None = None


class FeatureCache:
    """Sentence embeddings per (space, sentence text), bounded: a run never encodes a sentence twice."""

    def __init__(self, max_items: int = 50_000) -> None:
        self.max_items = max_items
        self._rows: OrderedDict[tuple[str, str], npt.NDArray[np.float32]] = OrderedDict()

    def fill(self, space: str, texts: Sequence[str]) -> None:
        """Encode, in one call, those of ``texts`` not cached yet."""
        missing = sorted({t for t in texts if (space, t) not in self._rows})
        if missing:
            encoder = get_encoder(space)
            for text, row in zip(missing, encoder.encode(missing), strict=True):
                self._rows[(space, text)] = row

    def encode(self, space: str, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.fill(space, texts)
        out = np.stack([self._rows[(space, t)] for t in texts]) if texts else None
        for t in texts:
            self._rows.move_to_end((space, t))
        while len(self._rows) > self.max_items:
            self._rows.popitem(last=False)
        if out is None:
            return np.zeros((0, get_encoder(space).dim), dtype=np.float32)
        return out


class Analyzer:
    """Runs detectors over articles. Parameters are stored as given; models load on first use.

    ``detectors`` holds registered names (``"genre"``, ``"frames.v1"``) or detector objects, e.g. a
    ``NarrativeDetector.from_taxonomy(path)`` for a user's own taxonomy. ``reader`` is the folder of the
    reader whose one pass per article the detectors share (the shipped one by default).
    """

    def __init__(
        self,
        detectors: Sequence[str | Detector] = DEFAULT_DETECTORS,
        limits: Limits = DEFAULT_LIMITS,
        batch_size: int = 16,
        reader: Path = READER_DIR,
    ) -> None:
        self.detectors = tuple(detectors)
        self.limits = limits
        self.batch_size = batch_size
        self.reader = reader
        self._loaded: list[Detector] | None = None
        self._cache = FeatureCache()

    @property
    def loaded_detectors(self) -> list[Detector]:
        if self._loaded is None:
            one_per_task([resolve(d) if isinstance(d, str) else d.name for d in self.detectors])
            loaded = [get_detector(d) if isinstance(d, str) else d for d in self.detectors]
            check_requires(loaded)
            self._loaded = loaded
        return self._loaded

    def warm_up(self) -> None:
        """Load every model the detectors read (encoders, the reader) now, not inside the first batch."""
        for space in sorted({s for d in self.loaded_detectors for s in d.requires}):
            space_dim(space, self.reader)

    def model_versions(self) -> dict[str, str]:
        return {d.name: d.model_version for d in self.loaded_detectors}

    def prepare(self, article: Article) -> Document:
        from narrascope.extract import prepare

        if not article.text.strip():
            raise InputError(article.source or article.id, "empty document")
        check_chars(article.text, article.source or article.id, self.limits)
        return prepare(article)

    def features(self, docs: Sequence[Document]) -> list[Features]:
        """Lazy shared features: each space is encoded on first use, once per document.

        The first request of a space for a document encodes it for every document of the batch in the same
        language, in one encoder call (sentences batched by length across documents, so less padding and
        fewer calls): detectors choose spaces by language, so those peers ask for it next. A space no
        detector asks of a language is still never encoded for it. The reader reads each article on its
        own, once, on first request (its token rows, and the ``reader`` space's sentence vectors pooled
        from them), so an article's reading never depends on the others of the batch.
        """
        peers: dict[str, list[Document]] = {}
        for doc in docs:
            peers.setdefault(doc.lang, []).append(doc)
        fetched: set[tuple[str, str]] = set()

        def for_doc(doc: Document) -> Features:
            memo: list[Reading] = []

            def read() -> Reading:  # the article alone: its windows are a batch of their own
                if not memo:
                    memo.append(get_reader(self.reader).read(doc.text))
                return memo[0]

            def compute(space: str) -> npt.NDArray[np.float32]:
                if space == READER_SPACE:  # sentence vectors pooled from the article's one reading
                    return sentence_rows(read(), doc.sentences)
                if (doc.lang, space) not in fetched:
                    fetched.add((doc.lang, space))
                    self._cache.fill(space, [t for p in peers[doc.lang] for t in p.sentence_texts()])
                return self._cache.encode(space, doc.sentence_texts())

            return Features(compute=compute, read=read)

        return [for_doc(doc) for doc in docs]

    def analyze_documents(self, docs: Sequence[Document]) -> list[Analysis]:
        """Every loaded detector over ``docs``, each reading the shared features through a view held to its
        ``requires`` (a space it reads undeclared is a ``FeatureSpaceError`` naming it and the space)."""
        feats = self.features(docs)
        per_detector = [
            d.detect_batch(docs, [f.restricted(d.name, d.requires) for f in feats])
            for d in self.loaded_detectors
        ]
        return [
            Analysis(document=doc, results=tuple(results[i] for results in per_detector))
            for i, doc in enumerate(docs)
        ]

    def analyze(self, article: Article) -> Analysis:
        """Analyse one article; raises ``InputError`` when it cannot be prepared."""
        return self.analyze_documents([self.prepare(article)])[0]

    def run(self, items: Iterable[Article | DocumentError]) -> Iterator[Outcome]:
        """Analyse a stream in batches, in input order; errors are yielded in place and the run goes on."""
        pending: list[Article | DocumentError] = []
        for item in items:
            pending.append(item)
            if sum(isinstance(p, Article) for p in pending) >= self.batch_size:
                yield from self._flush(pending)
                pending = []
        yield from self._flush(pending)

    def _flush(self, items: Sequence[Article | DocumentError]) -> Iterator[Outcome]:
        prepared: list[Outcome | Document] = []
        for item in items:
            if isinstance(item, DocumentError):
                prepared.append(Outcome(error=item))
                continue
            try:
                prepared.append(self.prepare(item))
            except InputError as exc:
                prepared.append(Outcome(error=DocumentError(exc.source, exc.problem)))
        docs = [p for p in prepared if isinstance(p, Document)]
        analyses = iter(self.analyze_documents(docs)) if docs else iter(())
        for p in prepared:
            yield Outcome(analysis=next(analyses)) if isinstance(p, Document) else p


_DEFAULT_ANALYZERS: dict[tuple[str, ...], Analyzer] = {}


def analyze(
    text: str | None = None,
    *,
    html: str | None = None,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    id: str = "",
    lang: str = "",
    outlet: str = "",
    url: str = "",
) -> Analysis:
    """Analyse one text (or saved HTML page): the convenience wrapper over ``Analyzer.analyze``.

    Analyzers are kept per detector set, so repeated calls load the models once.
    """
    from narrascope.ingest import article_from_html, article_from_text

    if (text is None) == (html is None):
        raise TypeError("pass exactly one of text= or html=")
    if text is not None:
        article = article_from_text(text, id, lang=lang, outlet=outlet, url=url)
    else:
        article = article_from_html(html or "", id, lang=lang, outlet=outlet, url=url)
    key = tuple(detectors)
    if key not in _DEFAULT_ANALYZERS:
        _DEFAULT_ANALYZERS[key] = Analyzer(detectors=key)
    return _DEFAULT_ANALYZERS[key].analyze(article)
