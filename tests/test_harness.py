"""The training harness (``train.harness``), and each recipe's loop on it checked against the loop it
replaced: the old code is copied here as it was, run beside the new on small synthetic problems (random
features and labels we generate), and the splits and out-of-block predictions must be identical."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from narrascope.datasets.split import natural_key, split_by_id
from narrascope.train.harness import (
    best_cut,
    binary_f1,
    block_edges,
    by_id_train,
    held_out,
    id_blocks,
    key_folds,
    mean_sd,
    natural_order,
    out_of_block,
    per_language,
    striped,
)


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    """Ids shaped like the corpora's (``EN_17``, ``123``), unique, in shuffled order."""
    nums = rng.choice(5000, size=n, replace=False)
    return [f"{'EN_' if k % 3 else ''}{v}" for k, v in enumerate(nums)]


# ------------------------------------------------------------------------------------------------ splits


def test_natural_order_and_blocks_are_contiguous_runs() -> None:
    ids = ["10", "9", "11", "1", "EN_2", "EN_10"]
    # a digit run sorts as a number, and after a letter: EN_2 < EN_10 < 1 < 9 < 10
    assert [ids[i] for i in natural_order(ids)] == ["EN_2", "EN_10", "1", "9", "10", "11"]
    assert id_blocks(ids, 2).tolist() == [1, 1, 1, 0, 0, 0]
    langs = ["a", "a", "b", "b", "a", "b"]
    assert [ids[i] for i in natural_order(ids, langs)] == ["EN_2", "9", "10", "EN_10", "1", "11"]
    assert id_blocks(ids, 3, langs, rounding="round").tolist() == [2, 1, 2, 1, 0, 0]
    assert block_edges(10, 4) == [0, 3, 5, 8, 10] and block_edges(10, 4, "round") == [0, 2, 5, 8, 10]


@pytest.mark.parametrize("seed", range(6))
def test_last_of_four_round_blocks_is_the_by_id_split(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = _ids(rng, 60)
    langs = [str(v) for v in rng.choice(["en", "fr", "ru"], size=60)]
    block = id_blocks(ids, 4, langs, rounding="round")
    _, val = split_by_id(ids, langs)
    assert {i for i, b in zip(ids, block, strict=True) if b == 3} == val
    assert by_id_train(ids, langs).tolist() == [i not in val for i in ids]


def test_striped_and_key_folds() -> None:
    assert striped(7, 3).tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert key_folds(["b", "a", "b", "c", "d"], 2).tolist() == [1, 0, 1, 0, 1]


def test_held_out_loop_fits_on_the_other_blocks() -> None:
    block = np.array([0, 1, 0, 2, 1])
    seen = [(f.block, f.train.tolist(), f.test.tolist()) for f in held_out(block)]
    assert seen[0] == (0, [False, True, False, True, True], [True, False, True, False, False])
    assert [s[0] for s in seen] == [0, 1, 2]
    x = np.arange(5.0)
    out = out_of_block(block, lambda f: np.full(int(f.test.sum()), x[f.train].sum()), dtype=np.float64)
    assert out.tolist() == [8.0, 5.0, 8.0, 7.0, 5.0]  # the sum of the other blocks


def test_thresholds_and_reporting() -> None:
    assert binary_f1(np.array([1, 0, 1]), np.array([True, True, False])) == 0.5
    assert binary_f1(np.array([0, 0]), np.array([False, False])) == 0.0
    assert best_cut([0.3, 0.5, 0.7], lambda t: 1.0) == 0.3
    assert best_cut([0.3, 0.5, 0.7], lambda t: 1.0, prefer=0.5) == 0.5
    assert best_cut([0.3, 0.5], lambda t: t * 1e-10, margin=1e-9) == 0.3
    assert mean_sd([1.0, 2.0, 3.0]) == (2.0, 0.8165) and mean_sd([]) == (None, None)
    rows = list(per_language(["fr", "en", "fr"], np.array([True, False, True])))
    assert rows == [("fr", [0, 2]), ("all", [0, 2])]


# ------------------------------------------------------------------------------- the loops they replaced
# Each ``_old_*`` is the recipe's code as it was before the harness, copied unchanged but for its name.


def _old_claims_block_of(ids: list[str], blocks: int) -> npt.NDArray[np.int_]:
    order = sorted(range(len(ids)), key=lambda i: natural_key(ids[i]))
    out = np.zeros(len(ids), dtype=int)
    for rank, i in enumerate(order):
        out[i] = rank * blocks // len(ids)
    return out


def _old_claims_f1(y: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_]) -> float:
    tp = float(np.sum(y & pred))
    den = float(y.sum() + pred.sum())
    return 2 * tp / den if den else 0.0


def _old_claims_best_threshold(p: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> float:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    return float(max(grid, key=lambda t: (_old_claims_f1(y, p >= t), -abs(t - 0.5))))


def _old_claims_held_out(
    design: Any, y: npt.NDArray[np.bool_], blocks: npt.NDArray[np.int_], c: float
) -> npt.NDArray[np.float64]:
    from narrascope.train.claims import _fit

    logits = np.zeros(len(y))
    for b in sorted(set(blocks.tolist())):
        test = blocks == b
        logits[test] = _fit(design[~test], y[~test], c).decision_function(design[test])
    return logits


@pytest.mark.parametrize("seed", range(3))
def test_claims_blocks_and_held_out_logits_unchanged(seed: int) -> None:
    import scipy.sparse as sp

    from narrascope.train import claims

    rng = np.random.default_rng(seed)
    n = 90
    ids = _ids(rng, n)
    x = rng.normal(size=(n, 6))
    y = (x[:, 0] + rng.normal(size=n) > 0.8).astype(bool)
    design = sp.csr_matrix(x)
    for blocks in (2, 5, 7):
        assert claims.block_of(ids, blocks).tolist() == _old_claims_block_of(ids, blocks).tolist()
    block = claims.block_of(ids, 5)
    logits = claims._held_out(design, y, block, 4.0, lambda s: None)
    old = _old_claims_held_out(design, y, block, 4.0)
    assert logits.dtype == old.dtype and np.array_equal(logits, old)
    p = 1.0 / (1.0 + np.exp(-logits))
    assert claims.best_threshold(p, y) == _old_claims_best_threshold(p, y)
    for b in range(5):
        m = block == b
        assert claims._f1(y[m], p[m] >= 0.4) == _old_claims_f1(y[m], p[m] >= 0.4)
    report = claims.ClaimsReport(n, 0, blocks=[0.25, 0.5, 0.3333333], blocks_baseline=[0.1, 0.2])
    assert report.figures()["blocks_f1_mean"] == round(float(np.mean(report.blocks)), 4)
    assert report.figures()["blocks_f1_sd"] == round(float(np.std(report.blocks)), 4)
    assert report.figures()["blocks_always_yes_f1_mean"] == 0.15


def _old_heads_tune_thresholds(spec: Any, x: Any, y: Any, space: str, c: float, folds: int = 4) -> Any:
    from narrascope.train.heads import fit_head

    oof = np.zeros(y.shape, dtype=np.float32)
    order = np.arange(len(y))
    for k in range(folds):
        test = order % folds == k
        head = fit_head(spec, x[~test], y[~test], space, c)
        oof[test] = head.scores(x[test])
    grid = np.linspace(0.1, 0.9, 33)
    best = np.full(y.shape[1], 0.5, dtype=np.float32)
    for j in range(y.shape[1]):
        f1s = [_old_claims_f1(y[:, j].astype(bool), oof[:, j] >= t) for t in grid]
        best[j] = grid[int(np.argmax(f1s))]
    return oof, best


@pytest.mark.parametrize("seed", range(3))
def test_heads_out_of_fold_thresholds_unchanged(seed: int) -> None:
    from narrascope.train import heads
    from narrascope.train.harness import label_cuts, out_of_block

    rng = np.random.default_rng(seed)
    spec = heads.HeadSpec("frames", 2, ["a", "b", "c", "d"], True, "micro-F1")
    x = rng.normal(size=(41, 5)).astype(np.float32)
    y = (x[:, :4] + rng.normal(size=(41, 4)) > 0.7).astype(int)
    y[:, 3] = 0  # a label no document holds: its constant head
    old_oof, old = _old_heads_tune_thresholds(spec, x, y, "multi", 1.0)
    new = heads.tune_thresholds(spec, x, y, "multi", 1.0)
    assert new.dtype == old.dtype and np.array_equal(new, old)

    def scores(fold: Any) -> Any:
        return heads.fit_head(spec, x[fold.train], y[fold.train], "multi", 1.0).scores(x[fold.test])

    oof = out_of_block(striped(41, 4), scores, width=(4,))
    assert oof.dtype == old_oof.dtype and np.array_equal(oof, old_oof)
    assert np.array_equal(label_cuts(oof, y, np.linspace(0.1, 0.9, 33)), old)


@pytest.mark.parametrize("seed", range(4))
def test_per_language_selects_as_the_recipes_did(seed: int) -> None:
    rng = np.random.default_rng(seed)
    langs = [str(v) for v in rng.choice(["en", "fr", "ru", ""], size=30)]
    mask = rng.random(30) > 0.6
    old = {}
    for lang in [*sorted(set(langs)), "all"]:
        sel = [i for i in range(30) if mask[i] and (lang == "all" or langs[i] == lang)]
        if sel:
            old[lang] = sel
    assert dict(per_language(langs, mask)) == old


def _old_narratives_out_of_fold(x: Any, y: Any, settings: Any, lex: Any = None) -> Any:
    from narrascope.train.narratives_fit import fit_linear, probabilities, select_rows

    oof = np.zeros(y.shape, dtype=np.float32)
    fold = np.arange(len(y)) % settings.folds
    for k in range(settings.folds):
        test = fold == k
        fit = fit_linear(x[~test], y[~test], settings.c, select_rows(lex, ~test), settings.lexical_weight)
        oof[test] = probabilities(fit, x[test], select_rows(lex, test))
    return oof


@pytest.mark.parametrize("lexical", [False, True])
def test_narratives_out_of_fold_unchanged(lexical: bool) -> None:
    pytest.importorskip("torch")
    import scipy.sparse as sp

    from narrascope.train.narratives_fit import Settings, out_of_fold

    rng = np.random.default_rng(5)
    x = rng.normal(size=(23, 4)).astype(np.float32)
    y = (x[:, :3] + rng.normal(size=(23, 3)) > 0.5).astype(int)
    lex = sp.random(23, 64, density=0.1, format="csr", random_state=3) if lexical else None
    settings = Settings(folds=3, buckets=64 if lexical else 0)
    new, old = out_of_fold(x, y, settings, lex), _old_narratives_out_of_fold(x, y, settings, lex)
    assert new.dtype == old.dtype and np.array_equal(new, old)


def _old_doc_f1(gold: Any, pred: Any) -> float:
    g, p = set(gold), set(pred)
    return 2 * len(g & p) / (len(g) + len(p)) if g or p else 0.0


def _old_samples_f1(docs: Any, pred: Any) -> tuple[float, float]:
    coarse = [_old_doc_f1(d.narratives, p[0]) for d, p in zip(docs, pred, strict=True)]
    fine = [_old_doc_f1(d.subnarratives, p[1]) for d, p in zip(docs, pred, strict=True)]
    return float(np.mean(coarse)) if coarse else 0.0, float(np.mean(fine)) if fine else 0.0


class _Narr:
    def __init__(self, narratives: list[str], subnarratives: list[str]) -> None:
        self.narratives, self.subnarratives = narratives, subnarratives


@pytest.mark.parametrize("seed", range(10))
def test_narratives_samples_f1_is_the_official_per_document_f1(seed: int) -> None:
    from narrascope.scoring import per_document_f1
    from narrascope.scoring._labels import NARRATIVES_2025
    from narrascope.train.narratives import doc_f1, samples_f1

    rng = np.random.default_rng(seed)
    coarse = ["Other", "URW: Praise of Russia", "CC: Downplaying climate change", "A", "B"]
    fine = ["Other", "A: x", "A: y", "B: Other", "URW: Praise of Russia: Other"]

    def draw(names: list[str]) -> list[str]:
        return [n for n in names if rng.random() < 0.35]

    docs = [_Narr(draw(coarse), draw(fine)) for _ in range(int(rng.integers(0, 12)))]
    pred = [(draw(coarse), draw(fine)) for _ in docs]
    assert samples_f1(docs, pred) == _old_samples_f1(docs, pred)  # type: ignore[arg-type]
    for d, p in zip(docs, pred, strict=True):
        assert doc_f1(d.narratives, p[0]) == _old_doc_f1(d.narratives, p[0])
    # the official class lists drop the labels outside them ("A", "B"): where a document holds one, the
    # scorer's figure differs from the recipe's, which counts every label
    official = per_document_f1([["A", "Other"]], [["Other"]], NARRATIVES_2025)
    assert official == [1.0] and _old_doc_f1(["A", "Other"], ["Other"]) == pytest.approx(2 / 3)


def _old_framing_tune_thresholds(t: Any, rows: Any, c: float, folds: int = 4, space: str = "multi") -> Any:
    from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES, decide
    from narrascope.train.framing import fit_model

    idx = np.flatnonzero(rows)
    docs = sorted({t.doc[i] for i in idx})
    fold_of = {d: k % folds for k, d in enumerate(docs)}
    pm = np.zeros((len(idx), len(MAIN_ROLES)), dtype=np.float32)
    pf = np.zeros((len(idx), len(FINE_ROLES)), dtype=np.float32)
    for k in range(folds):
        test = np.array([fold_of[t.doc[i]] == k for i in idx])
        model = fit_model(t.x[idx[~test]], t.main[idx[~test]], t.fine[idx[~test]], c, space)
        pm[test], pf[test] = model.probabilities(t.x[idx[test]])
    gold = [frozenset(np.flatnonzero(t.fine[i])) for i in idx]
    thresholds = np.ones(len(FINE_ROLES), dtype=np.float32)
    for j in range(len(FINE_ROLES)):
        best, best_t = -1.0, 1.0
        for cut in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3):
            trial = thresholds.copy()
            trial[j] = cut
            emr = np.mean([frozenset(decide(pm[r], pf[r], trial).fine) == gold[r] for r in range(len(idx))])
            if emr > best + 1e-9:
                best, best_t = float(emr), cut
        thresholds[j] = best_t
    return pm, pf, thresholds


@pytest.mark.parametrize("seed", range(2))
def test_framing_folds_probabilities_and_cut_offs_unchanged(seed: int) -> None:
    from narrascope.analyze.framing import FINE_ROLES, PARENT
    from narrascope.train.framing import MentionTable, out_of_fold, tune_thresholds

    rng = np.random.default_rng(seed)
    doc = [f"EN_{int(rng.integers(0, 14))}" for _ in range(70)]
    x = rng.normal(size=(70, 6)).astype(np.float32)
    main = rng.integers(0, 3, size=70)
    fine = np.zeros((70, len(FINE_ROLES)), dtype=int)
    x[:, 1] *= 4.0
    for r in range(70):  # the first fine role of the main role, and the second where x[:, 1] says so
        mine = [j for j, p in enumerate(PARENT) if p == main[r]]
        fine[r, mine[0]] = 1
        fine[r, mine[1]] = int(x[r, 1] > 0)
    t = MentionTable(x, main, fine, doc, ["en"] * 70, [("f", str(r), "0", "1") for r in range(70)])
    rows = rng.random(70) < 0.8
    old_pm, old_pf, old = _old_framing_tune_thresholds(t, rows, 0.5)
    idx = np.flatnonzero(rows)
    pm, pf = out_of_fold(t, idx, key_folds([doc[i] for i in idx], 4), 0.5, "multi")
    assert np.array_equal(pm, old_pm) and np.array_equal(pf, old_pf)
    new = tune_thresholds(t, rows, 0.5)
    assert new.dtype == old.dtype and np.array_equal(new, old)
    assert (new < 1.0).any()  # some cut-off was tuned, so the comparison saw the search


def _old_techniques_oof_thresholds(examples: Any, space: str, labels: Any, hp: Any) -> Any:
    from narrascope.train.techniques import fit_head, paragraph_gold, paragraph_scores

    folds = min(hp.folds, len(examples))
    scores, gold = [], []
    for k in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != k]
        test = [e for i, e in enumerate(examples) if i % folds == k]
        head = fit_head(train, space, labels, hp)
        for e in test:
            scores.append(paragraph_scores(e, head.scores(e.x, e.lex)))
            gold.append(paragraph_gold(e, labels))
    return np.vstack(scores), np.vstack(gold)


def _old_techniques_tune_thresholds(scores: Any, gold: Any, passes: int = 3) -> Any:
    grid = np.unique(np.concatenate([np.linspace(0.02, 0.9, 45), [0.95, 0.99, 1.01]])).astype(np.float32)
    n = scores.shape[1]
    counts = np.zeros((n, len(grid), 3))
    for j in range(n):
        pred = scores[:, j][:, None] >= grid[None, :]
        g = gold[:, j][:, None]
        counts[j] = np.stack([(pred & g).sum(0), (pred & ~g).sum(0), (~pred & g).sum(0)], axis=1)
    choice = np.full(n, int(np.searchsorted(grid, 0.5)))
    for _ in range(passes):
        for j in range(n):
            rest = sum(counts[k, choice[k]] for k in range(n) if k != j)
            tot = rest[None, :] + counts[j]
            f1 = 2 * tot[:, 0] / np.maximum(2 * tot[:, 0] + tot[:, 1] + tot[:, 2], 1e-9)
            choice[j] = int(np.argmax(f1))
    return np.asarray(grid[choice], dtype=np.float32)


def test_techniques_out_of_fold_thresholds_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    from narrascope.datasets.spans import GoldSpan, SpanDoc
    from narrascope.train import techniques as T
    from narrascope.types import Article

    rng = np.random.default_rng(7)
    labels = ["Loaded_Language", "Doubt", "Repetition"]
    words = ["the", "river", "council", "lied", "again", "traitors", "never", "port", "boats", "rain"]
    golds = []
    for d in range(11):
        paras = [" ".join(rng.choice(words, size=7)).capitalize() + "." for _ in range(4)]
        text = "\n".join(paras)
        spans, lines, pos = [], [], 0
        for n, p in enumerate(paras, 1):
            tags = tuple(lab for lab in labels if rng.random() < 0.4)
            spans += [GoldSpan(lab, pos, pos + len(p)) for lab in tags]
            lines.append((n, tags))
            pos += len(p) + 1
        golds.append(SpanDoc(Article(text=text, id=f"EN_{d}", lang="en"), tuple(spans), tuple(lines)))

    def encode(space: str, sentences: Any) -> Any:  # random sentence vectors, fixed by the text
        return np.array(
            [np.random.default_rng(sum(map(ord, s))).normal(size=8) for s in sentences], dtype=np.float32
        )

    examples = T.build_examples(golds, labels, lambda s: None, encode, buckets=256)
    hp = T.Hyper(buckets=256, folds=4)
    old_scores, old_gold = _old_techniques_oof_thresholds(examples, "multi", labels, hp)
    old = _old_techniques_tune_thresholds(old_scores, old_gold)
    assert np.array_equal(T.tune_thresholds(old_scores, old_gold), old)
    assert np.array_equal(T.oof_thresholds(examples, "multi", labels, hp), old)
    rng2 = np.random.default_rng(1)  # the tuning alone, on scores where the cut-offs matter
    scores = rng2.random((200, 5)).astype(np.float32)
    gold = scores + rng2.normal(scale=0.3, size=(200, 5)) > 0.6
    assert np.array_equal(T.tune_thresholds(scores, gold), _old_techniques_tune_thresholds(scores, gold))
    seen: list[Any] = []
    monkeypatch.setattr(T, "tune_thresholds", lambda s, g: seen.append((s, g)) or old)
    T.oof_thresholds(examples, "multi", labels, hp)  # the out-of-fold paragraph scores, in the old order
    assert np.array_equal(seen[0][0], old_scores) and np.array_equal(seen[0][1], old_gold)


def _old_tagger_blocks_split(
    ids: list[str], langs: list[str], blocks: int, block: int
) -> tuple[list[int], list[int]]:
    """``train.tagger.blocks_split`` before the harness, over row indices."""
    train: list[int] = []
    held: list[int] = []
    for lang in sorted(set(langs)):
        members = sorted((i for i in range(len(ids)) if langs[i] == lang), key=lambda i: natural_key(ids[i]))
        n = len(members)
        lo, hi = round(n * block / blocks), round(n * (block + 1) / blocks)
        held.extend(members[lo:hi])
        train.extend(members[:lo] + members[hi:])
    return train, held


@pytest.mark.parametrize("seed", range(8))
def test_tagger_blocks_keep_their_split(seed: int) -> None:
    from narrascope.train.tagger import blocks_split

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    ids = _ids(rng, n)
    langs = [str(v) for v in rng.choice(["en", "fr", "ru"], size=n)]
    golds = [_Gold(_Art(i, g)) for i, g in zip(ids, langs, strict=True)]
    for blocks, block in ((4, 3), (4, 0), (3, 1), (5, 2)):
        old_train, old_held = _old_tagger_blocks_split(ids, langs, blocks, block)
        train, held = blocks_split(golds, blocks, block)  # type: ignore[arg-type]
        assert [g.article.id for g in train] == [ids[i] for i in old_train]
        assert [g.article.id for g in held] == [ids[i] for i in old_held]


class _Art:
    def __init__(self, id: str, lang: str) -> None:
        self.id, self.lang = id, lang


class _Gold:
    def __init__(self, article: _Art) -> None:
        self.article = article
