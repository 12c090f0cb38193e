"""The reader's technique tagger, held out: figures per language, their spread over sub-blocks of ids, and
the two int8 schemes side by side.

    python bench/techniques_reader.py --work .train/techniques [--schemes weight-only,...]

``--work`` is a finished training folder of ``narrascope train techniques`` (its checkpoint; nothing is
trained again). For each scheme the recipe exports the reader, tunes the cut-offs on the threshold articles
and scores the held-out block through the exported reader, as it ships; the held-out articles of each
language are then cut into ``--sub`` runs of ids, and the official st3 micro-F1 is given per run (mean and
spread), in English and over all languages, with the reader's time per article. Needs the ``train`` extra;
about 5 minutes a scheme on two cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    import numpy as np

    from narrascope.analyze.heads import LinearHead
    from narrascope.datasets.spans import load_st3, read_techniques
    from narrascope.datasets.split import natural_key
    from narrascope.reader.runtime import Reader
    from narrascope.reader.windows import merge, window_ids
    from narrascope.train.tagger_eval import Cutoffs, score_articles, split_golds, validate
    from narrascope.train.techniques_reader import train_techniques_reader

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("NARRASCOPE_DATA", "../shared/datasets")))
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--schemes", default="weight-only,weight-only-then-dynamic")
    p.add_argument("--sub", type=int, default=4)
    a = p.parse_args()
    labels = read_techniques(a.data)
    _, held = split_golds(load_st3(a.data), a.work)
    for scheme in a.schemes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            report = train_techniques_reader(a.data, out, work=a.work, scheme=scheme)
            print(f"## {scheme}")
            for lang, fig in report.validation.items():
                print(f"  {lang}: {fig.line()}")
            reader = Reader.from_onnx(out / "reader" / "model.onnx")
            head = LinearHead.load(out / "techniques-reader")
            cut = Cutoffs(head.thresholds, float(head.info["extend_ratio"]))
            spent: list[float] = []

            def probs(
                tokens: object, reader: Reader = reader, head: LinearHead = head, spent: list[float] = spent
            ) -> np.ndarray:
                ids = np.asarray(tokens.ids)  # type: ignore[attr-defined]
                t0 = time.perf_counter()
                batch, wins = window_ids(ids, reader.size)
                rows = merge(reader.run_ids(batch), wins, len(ids))
                spent.append(time.perf_counter() - t0)
                return head.scores(rows)

            scored = score_articles(probs, held)
            print(f"  reader: {1000 * statistics.median(spent):.0f} ms per held-out article (median)")
            for scope in ("en", "all"):
                part = [s for s in scored if scope in ("all", s.example.doc.lang)]
                runs = []
                for k in range(a.sub):
                    chosen = []
                    for lang in sorted({s.example.doc.lang for s in part}):
                        mine = sorted(
                            (s for s in part if s.example.doc.lang == lang),
                            key=lambda s: natural_key(s.example.doc.article.id),
                        )
                        n = len(mine)
                        chosen += mine[round(n * k / a.sub) : round(n * (k + 1) / a.sub)]
                    figs, _ = validate(chosen, labels, cut)
                    runs.append(figs["all"].st3)
                spread = statistics.pstdev(runs)
                print(
                    f"  st3 {scope} over {a.sub} runs of held-out ids: "
                    f"{' / '.join(f'{r:.3f}' for r in runs)}; "
                    f"mean {statistics.mean(runs):.3f}, sd {spread:.3f}"
                )


if __name__ == "__main__":
    main()
