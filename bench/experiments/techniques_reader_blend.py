"""The reader's token scores averaged with the sentence ridge head of ``techniques.v1``'s recipe.

    python bench/experiments/techniques_reader_blend.py --work .train/techniques [--weights 1,0.7,0.5,0.3,0]

Each token's score becomes ``w * reader + (1 - w) * ridge``, the ridge score being that of the sentence the
token lies in (the v1 recipe: shared multilingual USE features, context, hashed n-grams), fitted on the
same fine-tuning articles as the reader (never on the threshold or held-out ones). Cut-offs are tuned on
the threshold articles for each weight, and the held-out block is scored with the official subtask-3 scorer
and the span scorer. The reader runs in torch from the training folder's checkpoint. About 15 minutes on two
cores (the USE pass over 1,251 articles, the ridge fit, two reads of 448 articles).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> None:
    import numpy as np

    from narrascope.analyze.tagging import spread_to_tokens
    from narrascope.datasets.spans import load_st3, read_techniques
    from narrascope.reader.tokenizer import tokenize
    from narrascope.train.tagger import token_probs
    from narrascope.train.tagger_eval import Scored, load_checkpoint, split_golds, tune, validate
    from narrascope.train.techniques import Hyper, build_examples, fit_head

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("NARRASCOPE_DATA", "../shared/datasets")))
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--weights", default="1,0.7,0.5,0.3,0")
    a = p.parse_args()
    labels = read_techniques(a.data)
    golds = load_st3(a.data)
    tune_g, held_g = split_golds(golds, a.work)
    skip = {id(g) for g in tune_g + held_g}
    examples = build_examples(golds, labels, lambda s: print(s, flush=True))
    by_gold = {id(e.gold): e for e in examples}
    ridge = fit_head([e for e in examples if id(e.gold) not in skip], "multi", labels, Hyper())
    tagger, _ = load_checkpoint(a.work, len(labels))

    def parts(chosen: list) -> list[tuple[Scored, np.ndarray]]:  # type: ignore[type-arg]
        out = []
        for g in chosen:
            e = by_gold[id(g)]
            tokens = tokenize(e.doc.text)
            spans = [(s.start, s.end) for s in e.doc.sentences]
            per_token = spread_to_tokens(tokens.offsets, spans, ridge.scores(e.x, e.lex))
            out.append((Scored(e, tokens, token_probs(tagger, tokens)), per_token))
        return out

    tuned, held = parts(tune_g), parts(held_g)
    for w in (float(x) for x in a.weights.split(",")):

        def mix(rows: list[tuple[Scored, np.ndarray]], w: float = w) -> list[Scored]:
            return [
                Scored(s.example, s.tokens, (w * s.probs + (1 - w) * r).astype(np.float32)) for s, r in rows
            ]

        cut = tune(mix(tuned), labels)
        figs, _ = validate(mix(held), labels, cut)
        print(
            f"reader weight {w}: en st3 {figs['en'].st3:.4f} spans {figs['en'].spans:.4f}; "
            f"all st3 {figs['all'].st3:.4f} spans {figs['all'].spans:.4f}; extend {cut.extend_ratio}",
            flush=True,
        )


if __name__ == "__main__":
    main()
