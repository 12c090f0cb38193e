"""The shipped ``techniques.v2`` on its held-out block, through the detector as it runs, with the spread
over runs of held-out ids and the time per article.

    python bench/techniques_reader.py [--work .train/techniques] [--sub 4]

``--work`` is the training folder the shipped model came from (its ``split.json`` names the held-out
articles; ``narrascope train techniques --work DIR`` writes it). Each held-out article is analysed by an
``Analyzer`` with the ``techniques`` detector alone (the reader pass, the shared multilingual features for
the averaged ridge head), its findings scored with the official subtask-3 scorer and the span scorer; then
each language's held-out ids are cut into ``--sub`` runs and st3 is given per run, in English and over all
languages (mean and spread). These figures must equal the training recipe's (the manifest's): same model,
same articles. About 5 minutes on two cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path


def main() -> None:
    from narrascope.datasets.spans import load_st3, read_techniques
    from narrascope.datasets.split import natural_key
    from narrascope.pipeline import Analyzer
    from narrascope.train.tagger_eval import split_golds
    from narrascope.train.techniques import Example, evaluate_docs

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("NARRASCOPE_DATA", "../shared/datasets")))
    p.add_argument("--work", type=Path, default=Path(".train/techniques"))
    p.add_argument("--sub", type=int, default=4)
    a = p.parse_args()
    labels = read_techniques(a.data)
    _, held = split_golds(load_st3(a.data), a.work)
    analyzer = Analyzer(detectors=("techniques",))
    found, examples, spent = {}, [], []
    for g in held:
        doc = analyzer.prepare(g.article)
        t0 = time.perf_counter()
        result = analyzer.analyze_documents([doc])[0].result("techniques")
        spent.append(time.perf_counter() - t0)
        assert result is not None
        found[g.article.id] = result.findings
        examples.append(Example(g, doc, "reader", None, None, None))  # type: ignore[arg-type]
    print(f"{len(held)} held-out articles; {1000 * statistics.median(spent):.0f} ms per article (median)")
    figs, _ = evaluate_docs(lambda e: found[e.doc.article.id], examples, labels)
    for lang, fig in figs.items():
        print(f"  {lang}: {fig.line()}")
    for scope in ("en", "all"):
        runs = []
        for k in range(a.sub):
            chosen = []
            for lang in sorted({e.doc.lang for e in examples if scope in ("all", e.doc.lang)}):
                mine = sorted(
                    (e for e in examples if e.doc.lang == lang), key=lambda e: natural_key(e.doc.article.id)
                )
                chosen += mine[round(len(mine) * k / a.sub) : round(len(mine) * (k + 1) / a.sub)]
            part, _ = evaluate_docs(lambda e: found[e.doc.article.id], chosen, labels)
            runs.append(part["all"].st3)
        print(
            f"  st3 {scope} over {a.sub} runs of held-out ids: {' / '.join(f'{r:.3f}' for r in runs)}; "
            f"mean {statistics.mean(runs):.3f}, sd {statistics.pstdev(runs):.3f}"
        )


if __name__ == "__main__":
    main()
