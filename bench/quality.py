"""Quality of every trained detector on the by-id validation split, per language, from the model manifests.

The manifests record the figures measured by `narrascope train` (fit on the training part of the split,
scored with the official scorer on the held-out ids). `--retrain` re-measures them from the corpora:
    python bench/quality.py [--retrain --data ../shared/datasets]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from narrascope.analyze.doclabels import model_dir

ROOT = Path(__file__).resolve().parents[1]
BASELINES = {"genre": "organisers' dev baseline (en): 0.25", "frames": "organisers' dev baseline (en): 0.61"}


def show(task: str, validation: dict[str, float], metric: str) -> None:
    langs = sorted(k for k in validation if k != "all") + ["all"]
    print(f"\n{task} ({metric}, by-id validation split)   {BASELINES.get(task, '')}")
    print("| " + " | ".join(langs) + " |")
    print("|" + "---|" * len(langs))
    print("| " + " | ".join(f"{validation.get(k, float('nan')):.3f}" for k in langs) + " |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--retrain", action="store_true")
    args = ap.parse_args()
    for task in ("genre", "frames"):
        if args.retrain:
            from narrascope.train.heads import SPECS, train_head

            with tempfile.TemporaryDirectory() as tmp:
                report = train_head(task, args.data, Path(tmp) / task)
            show(task, report.validation, SPECS[task].metric)
        else:
            manifest = json.loads((model_dir(task) / "manifest.json").read_text())
            show(task, manifest["validation"], manifest["validation_metric"])


if __name__ == "__main__":
    main()
