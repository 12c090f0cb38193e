"""The training path, exercised on a tiny slice of the corpora (skipped when they are absent)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from narrascope.analyze.heads import LinearHead, ModelFileError, read_manifest
from narrascope.cli import main
from narrascope.datasets.split import natural_key, split_by_id


def test_split_by_id_holds_out_latest_ids_per_group() -> None:
    ids = [f"{i}" for i in range(100, 120)] + ["EN_9", "EN_10", "EN_11", "EN_12"]
    groups = ["a"] * 20 + ["b"] * 4
    train, val = split_by_id(ids, groups, 0.25)
    assert train.isdisjoint(val) and train | val == set(ids)
    assert val == {"115", "116", "117", "118", "119", "EN_12"}
    assert natural_key("EN_9") < natural_key("EN_10")


def test_head_save_load_and_tamper(tmp_path: Path) -> None:
    head = LinearHead(
        "t",
        "1",
        "multi",
        ["a", "b"],
        True,
        np.eye(2, 4, dtype=np.float32),
        np.zeros(2, dtype=np.float32),
        np.full(2, 0.5, dtype=np.float32),
    )
    head.save(tmp_path)
    again = LinearHead.load(tmp_path)
    x = np.ones((1, 4), dtype=np.float32)
    assert np.allclose(again.scores(x), head.scores(x), atol=1e-3)
    raw = bytearray((tmp_path / "weights.npz").read_bytes())
    raw[-5] ^= 0xFF
    (tmp_path / "weights.npz").write_bytes(bytes(raw))
    try:
        read_manifest(tmp_path)
    except ModelFileError as exc:
        assert "weights.npz" in str(exc)
    else:
        raise AssertionError("tampered weights were accepted")


@pytest.mark.slow
def test_train_cli_on_tiny_slice(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "genre"
    result = CliRunner().invoke(
        main, ["train", "genre", "--data", str(data_dir), "--limit", "12", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["labels"] == ["opinion", "reporting", "satire"]
    assert "all" in manifest["validation"]
    assert (out / "MODEL_CARD.md").is_file()
    LinearHead.load(out)


@pytest.mark.slow
def test_train_claims_cli_on_tiny_slice(data_dir: Path, tmp_path: Path) -> None:
    from narrascope.analyze.claims import LABEL, ClaimsDetector

    if not (data_dir / "checkthat2024_task1_checkworthiness_en").is_dir():
        pytest.skip("CheckThat! 2024 Task 1 data not found")
    out = tmp_path / "claims"
    result = CliRunner().invoke(
        main, ["train", "claims", "--data", str(data_dir), "--limit", "300", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["labels"] == [LABEL] and manifest["training_languages"] == ["en"]
    figures = manifest["validation"]
    assert len(figures["blocks_f1"]) == 5 and 0.0 <= figures["dev"]["F1"] <= 1.0
    assert "a" in manifest["calibration"] and 0.05 <= ClaimsDetector("claims.v1", out).threshold <= 0.95
    assert "CheckThat" in (out / "MODEL_CARD.md").read_text()
    (out / "MODEL_CARD.md").unlink()
    with pytest.raises(ModelFileError, match="MODEL_CARD"):
        ClaimsDetector("claims.v1", out)
