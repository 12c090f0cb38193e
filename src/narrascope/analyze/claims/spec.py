"""What the claims detector declares: its ``SPEC``."""

from __future__ import annotations

from narrascope.analyze.claims.formats import FORMATS
from narrascope.analyze.spec import Attr, DetectorSpec

SPEC = DetectorSpec(
    task="claims",
    title="Claims",
    label_kind="claims",
    default=True,
    trainer="narrascope.analyze.claims.train:recipe",
    attributes=(
        Attr("level", "str", "a check-worthy sentence, or its match to a known claim", ("sentence", "match")),
        Attr("training_language", "list", "the languages the model was trained on"),
        Attr("language_note", "str", "why scores are rougher in this document's language"),
        Attr("claim_id", "str", "the matched known claim's id"),
        Attr("claim", "str", "the matched known claim's text"),
        Attr("date", "str", "the matched known claim's date"),
        Attr("url", "str", "the matched known claim's address"),
    ),
    writers=FORMATS,
)
