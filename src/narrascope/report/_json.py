"""The analysis as JSON: the versioned schema of :meth:`Analysis.to_dict`."""

from __future__ import annotations

import json

from narrascope.types import Analysis


def to_json(analysis: Analysis) -> str:
    """JSON in the schema's own key order (deterministic, two-space indent, UTF-8 text kept as is).

    Keys are not re-sorted: ``results`` keeps the order the detectors ran in, so ``Analysis.from_dict``
    gives back an equal analysis.
    """
    return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2)
