"""Entity finding from the reader's token rows, against the capitalised-span + gazetteer finder, by id blocks.

Usage: python bench/mention_tagger.py [--data ../shared/datasets] [--blocks 4] [--cache .cache/tagger]

The shipped reader reads every SemEval-2025 subtask-1 article once (cached). A token is positive when it
overlaps an annotated mention (the annotations cover the entities that carry a role). A logistic regression
over each token's row and the mean of its neighbours' rows is fit on all blocks of ids but one (every
positive token, one negative in ``--neg``), and on the held-out block three finders are scored by overlap
matching against the annotated mentions, per language:
- ``finder``: the shipped finder (``entities.find_entities``, capitalised spans, gazetteer, Devanagari names);
- ``tagger``: runs of tokens whose probability passes the cut-off, widened to whole words;
- ``finder∩tagger``: the finder's mentions whose best token passes the cut-off (the tagger as a filter);
- ``finder∪tagger``: both sets of spans;
- ``finder∪caseless``: the finder's spans and the tagger's in scripts without letter case (Devanagari...),
  where capitalisation cannot mark a name.
Each finder's cut-off is the one with its best overlap F1 on the training blocks' documents (out of fold it
would be cleaner; the tagger is linear and the blocks are large, so the gap is small). Prints mean and spread.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
from pathlib import Path

import numpy as np

from narrascope.datasets.split import natural_key
from narrascope.entities.tagger import caseless, runs, token_features, token_labels

ROOT = Path(__file__).resolve().parents[1]
CUTS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


def readings(data: Path, cache: Path) -> list[dict]:
    path = cache / "tokens.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    from narrascope.entities import find_entities
    from narrascope.entities.annotations import load_roles
    from narrascope.reader import get_reader

    docs, _ = load_roles(data)
    reader = get_reader()
    out = []
    for k, d in enumerate(docs):
        text = d.article.text
        reading = reader.read(text)
        offsets = np.asarray(reading.tokens.offsets, dtype=np.int64)
        gold = [(m.start, m.end) for m in d.mentions]
        found = [(m.start, m.end) for m in find_entities(text, d.article.lang, prefer_ner=False)]
        out.append(
            {
                "id": d.article.id,
                "lang": d.article.lang,
                "text": text,
                "hidden": reading.hidden.astype(np.float16),
                "offsets": offsets,
                "gold": gold,
                "found": found,
            }
        )
        if (k + 1) % 100 == 0:
            print(f"  read {k + 1}/{len(docs)}", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def labels(doc: dict) -> np.ndarray:
    """1 for each token that overlaps an annotated mention (as ``narrascope train framing`` labels them)."""
    return token_labels(doc["offsets"], doc["gold"])


def blocks_of(docs: list[dict], blocks: int) -> list[int]:
    out = {}
    for lg in sorted({d["lang"] for d in docs}):
        ids = sorted({d["id"] for d in docs if d["lang"] == lg}, key=natural_key)
        n = len(ids)
        for b in range(blocks):
            for i in ids[round(n * b / blocks) : round(n * (b + 1) / blocks)]:
                out[(lg, i)] = b
    return [out[(d["lang"], d["id"])] for d in docs]


def spans(doc: dict, p: np.ndarray, cut: float) -> list[tuple[int, int]]:
    """Runs of tokens over the cut-off, widened to whole words (the shipped tagger's ``runs``)."""
    return runs(doc["text"], doc["offsets"], p >= cut)


def best_token(doc: dict, p: np.ndarray, span: tuple[int, int]) -> float:
    o = doc["offsets"]
    sel = (o[:, 0] < span[1]) & (span[0] < o[:, 1])
    return float(p[sel].max()) if sel.any() else 0.0


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def finders(doc: dict, p: np.ndarray, cut: float) -> dict[str, list[tuple[int, int]]]:
    tagged = spans(doc, p, cut)
    kept = [f for f in doc["found"] if best_token(doc, p, f) >= cut]
    return {
        "finder": doc["found"],
        "tagger": tagged,
        "finder∩tagger": kept,
        "finder∪tagger": doc["found"] + [t for t in tagged if not _overlaps(t, doc["found"])],
        "finder∪caseless": doc["found"]
        + [t for t in tagged if not _overlaps(t, doc["found"]) and caseless(doc["text"][t[0] : t[1]])],
    }


Scores = dict[str, dict[str, tuple[float, float, float]]]


def prf(docs: list[dict], probs: list[np.ndarray], cut: float) -> Scores:
    from narrascope.entities import overlap_counts

    counts: dict[tuple[str, str], list[int]] = {}
    for d, p in zip(docs, probs, strict=True):
        for name, found in finders(d, p, cut).items():
            hp, hr = overlap_counts(found, d["gold"])
            for lg in (d["lang"], "all"):
                c = counts.setdefault((name, lg), [0, 0, 0, 0])
                c[0] += hp
                c[1] += len(found)
                c[2] += hr
                c[3] += len(d["gold"])
    out: Scores = {}
    for (name, lg), c in counts.items():
        pr, rc = c[0] / max(1, c[1]), c[2] / max(1, c[3])
        out.setdefault(name, {})[lg] = (pr, rc, 2 * pr * rc / max(1e-9, pr + rc))
    return out


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "tagger")
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--neg", type=int, default=8, help="keep one negative token in NEG for training")
    ap.add_argument("--c", type=float, default=0.5)
    args = ap.parse_args()
    docs = readings(args.data, args.cache)
    for d in docs:
        d["y"] = labels(d)
    print(f"{sum(int(d['y'].sum()) for d in docs)} of {sum(len(d['y']) for d in docs)} tokens in mentions")
    block = blocks_of(docs, args.blocks)
    rng = np.random.default_rng(0)
    results: list[dict] = []
    for held in range(args.blocks):
        xs, ys, ws = [], [], []
        for d, b in zip(docs, block, strict=True):
            if b == held:
                continue
            x = token_features(d["hidden"])
            keep = (d["y"] == 1) | (rng.random(len(x)) < 1 / args.neg)
            xs.append(x[keep])
            ys.append(d["y"][keep])
            ws.append(np.where(d["y"][keep] == 1, 1.0, float(args.neg)))
        clf = LogisticRegression(C=args.c, max_iter=300)
        clf.fit(np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws))
        train = [i for i, b in enumerate(block) if b != held]
        test = [i for i, b in enumerate(block) if b == held]
        probs = {i: clf.predict_proba(token_features(docs[i]["hidden"]))[:, 1] for i in range(len(docs))}
        train_docs, train_probs = [docs[i] for i in train], [probs[i] for i in train]
        test_docs, test_probs = [docs[i] for i in test], [probs[i] for i in test]
        on_train = {c: prf(train_docs, train_probs, c) for c in CUTS}
        res: Scores = {}
        cuts = {}
        for name in on_train[CUTS[0]]:
            # each finder at its own cut-off: the best overall F1 on the training blocks' documents
            cuts[name] = max(CUTS, key=lambda c, n=name: on_train[c][n]["all"][2])
            res[name] = prf(test_docs, test_probs, cuts[name])[name]
        print(f"block {held}: cut-offs {cuts}", flush=True)
        results.append(res)
        for name, by in res.items():
            print(f"  {name:>14}: " + " ".join(f"{lg} {v[0]:.2f}/{v[1]:.2f}" for lg, v in sorted(by.items())))
    print("\n| finder | language | precision | recall | F1 |\n|---|---|---|---|---|")
    for name in results[0]:
        for lg in sorted(results[0][name]):
            vals = [r[name][lg] for r in results]
            cells = []
            for k in range(3):
                xs_ = [v[k] for v in vals]
                cells.append(f"{statistics.mean(xs_):.3f} ± {statistics.pstdev(xs_):.3f}")
            print(f"| {name} | {lg} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
