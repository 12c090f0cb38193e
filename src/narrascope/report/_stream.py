"""Reports written as the analyses come (``narrascope analyze``): JSON, terminal text, HTML pages.

The bytes are those of rendering the whole list at once: one analysis is one JSON object (or one HTML page),
several are a JSON array (or a folder of pages, one per article), text reports are separated by a blank line.
Whether the output is one report or several is known at the second analysis, so the stream holds at most one
rendered report, never the analyses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TextIO

from narrascope.report._html import to_html
from narrascope.report._json import to_json
from narrascope.report._text import to_text
from narrascope.types import Analysis

FORMATS = ("json", "html", "text")
DEFAULT_HTML_FOLDER = Path("narrascope-html")


class ReportStream:
    """Write each analysis given to :meth:`add` in ``fmt`` to ``out`` (a file, created on the first write),
    or to ``emit`` (standard output) when ``out`` is None; :meth:`finish` ends the output.

    Several HTML reports go to the folder ``out`` (or ``html_folder``), one ``<id>.html`` each; ``folder``
    then says where. Used as a context manager, an exception leaves the output unfinished and the file closed.
    """

    def __init__(
        self,
        fmt: str,
        out: Path | None,
        emit: Callable[[str], None],
        *,
        color: bool = False,
        html_folder: Path = DEFAULT_HTML_FOLDER,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")
        self.fmt = fmt
        self.out = out
        self.emit = emit
        self.color = color
        self.html_folder = html_folder
        self.written = 0  # analyses added
        self.folder: Path | None = None  # where several HTML reports went
        self._first: tuple[str, str] | None = (
            None  # (article id, rendered report) while it may be the only one
        )
        self._file: TextIO | None = None
        self._listed = False  # the JSON array is open

    def add(self, analysis: Analysis) -> None:
        self.written += 1
        if self.fmt == "text":
            self._write(("\n\n" if self.written > 1 else "") + to_text(analysis, color=self.color))
            return
        rendered = to_json(analysis) if self.fmt == "json" else to_html(analysis)
        if self.written == 1:
            self._first = (analysis.document.article.id, rendered)
            return
        if self._first is not None:  # the second: the output is a list
            self._many(*self._first)
            self._first = None
        self._many(analysis.document.article.id, rendered)

    def finish(self) -> None:
        """End the output: the one report held back, the JSON array's end, the text's last newline."""
        if self._first is not None:
            self._write(self._first[1] + "\n")
            self._first = None
        elif self.written and self.fmt == "json":
            self._write("\n]\n")
        elif self.written and self.fmt == "text":
            self._write("\n")
        self._release()

    def _many(self, article_id: str, rendered: str) -> None:
        if self.fmt == "json":
            self._write((",\n" if self._listed else "[\n") + rendered)
            self._listed = True
            return
        if self.folder is None:
            self.folder = self.out or self.html_folder
            self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{article_id}.html").write_text(rendered, encoding="utf-8")

    def _write(self, text: str) -> None:
        if self.out is None:
            self.emit(text)
            return
        if self._file is None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.out.open("w", encoding="utf-8")
        self._file.write(text)

    def _release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> ReportStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release()
