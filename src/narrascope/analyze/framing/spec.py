"""What the framing detectors declare: ``SPEC_V1`` and ``SPEC_V2``, alike but for the trainer."""

from __future__ import annotations

from dataclasses import replace

from narrascope.analyze.framing.formats import FORMATS
from narrascope.analyze.framing.model import FINE_ROLES, MAIN_ROLES
from narrascope.analyze.spec import Attr, DetectorSpec

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "NAME")  # the finders' (and the actor table's) types
SPEC_V1 = DetectorSpec(
    task="framing",
    title="Entities",
    label_kind="roles",
    default=True,
    trainer="narrascope.analyze.framing.train:recipe_v1",
    attributes=(
        Attr(
            "level",
            "str",
            "one mention (with its span), or one entity over its mentions",
            ("mention", "entity"),
        ),
        Attr("entity", "str", "the entity's canonical name, shared by its mentions"),
        Attr("type", "str", "the entity's type", ENTITY_TYPES),
        Attr("main_role", "str", "the main role (also the finding's label)", MAIN_ROLES),
        Attr("fine_roles", "list", "the fine roles of that main role", FINE_ROLES),
        Attr("mentions", "int", "an entity's number of mentions"),
        Attr("agree", "int", "how many of an entity's mentions have its main role"),
    ),
    writers=FORMATS,
)
SPEC_V2 = replace(SPEC_V1, trainer="narrascope.analyze.framing.train:recipe_v2")
