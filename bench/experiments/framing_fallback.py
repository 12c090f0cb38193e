"""Entity roles falling back on the language's majority main role where the model is unsure, on id blocks.

Usage: python bench/experiments/framing_fallback.py [--blocks 4] [--cache .cache/framing]
(after bench/framing_reader.py, whose feature tables it reads)

framing.v2's heads (``both``: USE and reader features) are fit on all blocks but one. Per language, a cut-off
on the decided main role's probability is tuned on out-of-fold predictions of the training blocks (inner
folds by document): below it the mention gets the language's majority main role (and its best fine role
under that main role). A cut-off of 1 is the majority baseline itself, so on the training blocks the rule is
never below it. Scored on the held-out block (official subtask-1 scorer) beside the model without fallback
and the majority, every block in turn.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for framing_reader
from framing_reader import blocks_of, build

ROOT = Path(__file__).resolve().parents[2]
CUTS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def decide_with(pm, pf, thresholds, majority: int, cut: float):
    from narrascope.analyze.framing import MAIN_ROLES, decide

    d = decide(pm, pf, thresholds)
    if d.score >= cut:
        return d
    one = np.zeros(len(MAIN_ROLES), dtype=np.float32)
    one[majority] = 1.0
    return decide(one, pf, thresholds)


def main() -> None:
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES
    from narrascope.scoring import Roles, score_2025_st1
    from narrascope.train.framing import fit_model

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "framing")
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--inner", type=int, default=4)
    ap.add_argument("--c", type=float, default=0.5)
    args = ap.parse_args()
    t = build(args.data, args.cache)
    x = np.concatenate([t["use"], t["reader"]], axis=1)
    blk = blocks_of(t["doc"], t["lang"], args.blocks)
    langs = sorted(set(t["lang"]))
    res: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for b in range(args.blocks):
        train = np.flatnonzero(blk != b)
        held = np.flatnonzero(blk == b)
        majority = {
            lg: int(np.bincount(t["main"][[i for i in train if t["lang"][i] == lg]], minlength=3).argmax())
            for lg in langs
        }
        # out-of-fold probabilities on the training blocks, folds by document
        docs = sorted(set(t["doc"][train]))
        fold = {d: k % args.inner for k, d in enumerate(docs)}
        f_of = np.array([fold[t["doc"][i]] for i in train])
        pm = np.zeros((len(train), 3), dtype=np.float32)
        pf = np.zeros((len(train), len(FINE_ROLES)), dtype=np.float32)
        for k in range(args.inner):
            tr, te = train[f_of != k], f_of == k
            m = fit_model(x[tr], t["main"][tr], t["fine"][tr], args.c)
            pm[te], pf[te] = m.probabilities(x[train[te]])
        model = fit_model(x[train], t["main"][train], t["fine"][train], args.c)
        cuts = {}
        for lg in langs:
            rows = [r for r, i in enumerate(train) if t["lang"][i] == lg]
            gold_main = t["main"][train[rows]]
            thresholds, maj = model.fine.thresholds, majority[lg]
            accuracy = {
                cut: float(
                    np.mean([decide_with(pm[r], pf[r], thresholds, maj, cut).main for r in rows] == gold_main)
                )
                for cut in CUTS
            }
            cuts[lg] = max(CUTS, key=lambda c: (accuracy[c], -c))
        hm, hf = model.probabilities(x[held])
        print(f"block {b}: cut-offs {cuts}", flush=True)
        for lg in [*langs, "all"]:
            sel = [r for r, i in enumerate(held) if lg == "all" or t["lang"][i] == lg]
            out = {}
            for name in ("model", "fallback", "majority"):
                gold, pred = {}, {}
                for r in sel:
                    i = held[r]
                    key = str(t["key"][i])
                    gold[key] = Roles(
                        MAIN_ROLES[t["main"][i]], tuple(FINE_ROLES[j] for j in np.flatnonzero(t["fine"][i]))
                    )
                    lang = str(t["lang"][i])
                    cut = {"model": 0.0, "fallback": cuts[lang], "majority": 1.01}[name]
                    d = decide_with(hm[r], hf[r], model.fine.thresholds, majority[lang], cut)
                    pred[key] = Roles(MAIN_ROLES[d.main], tuple(FINE_ROLES[j] for j in d.fine))
                rep = score_2025_st1(gold, pred)
                out[name] = (rep.official, rep.metrics["main-role accuracy"])
                res.setdefault(name, {}).setdefault(lg, []).append(out[name])
            print(
                f"  {lg}: " + "  ".join(f"{n} {v[0]:.3f}/{v[1]:.3f}" for n, v in out.items()),
                flush=True,
            )
    print("\n| rule | language | EMR | main | per block main |\n|---|---|---|---|---|")
    for name, by in res.items():
        for lg, runs in by.items():
            emr, acc_ = [r[0] for r in runs], [r[1] for r in runs]
            print(
                f"| {name} | {lg} | {statistics.mean(emr):.3f} ± {statistics.pstdev(emr):.3f} | "
                f"{statistics.mean(acc_):.3f} ± {statistics.pstdev(acc_):.3f} | "
                + " ".join(f"{a:.3f}" for a in acc_)
                + " |"
            )


if __name__ == "__main__":
    main()
