"""Label definitions shipped as package data."""

from __future__ import annotations

import itertools
import math

import pytest

from narrascope.labels import FALLBACK_COLOR, LabelInfo, is_hex_color, label_info, label_kinds, labels

TECHNIQUES = [
    "Appeal_to_Authority", "Appeal_to_Popularity", "Appeal_to_Values", "Appeal_to_Fear-Prejudice",
    "Flag_Waving", "Causal_Oversimplification", "False_Dilemma-No_Choice",
    "Consequential_Oversimplification", "Straw_Man", "Red_Herring", "Whataboutism", "Slogans",
    "Appeal_to_Time", "Conversation_Killer", "Loaded_Language", "Repetition", "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion", "Name_Calling-Labeling", "Doubt", "Guilt_by_Association",
    "Appeal_to_Hypocrisy", "Questioning_the_Reputation",
]  # fmt: skip
CATEGORIES = {
    "Attack on reputation", "Justification", "Simplification", "Distraction", "Call", "Manipulative wording",
}  # fmt: skip
FRAMES = [
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
]  # fmt: skip
FINE_ROLES = {
    "Protagonist": ["Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"],
    "Antagonist": [
        "Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy", "Saboteur", "Corrupt",
        "Incompetent", "Terrorist", "Deceiver", "Bigot",
    ],
    "Innocent": ["Forgotten", "Exploited", "Victim", "Scapegoat"],
}  # fmt: skip


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(color: str) -> list[float]:
    return [_linear(int(color[i : i + 2], 16)) for i in (1, 3, 5)]


def _contrast_with_black(color: str) -> float:
    r, g, b = _rgb(color)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05) / 0.05


def _lab(color: str) -> tuple[float, float, float]:
    r, g, b = _rgb(color)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_techniques_are_the_23_semeval_names_in_order() -> None:
    assert list(labels("techniques")) == TECHNIQUES


def test_techniques_have_categories_examples_and_readable_distinct_colours() -> None:
    table = labels("techniques")
    assert {t.category for t in table.values()} == CATEGORIES
    colors = [t.color for t in table.values()]
    assert all(is_hex_color(c) for c in colors)
    assert len({c.lower() for c in colors}) == 23
    assert FALLBACK_COLOR not in colors
    # black text on every colour passes WCAG AAA (7:1)
    assert min(_contrast_with_black(c) for c in colors) >= 7
    # every pair is clearly different (CIE76 delta E), and none is mistaken for the grey of unknown labels
    pairs = itertools.combinations([*colors, FALLBACK_COLOR], 2)
    assert min(math.dist(_lab(a), _lab(b)) for a, b in pairs) >= 12
    assert all(t.example for t in table.values())


@pytest.mark.parametrize("kind", label_kinds())
def test_every_definition_is_one_short_line(kind: str) -> None:
    for info in labels(kind).values():
        assert info.display.strip()
        assert info.definition.strip()
        assert len(info.definition) <= 200
        assert "\n" not in info.definition
        assert is_hex_color(info.color)


def test_genres_and_frames() -> None:
    assert list(labels("genres")) == ["opinion", "reporting", "satire"]
    assert list(labels("frames")) == FRAMES


def test_roles_map_to_their_main_roles() -> None:
    roles = labels("roles")
    assert [r for r, i in roles.items() if not i.parent] == list(FINE_ROLES)
    for main, fine in FINE_ROLES.items():
        assert [r for r, i in roles.items() if i.parent == main] == fine
        for name in fine:
            assert roles[name].color == roles[main].color  # fine roles wear the main role's colour


def test_unknown_names_and_kinds_fall_back() -> None:
    info = label_info("techniques", "My_New_Technique")
    assert info == LabelInfo(name="My_New_Technique", display="My New Technique", color=FALLBACK_COLOR)
    assert label_info("no-such-kind", "x").display == "x"
    assert label_info("techniques", "Doubt").display == "Casting doubt"


def test_labels_returns_a_copy_and_unknown_kinds_fail() -> None:
    labels("genres").clear()
    assert len(labels("genres")) == 3
    with pytest.raises(ValueError, match="unknown label kind"):
        labels("nope")
