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
    work: Path | None = None,
    device: str = "cpu",
) -> Any:
    """Train a built-in detector from the corpora folder ``data``; writes the model folder to ``out``.
    ``taxonomy`` (narratives only): a user's taxonomy YAML; its model goes to ``out`` or beside it.
    ``work`` and ``device`` (``techniques``, the fine-tuned reader): the checkpoint folder a stopped run
    resumes from, and the torch device (``cpu``, ``cuda``)."""
    from narrascope.analyze.doclabels import model_dir

    if detector == "techniques":  # the reader fine-tuned as the technique tagger: writes two model folders
        from narrascope.train.tagger import TaggerHyper
        from narrascope.train.techniques_reader import train_techniques_reader

        root = out or model_dir(detector).parent
        hp = TaggerHyper(device=device)
        return train_techniques_reader(data, root, limit=limit, hp=hp, work=work, log=log)

    if detector == "narratives":
        from narrascope.train.narratives import default_out, train_narratives

        target = out or (default_out(taxonomy) if taxonomy else model_dir(detector))
        return train_narratives(data, target, taxonomy_path=taxonomy, limit=limit, log=log)
    if detector in ("framing", "framing.v1"):  # v2 reads the shipped reader's pass as well as USE
        from narrascope.analyze.framing import READER_SPACES, USE_SPACE
        from narrascope.train.framing import train_framing

        v2 = detector == "framing"
        target = out or model_dir("framing-reader" if v2 else "framing")
        space = READER_SPACES if v2 else USE_SPACE
        return train_framing(data, target, limit=limit, log=log, space=space)
    out = out or model_dir(detector)
    if detector in ("genre", "frames"):
        from narrascope.train.heads import train_head

        return train_head(detector, data, out, limit=limit, log=log)
    if detector == "techniques.v1":  # the sentence ridge recipe over the multilingual features
        from narrascope.train.techniques import train_techniques

        return train_techniques(data, out, limit=limit, log=log)
    if detector == "techniques-en":
        from narrascope.train.techniques_en import train_techniques_en

        return train_techniques_en(data, out, limit=limit, log=log)
    if detector == "claims":
        from narrascope.train.claims import train_claims

        return train_claims(data, out, limit=limit, log=log)
    raise KeyError(
        f"no training recipe for detector {detector!r}; trainable: genre, frames, techniques, "
        "techniques.v1, techniques-en, narratives, framing, framing.v1, claims"
    )
