"""A batch job's input, spooled to disk as it arrives: never held whole in memory.

``POST /api/jobs`` is the one route whose body the guard passes on unread (``Guard(streamed=...)``): a
JSONL body, or the ``file`` part of a multipart upload, is written chunk by chunk into the job's own folder
beside the store, under the job input limit (``serve --max-job-bytes``) rather than the 5 MB request limit.
At most ``FLUSH_BYTES`` wait in memory; the writes run off the event loop. Whatever goes wrong (the limit,
a malformed upload, a client that goes away), the folder is removed before the error goes on.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.concurrency import run_in_threadpool

from narrascope.types import InputError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_JOB_BYTES = 1 << 30  # 1 GiB: the default of ``serve --max-job-bytes``
FLUSH_BYTES = 1 << 18  # what may wait in memory before it is written (256 KiB)
PARTIAL = ".input.part"  # the file while it arrives (a leading dot: no job input reader counts it)
BODY_NAME = "body.jsonl"
UPLOAD_NAME = "upload.jsonl"  # a file part without a name
MAX_HEADER_BYTES = 16_384  # of one part's header line, whatever the parser's own bound
_UPLOAD = "<upload>"


class TooLarge(Exception):
    """A job's input over its limit (the server answers 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"job input too large (the limit is {limit:,} bytes, serve --max-job-bytes)")
        self.limit = limit


class _Writer:
    """Bytes to the partial file, buffered up to ``FLUSH_BYTES`` and written in a worker thread."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.pending = bytearray()

    def add(self, data: bytes) -> None:
        self.pending += data

    async def flush(self, at_least: int = FLUSH_BYTES) -> None:
        if self.pending and len(self.pending) >= at_least:
            data, self.pending = self.pending, bytearray()  # handed over, not copied
            await run_in_threadpool(self.out.write, data)


async def spool_input(
    chunks: AsyncIterator[bytes],
    content_type: str,
    folder: Path,
    limit: int,
    name_of: Callable[[str], str],
) -> Path:
    """Write the input into ``folder`` (which it then holds alone) and return its path, named as the client
    named it once ``name_of`` accepts the name (it raises ``InputError`` for a type a job cannot read).
    Raises ``TooLarge`` past ``limit`` bytes of body, ``InputError`` for a malformed upload or one without
    its ``file`` part; the folder is removed then, and when the client goes away."""
    partial = folder / PARTIAL
    try:
        with partial.open("wb") as out:
            writer = _Writer(out)
            bounded = _bounded(chunks, limit)
            if content_type.lower().startswith("multipart/form-data"):
                name = await _file_part(bounded, content_type, writer, name_of)
            else:
                name = name_of(BODY_NAME)
                async for chunk in bounded:
                    writer.add(chunk)
                    await writer.flush()
            await writer.flush(0)
        path = folder / name
        partial.replace(path)
        return path
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        yield chunk


async def _file_part(
    chunks: AsyncIterator[bytes], content_type: str, writer: _Writer, name_of: Callable[[str], str]
) -> str:
    """Stream the first part named ``file`` (with a filename) to ``writer``; the other parts are dropped."""
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not boundary:
        raise InputError(_UPLOAD, "a multipart body needs a boundary in its Content-Type")
    part = _FilePart(writer, name_of)
    parser = MultipartParser(boundary, part.callbacks())
    try:
        async for chunk in chunks:
            parser.write(chunk)
            await writer.flush()
        parser.finalize()
    except FormParserError as exc:
        raise InputError(_UPLOAD, f"not a valid multipart body ({exc})") from None
    if part.name is None:
        raise InputError(_UPLOAD, "a multipart job needs its input in the 'file' field")
    return part.name


class _FilePart:
    """python-multipart's callbacks: the data of the first ``file`` part goes to the writer; a header line
    over ``MAX_HEADER_BYTES`` is refused, so what is kept of the headers stays small."""

    def __init__(self, writer: _Writer, name_of: Callable[[str], str]) -> None:
        self.writer = writer
        self.name_of = name_of
        self.name: str | None = None  # the input's name, once its part has begun
        self._writing = False
        self._field = self._value = self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._disposition = b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]
        self._bound()

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]
        self._bound()

    def _bound(self) -> None:
        if len(self._field) + len(self._value) > MAX_HEADER_BYTES:
            raise InputError(_UPLOAD, f"a part's header is over {MAX_HEADER_BYTES:,} bytes")

    def _header_end(self) -> None:
        if self._field.lower() == b"content-disposition":
            self._disposition = self._value
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        options = parse_options_header(self._disposition)[1]
        if self.name is None and options.get(b"name") == b"file" and b"filename" in options:
            filename = options[b"filename"].decode("utf-8", errors="replace")
            self.name = self.name_of(filename or UPLOAD_NAME)
            self._writing = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._writing:
            self.writer.add(data[start:end])

    def _end(self) -> None:
        self._writing = False
