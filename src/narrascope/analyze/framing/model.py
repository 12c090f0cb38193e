"""The framing model: the SemEval-2025 roles (main roles, fine roles and the parent of each fine role), the
joint choice of a mention's roles (``decide``) and ``FramingModel``, the two heads (and the v2 mention tagger)
saved and loaded as one checked model folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead
from narrascope.encode.manifest import MANIFEST, ModelFileError, ModelFolder, read_manifest
from narrascope.entities.features import feature_digest
from narrascope.entities.tagger import FILE as TAGGER_FILE
from narrascope.entities.tagger import MentionTagger
from narrascope.labels import labels
from narrascope.scoring._labels import FINE_ROLES_2025, MAIN_ROLES_2025

Matrix = npt.NDArray[np.float32]
MAIN_ROLES: tuple[str, ...] = MAIN_ROLES_2025
FINE_ROLES: tuple[str, ...] = FINE_ROLES_2025
USE_SPACE = "multi"
READER_SPACES = "multi+reader"  # framing.v2: USE features, the reader's sentence vectors and token rows
VERSIONS = {USE_SPACE: "1", READER_SPACES: "2"}


def _parents() -> list[int]:
    table = labels("roles")
    return [MAIN_ROLES.index(table[f].parent) for f in FINE_ROLES]


PARENT: list[int] = _parents()
PARENT_INDEX = np.array(PARENT, dtype=np.int64)


@dataclass(frozen=True)
class Decision:
    """Chosen roles of one mention: main role index and its probability, fine role indices best first."""

    main: int
    score: float
    fine: tuple[int, ...]


def decide(p_main: Matrix, p_fine: Matrix, thresholds: Matrix) -> Decision:
    """Joint choice: the fine role with the best ``p(main role of it) * p(it)`` and its main role (better on
    held-out data than the main role first: exact match 0.33 against 0.29 over all languages, main-role
    accuracy 0.62 against 0.59); then the main role's other fine roles that reach their cut-off."""
    best = int(np.argmax(p_main[PARENT_INDEX] * p_fine))
    main = PARENT[best]
    kids = sorted(
        (j for j in range(len(FINE_ROLES)) if PARENT[j] == main and j != best),
        key=lambda j: -float(p_fine[j]),
    )
    fine = [best] + [j for j in kids if p_fine[j] >= thresholds[j]]
    return Decision(main, float(p_main[main]), tuple(fine))


@dataclass
class FramingModel:
    """The two heads; saved as ``main/`` and ``fine/`` head folders under a top manifest."""

    main: LinearHead
    fine: LinearHead
    reader: str = ""  # ``Reader.id`` of the reader a ``multi+reader`` model was trained on
    tagger: MentionTagger | None = None  # finds mentions in caseless scripts from the reader's rows (v2)

    def probabilities(self, x: Matrix) -> tuple[Matrix, Matrix]:
        return self.main.scores(x), self.fine.scores(x)

    def save(self, folder: Path, info: dict[str, Any]) -> None:
        """One model folder: the heads as parts ``main/`` and ``fine/``, the tagger's file, and a manifest
        that lists every one of their files."""
        fields = {
            "name": "framing",
            "version": VERSIONS[self.main.space],
            "space": self.main.space,
            "main_roles": list(MAIN_ROLES),
            "fine_roles": list(FINE_ROLES),
        }
        ModelFolder(
            fields,
            files={} if self.tagger is None else {TAGGER_FILE: self.tagger.to_bytes()},
            parts={"main": self.main.model_folder(), "fine": self.fine.model_folder()},
            record={"inputs": {"mention_features": feature_digest()}, **info},
        ).write(folder)

    @classmethod
    def load(cls, folder: Path) -> FramingModel:
        manifest = read_manifest(folder)  # every listed file, the heads' manifests among them
        main, fine = (LinearHead.from_manifest(manifest.part(head)) for head in ("main", "fine"))
        model = cls(main, fine)
        if tuple(model.main.labels) != MAIN_ROLES or tuple(model.fine.labels) != FINE_ROLES:
            raise ModelFileError(f"{folder}: the heads' labels are not the SemEval-2025 roles")
        space = model.main.space
        if space not in VERSIONS or manifest.version != VERSIONS[space]:
            raise ModelFileError(
                f"{folder / MANIFEST}: framing model version {manifest.version!r} over space {space!r}"
            )
        trained, builds = manifest.get("inputs", {}).get("mention_features"), feature_digest()
        if trained != builds:
            raise ModelFileError(
                f"{folder / MANIFEST}: trained on mention features {str(trained)[:12]}, this install builds "
                f"{builds[:12]} (the known actors, their camps or the feature layout changed); "
                "retrain with narrascope train framing"
            )
        model.reader = str(manifest.get("reader", ""))
        if space == READER_SPACES and not model.reader:
            raise ModelFileError(f"{folder / MANIFEST}: a framing model over the reader must name its reader")
        if TAGGER_FILE in manifest.files:
            model.tagger = MentionTagger.from_bytes(manifest.read_checked(TAGGER_FILE), folder / TAGGER_FILE)
        return model
