"""Genre and frames heads over the reader's sentence vectors against the multilingual USE vectors.

    python bench/experiments/heads_on_reader.py [--spaces multi,reader] [--tasks genre,frames]

Each head is the ``narrascope train genre|frames`` recipe (``train.heads.train_head``: pooled document
vectors, a linear head, thresholds tuned in folds) on the by-id split, once per feature space; ``reader`` is
the shipped reader's pass over each article, pooled per sentence (``reader.runtime.sentence_rows``). Prints
the validation figure per language. About 10 minutes on two cores (the reader reads 1,251 articles once;
genre and frames share the pass).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> None:
    from narrascope.train.heads import train_head

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("NARRASCOPE_DATA", "../shared/datasets")))
    p.add_argument("--spaces", default="multi,reader")
    p.add_argument("--tasks", default="genre,frames")
    a = p.parse_args()
    for task in a.tasks.split(","):
        for space in a.spaces.split(","):
            report = train_head(task, a.data, None, space=space)
            figs = ", ".join(f"{k} {v:.3f}" for k, v in report.validation.items())
            print(f"{task} on {space}: {figs}", flush=True)


if __name__ == "__main__":
    main()
