"""Run the Analyzer as Ray Data batch inference and import its results into the store.

The driver reads the inputs (every format ``corpus analyze`` reads), skips what the store holds, and
sends waves of articles, sorted by length, to a pool of ``AnalyzeBatch`` actors. Result tables stream
back, are written as Parquet parts and imported part by part, so a stopped run keeps what it imported.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from narrascope.batches import Item, RunSummary, chunks, iter_inputs, pending
from narrascope.pipeline import DEFAULT_DETECTORS, Analyzer
from narrascope.scale._actor import AnalyzeBatch
from narrascope.scale._import import ImportCounts, Key, import_parquet
from narrascope.scale._rows import length_blocks
from narrascope.store import DEFAULT_DB, Store, versions_key
from narrascope.types import NarrascopeError


@dataclass(frozen=True)
class RayOptions:
    """How to run on Ray; built once at the edge.

    ``address``: None starts a local cluster of ``num_cpus`` CPUs (default: this process's cores), else
    the cluster to join (``auto``, ``ray://head:10001``). ``workers``: actors, each with one Analyzer
    (default: the cluster's CPUs / ``cpus_per_worker``). ``retries``: restarts of a dead actor, retries
    of its task, and retries of a batch whose code raised. ``output``: a folder to keep the result Parquet
    in (default: a temporary one, removed after the import). ``actor``: the callable class to run.
    """

    address: str | None = None
    num_cpus: int | None = None
    workers: int | None = None
    cpus_per_worker: int = 1
    batch_size: int = 16
    block_rows: int = 64
    wave_rows: int = 20_000
    retries: int = 3
    output: Path | None = None
    progress: bool = False
    actor: type[AnalyzeBatch] = field(default=AnalyzeBatch)


@dataclass(frozen=True)
class ScaleSummary(RunSummary):
    """What one Ray run did: ``RunSummary``'s counts and the number of workers."""

    workers: int


def analyze_on_ray(
    inputs: Sequence[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    options: RayOptions | None = None,
) -> ScaleSummary:
    """Analyse every input document into the store ``db`` on Ray; the same rows as the local engine."""
    options = options or RayOptions()

    versions = Analyzer(detectors=detectors).model_versions()
    vkey = versions_key(versions)
    started = time.monotonic()
    with Store(db) as store, ExitStack() as stack:
        run_id = store.start_run(versions, "ray", [str(p) for p in inputs])
        try:
            workers = stack.enter_context(ray_session(options))
            out = options.output or Path(stack.enter_context(tempfile.TemporaryDirectory()))
            _run_waves(store, run_id, vkey, iter_inputs(inputs), detectors, options, workers, out)
        except BaseException:
            store.finish_run(run_id, status="interrupted")
            raise
        info = store.finish_run(run_id)
    seconds = time.monotonic() - started
    return ScaleSummary(Path(db), run_id, info.n_analyzed, info.n_skipped, info.n_errors, seconds, workers)


@contextmanager
def ray_session(options: RayOptions) -> Iterator[int]:
    """Join ``options.address``, start a local cluster, or use the Ray already initialised in this
    process; yields the number of workers to run. Shuts down only what it started."""
    try:
        import ray
    except ImportError as exc:
        raise NarrascopeError("the ray engine needs Ray Data: pip install 'narrascope[scale]'") from exc

    started = not ray.is_initialized()
    if started and options.address:
        ray.init(address=options.address, log_to_driver=False)
    elif started:
        ray.init(num_cpus=options.num_cpus or _local_cpus(), include_dashboard=False, log_to_driver=False)
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]  # ray is untyped here
        yield options.workers or max(1, cpus // max(1, options.cpus_per_worker))
    finally:
        if started:
            ray.shutdown()


def _local_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_waves(
    store: Store,
    run_id: int,
    vkey: str,
    items: Iterable[Item],
    detectors: Sequence[str],
    options: RayOptions,
    workers: int,
    out: Path,
) -> ImportCounts:
    out.mkdir(parents=True, exist_ok=True)
    total = ImportCounts()
    failed: set[Key] = set()
    part = 0
    for chunk in chunks(items, max(1, options.wave_rows)):
        wave = pending(store, vkey, chunk)  # the articles still to analyse, input errors, skips
        store.write_batch(run_id, vkey, [], wave.errors, wave.skipped)
        if not wave.todo:
            continue
        blocks = length_blocks(wave.todo, options.block_rows)
        for table in analyze_blocks(blocks, detectors, options, workers):
            path = out / f"run-{run_id:05d}-part-{part:06d}.parquet"
            pq.write_table(table, path)
            total = total + import_parquet(store, path, run_id, vkey, failed=failed)
            part += 1
    return total


def analyze_blocks(
    blocks: Sequence[pa.Table], detectors: Sequence[str], options: RayOptions, workers: int
) -> Iterator[pa.Table]:
    """Result tables (``RESULT_SCHEMA``) of ``articles_table`` blocks, as the actors finish them."""
    import ray.data

    with _data_context(options):
        ds = _mapped(ray.data.from_arrow(list(blocks)), detectors, options, workers, len(blocks))
        yield from ds.iter_batches(batch_size=None, batch_format="pyarrow")


def _mapped(ds: Any, detectors: Sequence[str], options: RayOptions, workers: int, n_blocks: int) -> Any:
    from ray.data import ActorPoolStrategy

    with warnings.catch_warnings():
        # Ray 2.60 has no named parameter for actor restarts and task retries, and warns that the
        # ``**ray_remote_args`` carrying them go away in Ray 2.64; its defaults (-1) retry forever, which a
        # document that always kills its actor would turn into an endless run. Revisit with Ray 2.64.
        warnings.filterwarnings("ignore", message=".*ray_remote_args.* is deprecated")
        return ds.map_batches(
            options.actor,
            fn_constructor_kwargs={
                "detectors": tuple(detectors),
                "batch_size": options.batch_size,
                "threads": options.cpus_per_worker,
            },
            batch_size=options.batch_size,
            batch_format="pyarrow",
            compute=ActorPoolStrategy(size=min(workers, n_blocks)),
            num_cpus=options.cpus_per_worker,
            max_restarts=options.retries,  # restarts of a dead actor
            max_task_retries=options.retries,  # retries of the batch it was running
        )


@contextmanager
def _data_context(options: RayOptions) -> Iterator[None]:
    """Ray Data settings for one run, restored after it: retries of a batch whose code raised, progress."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    wanted: dict[str, Any] = {
        "retried_map_errors": options.retries > 0,
        "max_map_retries": options.retries,
        "enable_progress_bars": options.progress,
    }
    saved = {name: getattr(ctx, name) for name in wanted}
    for name, value in wanted.items():
        setattr(ctx, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(ctx, name, value)
