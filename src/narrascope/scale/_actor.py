"""The Ray Data callable class: one ``Analyzer`` per actor, models loaded once, a batch of rows per call."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pyarrow as pa

from narrascope.pipeline import Analyzer
from narrascope.scale._rows import outcomes_table, table_articles


class AnalyzeBatch:
    """Analyses ``articles_table`` batches into ``RESULT_SCHEMA`` rows.

    ``threads`` bounds the encoders' threads in this actor (``NARRASCOPE_THREADS``), so that actors sharing
    a machine do not oversubscribe its cores; the actor owns its process, so setting it there is safe.
    Subclass and override ``__call__`` to wrap it (the tests inject failures that way).
    """

    def __init__(self, detectors: Sequence[str], batch_size: int = 16, threads: int | None = None) -> None:
        if threads is not None:
            os.environ["NARRASCOPE_THREADS"] = str(threads)
        self.analyzer = Analyzer(detectors=tuple(detectors), batch_size=batch_size)
        self.analyzer.warm_up()  # load every model now, once per actor, not inside the first batch

    def __call__(self, batch: pa.Table) -> pa.Table:
        articles = table_articles(batch)
        outcomes = list(self.analyzer.run(articles))
        return outcomes_table(articles, outcomes)
