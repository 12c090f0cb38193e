"""Quality of every trained detector on its by-id validation split, per language, from the model manifests.

The manifests record the figures `narrascope train DETECTOR` measured (fit on the training part of the
split, scored with the official scorer on the held-out ids). To re-measure, retrain into a scratch folder:
    narrascope train genre --data ../shared/datasets --out /tmp/genre      (likewise frames, techniques, ...)
Usage: python bench/quality.py [--markdown]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from narrascope.analyze.doclabels import model_dir

# model folders: the defaults techniques.v2 and framing.v2 read techniques-reader and framing-reader
TASKS = (
    "genre",
    "frames",
    "techniques-reader",
    "techniques",
    "techniques-en",
    "narratives",
    "framing-reader",
    "framing",
)
PUBLISHED = {
    "genre": "organisers' dev baseline, English macro-F1: 0.25",
    "frames": "organisers' dev baseline, English micro-F1: 0.61",
    "techniques": "best published English test micro-F1 ~0.38; all-Loaded_Language ~0.20",
    "techniques-en": "the fine-tuned English mode (--detectors techniques-en); same references as techniques",
    "narratives": "best published (8B LLM) samples-F1 coarse 0.55 / fine 0.43; all-Other ~0.27",
    "framing": "'Antagonist' for every mention: main-role accuracy ~0.80 (English)",
    "techniques-reader": "the default (techniques.v2); same references as techniques",
    "framing-reader": "the default (framing.v2); majority_main: each language's most frequent main role",
}


def rows(validation: dict[str, Any], metric: str) -> tuple[list[str], list[list[str]]]:
    """Languages as rows; a float per language becomes one column named after the metric."""
    langs = sorted(k for k in validation if k != "all") + (["all"] if "all" in validation else [])
    columns: list[str] = []
    for lang in langs:
        value = validation[lang]
        for key in value if isinstance(value, dict) else [metric]:
            if key not in columns:
                columns.append(key)
    table = []
    for lang in langs:
        value = validation[lang] if isinstance(validation[lang], dict) else {metric: validation[lang]}
        table.append([lang] + [_fmt(value.get(c)) for c in columns])
    return columns, table


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() and v > 1 else f"{v:.3f}"
    return "" if v is None else str(v)


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    for task in TASKS:
        path = model_dir(task) / "manifest.json"
        if not path.is_file():
            continue
        manifest = json.loads(path.read_text())
        validation = manifest.get("validation", {})
        metric = str(manifest.get("validation_metric", "score"))
        columns, table = rows(validation, metric)
        print(
            f"\n## {task} (model {manifest.get('name')}-{manifest.get('version')}; "
            f"{manifest.get('validation_split', 'by-id split')})"
        )
        print(f"reference: {PUBLISHED[task]}\n")
        print("| language | " + " | ".join(columns) + " |")
        print("|---" * (len(columns) + 1) + "|")
        for r in table:
            print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
