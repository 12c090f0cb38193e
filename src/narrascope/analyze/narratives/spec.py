"""What the narratives detector declares: its ``SPEC``."""

from __future__ import annotations

from narrascope.analyze.narratives.detector import EXPLANATION_WORDS
from narrascope.analyze.narratives.formats import FORMATS
from narrascope.analyze.spec import Attr, DetectorSpec

SPEC = DetectorSpec(
    task="narratives",
    title="Narratives",
    label_kind=None,  # the labels are the taxonomy's (a user's own one too), not a labels kind
    default=True,
    trainer="narrascope.analyze.narratives.train:recipe",
    attributes=(
        Attr("level", "str", "a narrative, or a subnarrative of one", ("narrative", "subnarrative")),
        Attr("parent", "str", "a subnarrative's narrative"),
        Attr("dominant", "bool", "the document's dominant narrative (only ever 'true')"),
        Attr(
            "explanation", "str", f"the dominant narrative's explanation, at most {EXPLANATION_WORDS} words"
        ),
    ),
    writers=FORMATS,
)
