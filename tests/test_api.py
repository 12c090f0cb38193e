"""The curated public API stays sorted and complete."""

import narrascope


def test_all_sorted_and_complete() -> None:
    assert list(narrascope.__all__) == sorted(narrascope.__all__)
    for name in narrascope.__all__:
        assert hasattr(narrascope, name), name
    public = {
        n
        for n in dir(narrascope)
        if not n.startswith("_") and not isinstance(getattr(narrascope, n), type(narrascope))
    }
    assert public <= set(narrascope.__all__), public - set(narrascope.__all__)
