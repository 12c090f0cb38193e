"""The resumable batch run: stream inputs, skip what is stored, analyse, commit each batch as it completes.

The local engine; ``engine="ray"`` hands the run to ``narrascope.scale`` (imported only then). Both build
on ``narrascope.batches``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from narrascope.batches import RunSummary, chunks, estimate_total, iter_inputs, run_chunk
from narrascope.pipeline import DEFAULT_DETECTORS, Analyzer
from narrascope.store import DEFAULT_DB, Store, versions_key
from narrascope.types import NarrascopeError

# RunSummary, iter_inputs, estimate_total, chunks and run_chunk live in ``narrascope.batches`` (shared with
# ``scale``); they stay importable from here.
__all__ = [
    "ENGINES",
    "RunSummary",
    "analyze_corpus",
    "chunks",
    "estimate_total",
    "iter_inputs",
    "run_chunk",
]

ENGINES = ("local", "ray")


def analyze_corpus(
    inputs: Sequence[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    engine: str = "local",
    address: str | None = None,
    batch_size: int = 16,
    progress: bool | None = None,
) -> RunSummary:
    """Analyse every input document into the store ``db``; resumable.

    Each batch (analyses, errors and the run's counts) is committed in one transaction as soon as it is
    analysed, so a killed run loses at most the batch in flight. Documents already stored under the same
    id and content hash with the same model versions are skipped. ``progress``: a bar with rate and ETA on
    standard error; None shows it only when standard error is a terminal.
    """
    if engine not in ENGINES:
        raise NarrascopeError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    if engine == "ray":
        from narrascope.scale import RayOptions, analyze_on_ray

        show_ray = sys.stderr.isatty() if progress is None else progress
        options = RayOptions(address=address, batch_size=batch_size, progress=show_ray)
        s = analyze_on_ray(inputs, db, detectors=detectors, options=options)
        return s  # a ScaleSummary is a RunSummary
    analyzer = Analyzer(detectors=detectors, batch_size=batch_size)
    versions = analyzer.model_versions()
    show = sys.stderr.isatty() if progress is None else progress
    started = time.monotonic()
    with Store(db) as store:
        run_id = store.start_run(versions, engine, [str(p) for p in inputs])
        try:
            _run_batches(store, analyzer, run_id, versions_key(versions), inputs, show, batch_size)
        except BaseException:
            store.finish_run(run_id, status="interrupted")
            raise
        info = store.finish_run(run_id)
    return RunSummary(
        Path(db), run_id, info.n_analyzed, info.n_skipped, info.n_errors, time.monotonic() - started
    )


def _run_batches(
    store: Store,
    analyzer: Analyzer,
    run_id: int,
    vkey: str,
    inputs: Sequence[str | Path],
    show: bool,
    size: int,
) -> None:
    from tqdm import tqdm

    total = estimate_total(inputs) if show else None
    with tqdm(total=total, disable=not show, unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        failed = 0
        for chunk in chunks(iter_inputs(inputs), size):
            failed += run_chunk(lambda: nullcontext(store), analyzer.run, run_id, vkey, chunk)
            bar.update(len(chunk))
            if failed:
                bar.set_postfix(errors=failed, refresh=False)
