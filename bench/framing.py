"""Entity framing figures: speed on top of the shared encoder pass, entity finding, validation per language.

Usage: python bench/framing.py [--data ../shared/datasets] [--n 60] [--ner]

- speed: ms per average English article (SemEval-2025 T10 EN documents scaled to 4,000 characters) for the
  framing detector alone, its shared ``multi`` sentence embeddings computed beforehand (what the pipeline
  shares), with the heuristic finder and, with ``--ner``, spaCy;
- entity finding: precision and recall (overlap) of the mentions found against the annotated mentions, per
  language (annotations cover only the entities that carry a role, so precision is a floor);
- validation: the committed model's manifest figures (by-id split, official scorer) beside the majority
  baseline (Antagonist + the most frequent fine role); ``narrascope train framing`` reproduces them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from narrascope.analyze.base import Features
from narrascope.analyze.framing import FramingDetector
from narrascope.analyze.heads import read_manifest
from narrascope.entities import find_entities, overlap_counts
from narrascope.entities.annotations import RoleDoc, load_roles
from narrascope.extract import prepare
from narrascope.pipeline import FeatureCache

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "narrascope" / "models" / "framing"


def speed(docs: list[RoleDoc], prefer_ner: bool) -> float:
    """Milliseconds per 4,000 characters of English for the detector on top of the shared pass."""
    det = FramingDetector("framing.v1", MODEL, prefer_ner=prefer_ner)
    cache = FeatureCache()
    prepared = [prepare(d.article) for d in docs]
    feats = [Features({"multi": cache.encode("multi", p.sentence_texts())}) for p in prepared]
    det.detect_batch(prepared[:2], feats[:2])  # warm-up: loads the NER model if any
    t = time.perf_counter()
    det.detect_batch(prepared, feats)
    elapsed = time.perf_counter() - t
    chars = sum(len(p.text) for p in prepared)
    return elapsed / chars * 4000 * 1000


def entity_finding(docs: list[RoleDoc], prefer_ner: bool) -> dict[str, tuple[float, float]]:
    counts: dict[str, list[int]] = {}
    for d in docs:
        found = [(m.start, m.end) for m in find_entities(d.article.text, d.article.lang, prefer_ner)]
        gold = [(m.start, m.end) for m in d.mentions]
        p, r = overlap_counts(found, gold)
        c = counts.setdefault(d.article.lang, [0, 0, 0, 0])
        c[0], c[1], c[2], c[3] = c[0] + p, c[1] + len(found), c[2] + r, c[3] + len(gold)
    return {lang: (c[0] / max(1, c[1]), c[2] / max(1, c[3])) for lang, c in sorted(counts.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=60, help="English articles timed")
    ap.add_argument("--ner", action="store_true", help="also time and score spaCy/natasha NER")
    args = ap.parse_args()
    docs, load = load_roles(args.data)
    english = [d for d in docs if d.article.lang == "en"][: args.n]
    modes = [False, True] if args.ner else [False]
    print("| finder | ms per 4,000-char English article (on top of the shared pass) |\n|---|---|")
    for mode in modes:
        print(f"| {'NER' if mode else 'heuristic+gazetteer'} | {speed(english, mode):.1f} |")
    print("\n| finder | language | precision | recall |\n|---|---|---|---|")
    for mode in modes:
        for lang, (p, r) in entity_finding(docs, mode).items():
            print(f"| {'NER' if mode else 'heuristic+gazetteer'} | {lang} | {p:.3f} | {r:.3f} |")
    print(
        f"\noffsets: {dict(load.rows)} rows; repaired by CRLF {dict(load.crlf)}, by nearby search "
        f"{dict(load.searched)}, dropped {dict(load.dropped)}"
    )
    validation = read_manifest(MODEL)["validation"]
    print("\n| language | mentions | EMR | majority EMR | main-role acc. | majority main |")
    print("|---|---|---|---|---|---|")
    for lang, v in validation.items():
        print(
            f"| {lang} | {int(v['n'])} | {v['EMR']:.4f} | {v['base_EMR']:.4f} | {v['main']:.4f} "
            f"| {v['base_main']:.4f} |"
        )


if __name__ == "__main__":
    main()
