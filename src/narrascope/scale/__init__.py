"""Scale-out: the same Analyzer as Ray Data batch inference, results imported into the DuckDB store.

Needs the optional extra ``narrascope[scale]`` (Ray Data); importing this package does not import Ray.
"""

from narrascope.scale._actor import AnalyzeBatch
from narrascope.scale._import import ImportCounts, import_parquet, import_table
from narrascope.scale._rows import (
    ARTICLE_SCHEMA,
    RESULT_SCHEMA,
    articles_table,
    length_blocks,
    outcomes_table,
    row_outcome,
    table_articles,
)
from narrascope.scale._runner import RayOptions, ScaleSummary, analyze_blocks, analyze_on_ray, ray_session

__all__ = [
    "ARTICLE_SCHEMA",
    "RESULT_SCHEMA",
    "AnalyzeBatch",
    "ImportCounts",
    "RayOptions",
    "ScaleSummary",
    "analyze_blocks",
    "analyze_on_ray",
    "articles_table",
    "import_parquet",
    "import_table",
    "length_blocks",
    "outcomes_table",
    "ray_session",
    "row_outcome",
    "table_articles",
]
