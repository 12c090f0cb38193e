"""Readers for the annotated corpora layouts (a user's own copy, passed by path) and validation splits."""

from narrascope.datasets.split import split_by_id

__all__ = ["split_by_id"]
