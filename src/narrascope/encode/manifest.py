"""Model manifests: every model file sits beside a ``manifest.json`` that is checked at load.

``sha256_file`` and ``sha256_bytes`` are the one way the project digests a model file (or any input file
whose digest a manifest records): the hex sha256 of its bytes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrascope.types import NarrascopeError

MODELS_DIR = Path(__file__).resolve().parents[1] / "models" / "encoders"
_BLOCK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of ``data`` (a file's bytes already read, checked without reading them again)."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in blocks of 1 MiB."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


class ModelFileError(NarrascopeError, RuntimeError):
    """A model folder is missing, incomplete, or a file's bytes do not match the sha256 its manifest records.

    The one error of every model loader (encoders and detector heads alike)."""


@dataclass(frozen=True)
class Manifest:
    """What the run time needs from a ``manifest.json``; ``raw`` keeps the whole document."""

    name: str
    version: str
    dim: int
    max_seq_length: int
    files: dict[str, str]
    raw: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            name=str(data["name"]),
            version=str(data["version"]),
            dim=int(data["dim"]),
            max_seq_length=int(data["max_seq_length"]),
            files={name: str(entry["sha256"]) for name, entry in data["files"].items()},
            raw=data,
        )


def read_manifest(model_dir: Path) -> Manifest:
    path = model_dir / "manifest.json"
    if not path.is_file():
        raise ModelFileError(f"model manifest missing: {path}")
    try:
        return Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as err:
        raise ModelFileError(f"model manifest unreadable: {path}: {err}") from err


def read_checked(model_dir: Path, manifest: Manifest, name: str, *, verify: bool = True) -> bytes:
    """The bytes of one model file, after checking them against the manifest's sha256."""
    path = model_dir / name
    if name not in manifest.files:
        raise ModelFileError(f"{path} is not listed in {model_dir / 'manifest.json'}")
    if not path.is_file():
        raise ModelFileError(f"model file missing: {path} (reinstall narrascope or re-export the model)")
    data = path.read_bytes()
    if verify:
        digest = sha256_bytes(data)
        if digest != manifest.files[name]:
            raise ModelFileError(
                f"model file corrupt: {path} has sha256 {digest}, manifest expects {manifest.files[name]}"
            )
    return data
