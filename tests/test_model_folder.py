"""The one model-folder writer (``encode.manifest.ModelFolder``): every saver writes through it, a saved model
loads back with the same scores, a composite's manifest lists every part's files so that an altered part is
an error naming it, and a save killed before its manifest leaves no manifest vouching for a partial set."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.framing import FramingModel
from narrascope.analyze.heads import LinearHead
from narrascope.analyze.techniques.model import TechniqueModel
from narrascope.encode import manifest as mf
from narrascope.encode.manifest import MANIFEST, ModelFileError, ModelFolder, read_manifest, sha256_file
from narrascope.entities.tagger import FILE as TAGGER_FILE

RNG = np.random.default_rng(0)
_FIELDS = ("name", "version", "labels", "files")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _corrupt(path: Path) -> str:
    """Flip a byte of ``path``; the pattern of the error that must name it."""
    _flip(path)
    return rf"corrupt: {re.escape(str(path))} "


def _without_digests(raw: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in raw.items() if k != "files"}


def _rows(width: int, n: int = 5) -> np.ndarray:
    return RNG.standard_normal((n, width)).astype(np.float32)


# -- the writer ---------------------------------------------------------------------------------------------
def test_a_folder_lists_every_file_and_part_in_one_layout(tmp_path: Path) -> None:
    part = ModelFolder({"name": "p", "version": "1"}, files={"w.bin": b"part"}, record={"n": 2})
    given = tmp_path / "given.txt"
    given.write_text("copied in", encoding="utf-8")
    folder = ModelFolder(
        {"name": "m", "version": "3", "labels": ["a"]},
        files={"a.bin": b"top", "sub/b.txt": given},
        parts={"head": part},
        record={"figures": {"f1": 0.5}},
    )
    manifest = folder.write(tmp_path / "m")
    raw = json.loads((tmp_path / "m" / MANIFEST).read_text(encoding="utf-8"))
    assert list(raw) == ["name", "version", "labels", "files", "figures"]  # fields, files, record
    assert list(raw["files"]) == ["head/manifest.json", "head/w.bin", "a.bin", "sub/b.txt"]
    for rel, digest in raw["files"].items():
        assert digest == sha256_file(tmp_path / "m" / rel)  # one layout: "name": "<hex>"
    assert manifest.files == raw["files"] and (tmp_path / "m" / "sub" / "b.txt").read_text() == "copied in"
    head = {"name": "p", "version": "1", "files": {"w.bin": raw["files"]["head/w.bin"]}, "n": 2}
    assert manifest.part("head").raw == head  # its bytes checked against the top manifest
    assert not list((tmp_path / "m").rglob("*.tmp"))
    read_manifest(tmp_path / "m")  # the reader accepts what the writer wrote


@pytest.mark.parametrize("name", ["../out.bin", "/etc/out.bin", "", "a\\b", MANIFEST, "head/x.bin"])
def test_a_name_outside_the_folder_or_taken_is_refused(tmp_path: Path, name: str) -> None:
    part = ModelFolder({"name": "p", "version": "1"}, files={"w": b"x"})
    folder = ModelFolder({"name": "m", "version": "1"}, files={name: b"x"}, parts={"head": part})
    with pytest.raises(ValueError, match="model folder"):
        folder.write(tmp_path / "m")
    assert not (tmp_path / "out.bin").exists() and not (tmp_path / "m" / MANIFEST).exists()
    with pytest.raises(ValueError, match="'files' given twice"):
        ModelFolder({"name": "m", "version": "1", "files": {}}).write(tmp_path / "n")


def test_a_name_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "m" / "out").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match=r"'out/w\.bin' leads out of"):
        ModelFolder({"name": "m", "version": "1"}, files={"out/w.bin": b"x"}).write(tmp_path / "m")
    assert not list((tmp_path / "elsewhere").iterdir())


def _kill_at(monkeypatch: pytest.MonkeyPatch, target: Callable[[Path], bool]) -> None:
    """Make the rename that would put ``target`` in place raise, as a save killed there would stop."""
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if target(Path(dst)):
            raise OSError("killed")
        real(src, dst)

    monkeypatch.setattr(mf.os, "replace", replace)


def _framing(tmp_path: Path) -> tuple[FramingModel, Path]:
    """The shipped framing.v2 model (heads and tagger), loaded from a copy of its folder."""
    folder = tmp_path / "shipped"
    shutil.copytree(model_dir("framing-reader"), folder)
    return FramingModel.load(folder), folder


def test_a_save_killed_before_its_manifest_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, _ = _framing(tmp_path)
    out, info = tmp_path / "out", {"reader": model.reader}
    model.save(out, info)  # a complete model there first: a later save replaces it
    for killed in (out / MANIFEST, out / "fine" / "weights.npz", out / TAGGER_FILE):
        with monkeypatch.context() as m:
            _kill_at(m, lambda dst, killed=killed: dst == killed)
            with pytest.raises(OSError, match="killed"):
                model.save(out, info)
        assert not (out / MANIFEST).exists(), killed  # the old one went first, the new one never came
        assert not list(out.rglob("*.tmp")), killed
        with pytest.raises(ModelFileError, match=rf"manifest missing: {re.escape(str(out / MANIFEST))}"):
            FramingModel.load(out)
    model.save(out, info)
    FramingModel.load(out)


def test_a_head_save_killed_before_its_manifest_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = LinearHead.load(model_dir("genre"))
    head.save(tmp_path / "h")
    with monkeypatch.context() as m:
        _kill_at(m, lambda dst: dst.name == MANIFEST)
        with pytest.raises(OSError, match="killed"):
            head.save(tmp_path / "h")
    assert not (tmp_path / "h" / MANIFEST).exists()
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["weights.npz"]


# -- every saver: round trip, same manifest but for digests, an altered part named -------------------------
def test_a_head_round_trips_and_keeps_its_manifest(tmp_path: Path) -> None:
    shipped = model_dir("narratives")  # a head with lexical weights
    head = LinearHead.load(shipped)
    head.save(tmp_path / "h")
    back = LinearHead.load(tmp_path / "h")
    x = _rows(head.coef.shape[1])
    assert np.array_equal(back.scores(x), head.scores(x))
    assert back.lexical is not None and head.lexical is not None
    assert np.array_equal(back.lexical, head.lexical)
    saved = (tmp_path / "h" / MANIFEST).read_text(encoding="utf-8")
    committed = (shipped / MANIFEST).read_text(encoding="utf-8")
    digest = re.compile(r"[0-9a-f]{64}")
    assert digest.sub("-", saved) == digest.sub("-", committed)  # byte for byte, but the weights' digest
    with pytest.raises(ModelFileError, match=_corrupt(tmp_path / "h" / "weights.npz")):
        LinearHead.load(tmp_path / "h")


def test_framing_round_trips_and_names_an_altered_part(tmp_path: Path) -> None:
    model, shipped = _framing(tmp_path)
    committed = json.loads((shipped / MANIFEST).read_text(encoding="utf-8"))
    out = tmp_path / "out"
    info = {k: v for k, v in committed.items() if list(committed).index(k) > list(committed).index("inputs")}
    model.save(out, info)  # the training record: what follows the files and the inputs
    saved = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert list(saved) == list(committed) and _without_digests(saved) == _without_digests(committed)
    assert set(saved["files"]) == {TAGGER_FILE} | {
        f"{h}/{f}" for h in ("main", "fine") for f in (MANIFEST, "weights.npz")
    }
    back = FramingModel.load(out)
    x = _rows(model.main.coef.shape[1])
    for got, want in zip(back.probabilities(x), model.probabilities(x), strict=True):
        assert np.array_equal(got, want)
    assert back.tagger is not None and model.tagger is not None and back.reader == model.reader
    hidden = _rows(model.tagger.weights.shape[0] // 2)
    assert np.array_equal(back.tagger.probabilities(hidden), model.tagger.probabilities(hidden))
    for part in ("main/weights.npz", "fine/manifest.json", TAGGER_FILE):
        copy = tmp_path / part.replace("/", "-")
        shutil.copytree(out, copy)
        with pytest.raises(ModelFileError, match=_corrupt(copy / part)):
            FramingModel.load(copy)


def test_a_head_altered_under_an_old_framing_manifest_is_named(tmp_path: Path) -> None:
    """The shipped framing folders list the heads' manifests only: a head's weights are checked through
    its manifest, read checked by the top one."""
    _, shipped = _framing(tmp_path)
    assert "main/weights.npz" not in read_manifest(shipped).files
    with pytest.raises(ModelFileError, match=_corrupt(shipped / "main" / "weights.npz")):
        FramingModel.load(shipped)


def test_techniques_round_trip_and_name_an_altered_part(tmp_path: Path) -> None:
    shipped = model_dir("techniques")
    model = TechniqueModel.load(shipped)
    committed = json.loads((shipped / MANIFEST).read_text(encoding="utf-8"))
    model.save(tmp_path / "t", {k: v for k, v in committed.items() if k not in {*_FIELDS, "spaces"}})
    saved = json.loads((tmp_path / "t" / MANIFEST).read_text(encoding="utf-8"))
    assert list(saved) == list(committed) and list(saved["files"]) == list(committed["files"])
    back = TechniqueModel.load(tmp_path / "t")
    x = _rows(model.heads["multi"].coef.shape[1])
    assert np.array_equal(back.heads["multi"].scores(x), model.heads["multi"].scores(x))
    with pytest.raises(ModelFileError, match=_corrupt(tmp_path / "t" / "multi" / "weights.npz")):
        TechniqueModel.load(tmp_path / "t")


def test_narratives_save_lists_the_users_taxonomy(tmp_path: Path) -> None:
    from narrascope.analyze.narratives import TAXONOMY_FILE, NarrativeDetector
    from narrascope.taxonomy import builtin_path
    from narrascope.train.narratives import Settings, TrainReport, save

    det = NarrativeDetector.from_model(model_dir("narratives"))
    out = tmp_path / "n"
    out.mkdir()
    (out / TAXONOMY_FILE).write_text("stale", encoding="utf-8")
    assert det.head is not None
    save(det, out, TrainReport(3, 1), Settings(), None, None)  # the built-in taxonomy: a stale file goes
    assert not (out / TAXONOMY_FILE).exists() and (out / "MODEL_CARD.md").is_file()
    save(det, out, TrainReport(3, 1), Settings(), builtin_path(), None)
    manifest = read_manifest(out)
    assert manifest.files[TAXONOMY_FILE] == sha256_file(builtin_path())
    back = NarrativeDetector.from_model(out)
    assert back.head is not None
    x, lex = _rows(det.head.coef.shape[1]), det.lexical_rows(["A port, a harbour and a ship."] * 5)
    assert np.array_equal(back.head.scores(x, lex), det.head.scores(x, lex))
    with pytest.raises(ModelFileError, match=_corrupt(out / TAXONOMY_FILE)):
        NarrativeDetector.from_model(out)


def test_the_encoder_export_manifest_lists_its_files(tmp_path: Path) -> None:
    from narrascope.encode.export import write_manifest

    shipped = mf.MODELS_DIR / "minilm-l6-v2-int8"
    for name in ("model.onnx", "tokenizer.json"):
        shutil.copyfile(shipped / name, tmp_path / name)
    raw = write_manifest(tmp_path, None, "weight-only")
    committed = json.loads((shipped / MANIFEST).read_text(encoding="utf-8"))
    assert list(raw) == list(committed)
    assert raw["files"] == {n: e["sha256"] for n, e in committed["files"].items()}  # the one layout
    assert raw["size_bytes"] == committed["size_bytes"]
    with pytest.raises(ModelFileError, match=_corrupt(tmp_path / "tokenizer.json")):
        read_manifest(tmp_path)
