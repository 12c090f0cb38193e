"""Taxonomy files: the built-in one loads and matches the official class lists; invalid files are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.taxonomy import TaxonomyError, builtin_taxonomy, load_taxonomy, parse_taxonomy

GOOD = """
name: test
narratives:
  - name: Energy
    description: Energy prices.
  - name: "Energy: Bills"
    parent: Energy
    examples: ["Bills doubled."]
"""


def test_builtin_matches_official_lists() -> None:
    from narrascope.scoring._labels import NARRATIVES_2025, SUBNARRATIVES_2025

    tax = builtin_taxonomy()
    assert tax.name == "semeval2025" and tax.other == "Other"
    assert all(tax.known(n) for n in NARRATIVES_2025)
    assert all(tax.known(s) for s in SUBNARRATIVES_2025)
    assert {lab.name for lab in tax.narratives} == set(NARRATIVES_2025) - {"Other"}
    assert tax.other_of("URW: Discrediting Ukraine") == "URW: Discrediting Ukraine: Other"
    for lab in tax.subnarratives:
        assert lab.name.startswith(lab.parent + ": ") and lab.description


def test_parse_good_and_hierarchy() -> None:
    tax = parse_taxonomy(GOOD)
    assert [lab.name for lab in tax.narratives] == ["Energy"]
    assert tax.children("Energy")[0].short_name == "Bills"
    assert tax.other_child == "" and tax.other_of("Energy") == ""
    assert tax.label("Energy: Bills").prototype_texts() == ["Bills", "Bills doubled."]
    assert len(tax.digest) == 64


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "expected a mapping"),
        ("name: x\nnarratives: []", "non-empty list"),
        ("name: x\nbogus: 1\nnarratives: [{name: a, description: d}]", "unknown key"),
        ("name: x\nnarratives: [{name: a}]", "description or at least one example"),
        ("name: x\nnarratives: [{name: a, description: d}, {name: a, description: e}]", "defined twice"),
        ("name: x\nnarratives: [{name: a, description: d, parent: zz}]", "no top-level"),
        (
            "name: x\nnarratives: [{name: a, description: d}, {name: b, description: d, parent: c}]",
            "not a top",
        ),
        ("name: x\nother_child: Other\nnarratives: [{name: a, description: d}]", "{parent}"),
        ("name: x\nnarratives: [{name: a, description: d, examples: [1]}]", "examples"),
        ("name: [", "not valid YAML"),
    ],
)
def test_invalid_files_are_named(text: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=r"my\.yaml") as exc:
        parse_taxonomy(text, "my.yaml")
    assert message in str(exc.value)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "absent.yaml")
