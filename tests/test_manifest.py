"""The one model-folder manifest reader (``encode.manifest``): every committed manifest loads, in either
``files`` layout, and each way a folder can be broken is a ``ModelFileError`` naming the file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from narrascope.analyze.heads import LinearHead
from narrascope.encode.manifest import MANIFEST, ModelFileError, read_manifest, sha256_file

MODELS = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "models"
COMMITTED = sorted(MODELS.rglob(MANIFEST))


def test_every_committed_manifest_loads_in_both_layouts() -> None:
    layouts = set()
    for path in COMMITTED:
        manifest = read_manifest(path.parent)  # every listed file's sha256 checked
        assert manifest.name and manifest.version and manifest.files, path
        for rel, digest in manifest.files.items():
            assert digest == sha256_file(path.parent / rel), (path, rel)
        layouts |= {type(entry).__name__ for entry in json.loads(path.read_text())["files"].values()}
    assert layouts == {"str", "dict"}  # "name": "<hex>" and "name": {"sha256": "<hex>", "bytes": n}
    assert len(COMMITTED) >= 15


@pytest.fixture
def genre(tmp_path: Path) -> Path:
    folder = tmp_path / "genre"
    shutil.copytree(MODELS / "genre", folder)
    return folder


def test_a_tampered_file_is_an_error_naming_it(genre: Path) -> None:
    weights = genre / "weights.npz"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    named = rf"corrupt: {re.escape(str(weights))} .*{re.escape(str(genre / MANIFEST))}.*checksum"
    with pytest.raises(ModelFileError, match=named):
        read_manifest(genre)
    with pytest.raises(ModelFileError, match=named):
        LinearHead.load(genre)  # the loader reads the bytes once, checked
    read_manifest(genre, check_files=False)  # the schema alone is sound


def test_a_missing_manifest_or_file_is_an_error_naming_it(genre: Path) -> None:
    (genre / "weights.npz").unlink()
    with pytest.raises(ModelFileError, match=rf"missing: {re.escape(str(genre / 'weights.npz'))}"):
        read_manifest(genre)
    (genre / MANIFEST).unlink()
    with pytest.raises(ModelFileError, match=rf"manifest missing: {re.escape(str(genre / MANIFEST))}"):
        read_manifest(genre)
    with pytest.raises(ModelFileError, match=re.escape(str(genre / MANIFEST))):
        LinearHead.load(genre)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"name": "genre", ', "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"version": "1", "files": {}}', "'name' missing"),
        ('{"name": "g", "version": "1"}', "'files' missing"),
        ('{"name": "g", "version": "1", "files": {"weights.npz": "abc"}}', "'weights.npz': no hex sha256"),
        ('{"name": "g", "version": "1", "files": {"w": {"bytes": 3}}}', "'w': no hex sha256"),
        ('{"name": "g", "version": "1", "files": {"../w": "' + "0" * 64 + '"}}', "not a path inside"),
    ],
)
def test_a_manifest_off_the_schema_is_an_error_naming_it(genre: Path, text: str, problem: str) -> None:
    (genre / MANIFEST).write_text(text)
    with pytest.raises(ModelFileError, match=rf"unreadable: {re.escape(str(genre / MANIFEST))}: .*{problem}"):
        read_manifest(genre)


def test_only_listed_files_are_read_and_fields_are_checked(genre: Path) -> None:
    manifest = read_manifest(genre)
    assert manifest["labels"] == manifest.get("labels") == ["opinion", "reporting", "satire"]
    assert manifest.path == genre / MANIFEST and "validation" in manifest
    with pytest.raises(ModelFileError, match=r"MODEL_CARD\.md is not listed in"):
        manifest.read_checked("MODEL_CARD.md")
    with pytest.raises(ModelFileError, match="'dim' is not a whole number"):
        manifest.integer("dim")
    with pytest.raises(ModelFileError, match="no 'base'"):
        manifest.require("base")
