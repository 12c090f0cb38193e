"""Narratives with the reader's pooled sentence vectors beside USE's, on blocks of document ids.

Usage: python bench/experiments/narratives_reader.py [--data ../shared/datasets] [--blocks 4] [--only B]

The narratives recipe (``train.narratives``: pooled sentence vectors, language one-hot, hashed n-grams, one
joint logistic regression, cut-offs tuned out-of-fold) is fit twice on all blocks but one: on the USE vectors
(``use``, the committed recipe) and on USE and the shipped reader's sentence vectors side by side
(``use+reader``), the reader's block only in languages outside USE's sixteen (``gated``: Bulgarian, Hindi),
or the reader's instead of USE's there (``swap``); each is scored on the held-out block (samples-F1, coarse
and fine), every block in turn.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np

from narrascope.datasets.split import natural_key

ROOT = Path(__file__).resolve().parents[2]
# USE multilingual v3's languages (zh-cn and zh-tw as "zh")
USE_LANGUAGES = {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}


def matrices(data: Path, cache: Path):
    path = cache / "narrative_rows.pkl"
    from narrascope.datasets.semeval2025 import load_narratives

    docs = load_narratives(data)
    if path.is_file():
        use, rd = pickle.loads(path.read_bytes())
        return docs, use, rd
    from narrascope.extract import prepare
    from narrascope.pipeline import FeatureCache
    from narrascope.reader import get_reader
    from narrascope.reader.runtime import sentence_rows

    cache_use = FeatureCache(max_items=10)
    reader = get_reader()
    use, rd = [], []
    for k, d in enumerate(docs):
        doc = prepare(d.article)
        use.append(cache_use.encode("multi", doc.sentence_texts()))
        rd.append(sentence_rows(reader.read(doc.text), doc.sentences))
        if (k + 1) % 100 == 0:
            print(f"  read {k + 1}/{len(docs)}", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((use, rd)))
    return docs, use, rd


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "framing")
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--only", type=int, default=-1)
    ap.add_argument("--sets", default="use,use+reader,gated,swap")
    args = ap.parse_args()
    from narrascope.taxonomy import builtin_taxonomy
    from narrascope.train.narratives import (
        Settings,
        _rows,
        document_matrix,
        evaluate,
        fit_model,
        label_matrix,
        lexical_matrix,
    )

    docs, use, rd = matrices(args.data, args.cache)
    taxonomy = builtin_taxonomy()
    settings = replace(Settings(), languages=tuple(sorted({d.article.lang for d in docs} - {""})))
    y, _ = label_matrix(docs, taxonomy)
    lex = lexical_matrix(docs, settings)
    both = [np.hstack([u, r]) for u, r in zip(use, rd, strict=True)]
    # languages outside USE multilingual v3's sixteen (its vectors are not aligned there): the reader's block
    # only there ("gated"), or the reader's instead of USE's there ("swap")
    outside = [d.article.lang not in USE_LANGUAGES for d in docs]
    gated = [np.hstack([u, r * float(o)]) for u, r, o in zip(use, rd, outside, strict=True)]
    swap = [np.hstack([u * float(not o), r * float(o)]) for u, r, o in zip(use, rd, outside, strict=True)]
    block = {}
    for lg in sorted({d.article.lang for d in docs}):
        members = sorted((d.article.id for d in docs if d.article.lang == lg), key=natural_key)
        n = len(members)
        for b in range(args.blocks):
            for i in members[round(n * b / args.blocks) : round(n * (b + 1) / args.blocks)]:
                block[i] = b
    blk = np.array([block[d.article.id] for d in docs])
    results: dict[str, list[dict]] = {}
    sets = {"use": use, "use+reader": both, "gated": gated, "swap": swap}
    for name in args.sets.split(","):
        mats = sets[name]
        x = document_matrix(docs, mats, settings)
        for b in range(args.blocks) if args.only < 0 else [args.only]:
            tr, he = blk != b, blk == b
            tr_docs = [d for d, t in zip(docs, tr, strict=True) if t]
            he_docs = [d for d, t in zip(docs, he, strict=True) if t]
            det = fit_model(taxonomy, tr_docs, x[tr], y[tr], settings, _rows(lex, tr))
            row = evaluate(det, he_docs, x[he])
            results.setdefault(name, []).append(row)
            print(
                f"{name} block {b}: "
                + "  ".join(f"{lg} {v['coarse']:.3f}/{v['fine']:.3f}" for lg, v in row.items()),
                flush=True,
            )
    for name, runs in results.items():
        print(f"== {name}")
        for lg in runs[0]:
            c = [r[lg]["coarse"] for r in runs]
            f = [r[lg]["fine"] for r in runs]
            print(
                f"  {lg}: coarse {statistics.mean(c):.3f}±{statistics.pstdev(c):.3f}  "
                f"fine {statistics.mean(f):.3f}±{statistics.pstdev(f):.3f}"
            )


if __name__ == "__main__":
    main()
