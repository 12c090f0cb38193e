"""Training entry points (need the ``train`` extra). ``train(detector, data, out)`` dispatches by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def train(
    detector: str,
    data: Path,
    out: Path | None,
    limit: int | None = None,
    log: Callable[[str], None] = lambda s: None,
    taxonomy: Path | None = None,
) -> Any:
    """Train a built-in detector from the corpora folder ``data``; writes the model folder to ``out``.
    ``taxonomy`` (narratives only): a user's taxonomy YAML; its model goes to ``out`` or beside it."""
    from narrascope.analyze.doclabels import model_dir

    if detector == "narratives":
        from narrascope.train.narratives import default_out, train_narratives

        target = out or (default_out(taxonomy) if taxonomy else model_dir(detector))
        return train_narratives(data, target, taxonomy_path=taxonomy, limit=limit, log=log)
    out = out or model_dir(detector)
    if detector in ("genre", "frames"):
        from narrascope.train.heads import train_head

        return train_head(detector, data, out, limit=limit, log=log)
    if detector == "techniques":
        from narrascope.train.techniques import train_techniques

        return train_techniques(data, out, limit=limit, log=log)
    if detector == "techniques-en":
        from narrascope.train.techniques_en import train_techniques_en

        return train_techniques_en(data, out, limit=limit, log=log)
    if detector == "claims":
        from narrascope.train.claims import train_claims

        return train_claims(data, out, limit=limit, log=log)
    if detector == "framing":
        from narrascope.train.framing import train_framing

        return train_framing(data, out, limit=limit, log=log)
    raise KeyError(
        f"no training recipe for detector {detector!r}; trainable: genre, frames, techniques, "
        "techniques-en, narratives, framing, claims"
    )
