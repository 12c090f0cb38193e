"""Model folders: every model file sits beside a ``manifest.json`` that is checked at load. This is the one
reader of them, for encoders, the reader and detector heads alike.

A manifest is a JSON object with at least ``name``, ``version`` and ``files``, the sha256 of every file it
vouches for, by path relative to its folder, in either of the two layouts the shipped folders use:

- ``"files": {"weights.npz": "<hex>"}`` (detector heads and composite models);
- ``"files": {"model.onnx": {"sha256": "<hex>", "bytes": 22969531}}`` (encoders, the reader).

Everything else in it (labels, validation figures, the inputs a model was trained on) is the model's own,
read through ``Manifest[...]``/``get``. ``read_manifest`` checks the schema and, unless asked not to, every
listed file's sha256; ``Manifest.read_checked`` gives one file's bytes checked (read once). Any problem is a
``ModelFileError`` naming the file: a missing manifest or file, JSON that does not parse, a schema the
manifest does not meet, bytes whose sha256 is not the recorded one.

``ModelFolder`` is the one writer: a model's manifest fields, its files (bytes, or a file to copy in or
already in place) and its parts (sub-folders with manifests of their own, the heads of a composite model).
``ModelFolder.write`` removes the folder's old manifest first, writes every file through a temporary file
and a rename, records each file's sha256 (a part's files and its manifest too, prefixed with the part's
folder) in the one layout ``"files": {"name": "<hex>"}``, and writes ``manifest.json`` last, the same way:
a save killed at any point leaves no manifest, or one whose every listed file is complete. A composite
loader reads its parts through ``Manifest.part``, whose manifest bytes are checked against the top one.

``sha256_file`` and ``sha256_bytes`` are the one way the project digests a model file (or any input file
whose digest a manifest records): the hex sha256 of its bytes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from narrascope.types import NarrascopeError

MODELS_DIR = Path(__file__).resolve().parents[1] / "models" / "encoders"
MANIFEST = "manifest.json"
_BLOCK = 1 << 20
_HEX = re.compile(r"^[0-9a-f]{64}$")


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
    """A model folder's ``manifest.json``, its schema checked: ``files`` maps each listed file (relative to
    ``folder``) to its sha256, whichever layout the file uses; ``raw`` is the whole document."""

    folder: Path
    name: str
    version: str
    files: dict[str, str]
    raw: dict[str, Any]

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def integer(self, key: str) -> int:
        """A whole-number field the loader needs (``dim``); missing or of another type, an error naming the
        manifest."""
        value = self.raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ModelFileError(f"model manifest unreadable: {self.path}: {key!r} is not a whole number")
        return value

    def require(self, key: str) -> Any:
        """A field the loader needs; missing, an error naming the manifest."""
        if key not in self.raw:
            raise ModelFileError(f"model manifest unreadable: {self.path}: no {key!r}")
        return self.raw[key]

    def check_file(self, name: str) -> Path:
        """The path of the listed file ``name``, after checking its bytes against the recorded sha256."""
        path = self._listed(name)
        _match(path, sha256_file(path), self.files[name], self.path)
        return path

    def check_files(self, *, but: Collection[str] = ()) -> None:
        """Check every listed file's sha256 (but those of ``but``, which the loader reads checked)."""
        for name in self.files:
            if name not in but:
                self.check_file(name)

    def read_checked(self, name: str, *, verify: bool = True) -> bytes:
        """The bytes of the listed file ``name``, read once and checked against the recorded sha256
        (``verify=False``: not checked)."""
        path = self._listed(name)
        data = path.read_bytes()
        if verify:
            _match(path, sha256_bytes(data), self.files[name], self.path)
        return data

    def part(self, name: str) -> Manifest:
        """The manifest of the part in the sub-folder ``name`` (a composite model's head), read from bytes
        checked against this manifest; the part's own files are checked as its loader reads them."""
        path = self.folder / name / MANIFEST
        return _parse(path, self.read_checked(f"{name}/{MANIFEST}"))

    def _listed(self, name: str) -> Path:
        path = self.folder / name
        if name not in self.files:
            raise ModelFileError(f"{path} is not listed in {self.path}")
        if not path.is_file():
            raise ModelFileError(
                f"model file missing: {path} (listed in {self.path}; reinstall narrascope or retrain or "
                "re-export the model)"
            )
        return path


def _match(path: Path, digest: str, recorded: str, manifest: Path) -> None:
    if digest != recorded:
        raise ModelFileError(
            f"model file corrupt: {path} has sha256 {digest}, but {manifest} records {recorded}: the "
            "checksum does not match, so the file was altered or corrupted"
        )


def read_manifest(folder: Path, *, check_files: bool = True) -> Manifest:
    """Read ``folder/manifest.json``, check its schema and (``check_files``, the default) the sha256 of every
    file it lists. A loader that reads a large file's bytes anyway passes ``check_files=False`` and reads
    it with ``Manifest.read_checked``."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ModelFileError(f"model manifest missing: {path}")
    manifest = _parse(path, path.read_bytes())
    if check_files:
        manifest.check_files()
    return manifest


def _parse(path: Path, data: bytes) -> Manifest:
    """The manifest ``path`` from its bytes, its schema checked."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"model manifest unreadable: {path}: not valid JSON ({exc})") from exc
    problem = _schema_problem(raw)
    if problem:
        raise ModelFileError(f"model manifest unreadable: {path}: {problem}")
    files = {str(k): str(v if isinstance(v, str) else v["sha256"]) for k, v in raw["files"].items()}
    return Manifest(path.parent, str(raw["name"]), str(raw["version"]), files, raw)


def _schema_problem(raw: object) -> str | None:
    """What in a parsed manifest the schema does not allow, or None."""
    if not isinstance(raw, dict):
        return "not a JSON object"
    for key in ("name", "version"):
        if not isinstance(raw.get(key), str | int) or isinstance(raw.get(key), bool) or raw.get(key) == "":
            return f"{key!r} missing, or not a string"
    files = raw.get("files")
    if not isinstance(files, dict):
        return "'files' missing, or not an object of file names and their sha256s"
    for name, entry in files.items():
        digest = entry.get("sha256") if isinstance(entry, dict) else entry
        if not isinstance(digest, str) or not _HEX.match(digest):
            return f"files: {name!r}: no hex sha256"
        if not _inside(name):
            return f"files: {name!r} is not a path inside the model folder"
    return None


def _inside(name: str) -> bool:
    """Whether ``name`` is a relative path that stays inside its folder."""
    rel = PurePosixPath(name)
    return bool(name) and not rel.is_absolute() and ".." not in rel.parts and "\\" not in name


Content = bytes | Path  # a file's bytes, or a file to copy in (or already where it belongs)


@dataclass(frozen=True)
class ModelFolder:
    """A model folder to write. ``fields`` come first in its manifest (``name``, ``version``, what the
    loader needs), then ``files``, then ``record`` (training data, held-out figures). ``files`` maps each
    name to its content; ``parts`` maps a sub-folder to the model folder written there, with its own
    manifest, every file of which the top manifest lists too."""

    fields: Mapping[str, Any]
    files: Mapping[str, Content] = field(default_factory=dict)
    parts: Mapping[str, ModelFolder] = field(default_factory=dict)
    record: Mapping[str, Any] = field(default_factory=dict)

    def write(self, folder: Path) -> Manifest:
        """Write the folder (its old manifest removed first, ``manifest.json`` last) and give its manifest.
        A name outside the folder, or one a part or the manifest takes, is a ``ValueError``."""
        folder = Path(folder)
        data = render(self._write(folder))
        _write_bytes(folder / MANIFEST, data)
        return _parse(folder / MANIFEST, data)

    def _write(self, folder: Path) -> dict[str, Any]:
        """Write every file but ``folder``'s manifest; give the manifest that lists them."""
        self._check_names()
        folder.mkdir(parents=True, exist_ok=True)
        root = folder.resolve()
        for name in [*self.files, *self.parts]:
            if not (folder / name).resolve().is_relative_to(root):  # through a link out of the folder
                raise ValueError(f"model folder: {name!r} leads out of {folder}")
        (folder / MANIFEST).unlink(missing_ok=True)  # it vouches for files about to change
        digests: dict[str, str] = {}
        for name, part in self.parts.items():
            raw = part._write(folder / name)
            data = render(raw)
            _write_bytes(folder / name / MANIFEST, data)
            digests[f"{name}/{MANIFEST}"] = sha256_bytes(data)
            digests.update({f"{name}/{rel}": digest for rel, digest in raw["files"].items()})
        for name, content in self.files.items():
            digests[name] = _put(folder / name, content)
        return {**self.fields, "files": digests, **self.record}

    def _check_names(self) -> None:
        twice = ({"files", *self.record} & set(self.fields)) | ({"files"} & set(self.record))
        if twice:
            raise ValueError(f"model folder: manifest field {sorted(twice)[0]!r} given twice")
        for name in [*self.files, *self.parts]:
            if not _inside(name) or name == MANIFEST:
                raise ValueError(f"model folder: {name!r} is not a file name inside the model folder")
        for name in self.files:
            if any(name == p or name.startswith(f"{p}/") for p in self.parts):
                raise ValueError(f"model folder: {name!r} lies in the part {name.split('/')[0]!r}")


def render(raw: Mapping[str, Any]) -> bytes:
    """A manifest's bytes: JSON indented by two, UTF-8, a final newline."""
    return (json.dumps(raw, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _put(path: Path, content: Content) -> str:
    """Write ``content`` at ``path`` (a file already there is kept as it is); give its sha256."""
    if isinstance(content, bytes):
        _write_bytes(path, content)
        return sha256_bytes(content)
    if Path(content).resolve() != path.resolve():
        _write_atomic(path, lambda tmp: shutil.copyfile(content, tmp))
    return sha256_file(path)


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write one file of a model folder through a temporary file and a rename; give its path."""
    if not _inside(name):
        raise ValueError(f"model folder: {name!r} is not a file name inside the model folder")
    folder.mkdir(parents=True, exist_ok=True)
    _write_bytes(folder / name, data)
    return folder / name


def _write_bytes(path: Path, data: bytes) -> None:
    _write_atomic(path, lambda tmp: tmp.write_bytes(data))


def _write_atomic(path: Path, fill: Callable[[Path], object]) -> None:
    """``fill`` a temporary file beside ``path``, flush it to disk and rename it to ``path``: ``path`` is
    the old file or the whole new one, never part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        fill(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
