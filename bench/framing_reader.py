"""Entity roles on the reader's token rows against the USE features of framing.v1, on blocks of ids.

Usage: python bench/framing_reader.py [--data ../shared/datasets] [--blocks 4] [--cache .cache/framing]

Per mention, three feature sets:
- ``use``: framing.v1's features (``entities.features.mention_features`` over the USE sentence vectors);
- ``reader``: the same construction over the reader's sentence vectors, plus the mean rows of the
  mention's own tokens, of every mention of its entity, and of the 32 tokens either side of the mention;
- ``both``: the two concatenated.
Each is fit (a softmax over main roles, a sigmoid per fine role, as ``train.framing.fit_model``) on all
blocks but one and scored on the held-out block with the official subtask-1 scorer, for every block in
turn, beside the per-language majority main role of the training part. Prints mean and spread.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import numpy as np

from narrascope.datasets.split import natural_key
from narrascope.entities.annotations import load_roles
from narrascope.entities.features import MentionRef, mention_features
from narrascope.entities.grouping import canonical_names
from narrascope.extract import prepare
from narrascope.pipeline import FeatureCache
from narrascope.reader import get_reader
from narrascope.reader.runtime import sentence_rows

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 32


def token_span(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Indices [a, b) of the tokens that overlap the character span [start, end)."""
    a = int(np.searchsorted(offsets[:, 1], start, side="right"))
    b = int(np.searchsorted(offsets[:, 0], end, side="left"))
    return a, max(b, a + 1)


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def reader_mention_rows(hidden, offsets, sent_rows, doc, refs):
    """Per mention: [mention tokens, entity's mentions, local window] mean rows (normalised)."""
    own = []
    for r in refs:
        a, b = token_span(offsets, r.start, r.end)
        a, b = min(a, len(hidden) - 1), min(b, len(hidden))
        own.append(unit(hidden[a:b].mean(axis=0)))
    by = {}
    for i, r in enumerate(refs):
        by.setdefault(r.entity, []).append(i)
    ent = {e: unit(np.mean([own[i] for i in ix], axis=0)) for e, ix in by.items()}
    out = []
    for i, r in enumerate(refs):
        a, b = token_span(offsets, r.start, r.end)
        win = hidden[max(0, a - WINDOW) : min(len(hidden), b + WINDOW)]
        out.append(np.concatenate([own[i], ent[r.entity], unit(win.mean(axis=0))]))
    return np.array(out, dtype=np.float32)


def build(data: Path, cache: Path) -> dict[str, np.ndarray]:
    path = cache / "tables.npz"
    if path.is_file():
        return dict(np.load(path, allow_pickle=True))
    docs, _ = load_roles(data)
    reader = get_reader()
    use = FeatureCache(max_items=10)
    x_use, x_rd, main, fine, ids, langs, keys = [], [], [], [], [], [], []
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES

    for k, d in enumerate(docs):
        document = prepare(d.article)
        names = canonical_names([m.entity for m in d.mentions], ["NAME"] * len(d.mentions))
        refs = [MentionRef(m.start, m.end, n) for m, n in zip(d.mentions, names, strict=True)]
        u = use.encode("multi", document.sentence_texts())
        x_use.append(mention_features(u, document.sentences, d.article.text, refs, d.article.lang))
        reading = reader.read(document.text)
        srows = sentence_rows(reading, document.sentences)
        base = mention_features(srows, document.sentences, d.article.text, refs, d.article.lang)
        tok = reader_mention_rows(reading.hidden, reading.tokens.offsets, srows, document, refs)
        x_rd.append(np.concatenate([base, tok], axis=1))
        for m in d.mentions:
            main.append(MAIN_ROLES.index(m.main) if m.main in MAIN_ROLES else 1)
            fine.append([int(r in m.fine) for r in FINE_ROLES])
            ids.append(d.article.id)
            langs.append(d.article.lang)
            keys.append("\t".join((d.file, m.entity, str(m.raw_start), str(m.raw_end))))
        if (k + 1) % 50 == 0:
            print(f"  {k + 1}/{len(docs)} documents", flush=True)
    tables = {
        "use": np.concatenate(x_use),
        "reader": np.concatenate(x_rd),
        "main": np.array(main),
        "fine": np.array(fine),
        "doc": np.array(ids),
        "lang": np.array(langs),
        "key": np.array(keys),
    }
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **tables)
    return tables


def blocks_of(doc: np.ndarray, lang: np.ndarray, blocks: int) -> np.ndarray:
    """Per mention, the block of its document (per language, ids in id order cut into runs)."""
    block_of = {}
    for lg in sorted(set(lang)):
        members = sorted({d for d, g in zip(doc, lang, strict=True) if g == lg}, key=natural_key)
        n = len(members)
        for b in range(blocks):
            for d in members[round(n * b / blocks) : round(n * (b + 1) / blocks)]:
                block_of[d] = b
    return np.array([block_of[d] for d in doc])


def score(t, x, train, held, c, tune=False):
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES, decide
    from narrascope.scoring import Roles, score_2025_st1
    from narrascope.train.framing import MentionTable, fit_model, tune_thresholds

    table = MentionTable(x, t["main"], t["fine"], list(t["doc"]), list(t["lang"]), [])
    model = fit_model(x[train], t["main"][train], t["fine"][train], c)
    if tune:
        model.fine.thresholds = tune_thresholds(table, train, c)
    pm, pf = model.probabilities(x)
    out = {}
    for lg in [*sorted(set(t["lang"])), "all"]:
        sel = [i for i in np.flatnonzero(held) if lg == "all" or t["lang"][i] == lg]
        gold, pred, base = {}, {}, {}
        for i in sel:
            key = tuple(str(t["key"][i]).split("\t"))
            gold[key] = Roles(
                MAIN_ROLES[t["main"][i]], tuple(FINE_ROLES[j] for j in np.flatnonzero(t["fine"][i]))
            )
            dd = decide(pm[i], pf[i], model.fine.thresholds)
            pred[key] = Roles(MAIN_ROLES[dd.main], tuple(FINE_ROLES[j] for j in dd.fine))
            tr = [j for j in np.flatnonzero(train) if t["lang"][j] == t["lang"][i]]
            maj = int(np.bincount(t["main"][tr], minlength=3).argmax())
            base[key] = Roles(MAIN_ROLES[maj], ())
        r, rb = score_2025_st1(gold, pred), score_2025_st1(gold, base)
        out[lg] = (r.official, r.metrics["main-role accuracy"], rb.metrics["main-role accuracy"], len(sel))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "framing")
    ap.add_argument("--c", type=float, default=0.5)
    ap.add_argument("--sets", default="use,reader,both")
    ap.add_argument("--tune", action="store_true", help="tune the extra fine roles' cut-offs (slow)")
    args = ap.parse_args()
    t = build(args.data, args.cache)
    blk = blocks_of(t["doc"], t["lang"], args.blocks)
    results = {}
    for name in args.sets.split(","):
        x = {"use": t["use"], "reader": t["reader"]}.get(name)
        if x is None:
            x = np.concatenate([t["use"], t["reader"]], axis=1)
        runs = [score(t, x, blk != b, blk == b, args.c, args.tune) for b in range(args.blocks)]
        results[name] = runs
        print(f"== {name} (C={args.c})")
        for lg in runs[0]:
            emr = [r[lg][0] for r in runs]
            acc = [r[lg][1] for r in runs]
            base = [r[lg][2] for r in runs]
            print(
                f"  {lg}: EMR {statistics.mean(emr):.3f}±{statistics.pstdev(emr):.3f}  main "
                f"{statistics.mean(acc):.3f}±{statistics.pstdev(acc):.3f}  majority "
                f"{statistics.mean(base):.3f}  blocks main {' '.join(f'{a:.3f}' for a in acc)}",
                flush=True,
            )
    (args.cache / f"results-{args.c}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
