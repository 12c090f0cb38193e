"""The curated public API stays sorted and complete."""

import narrascope


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then everything else, each alphabetical."""
    group = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return group, name


def test_all_sorted_and_complete() -> None:
    assert list(narrascope.__all__) == sorted(narrascope.__all__, key=_isort_key)
    for name in narrascope.__all__:
        assert hasattr(narrascope, name), name
    public = {
        n
        for n in dir(narrascope)
        if not n.startswith("_") and not isinstance(getattr(narrascope, n), type(narrascope))
    }
    assert public <= set(narrascope.__all__), public - set(narrascope.__all__)
