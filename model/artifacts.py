"""Trained artifacts on disk: saving them with metadata, and loading them only when verified.

joblib files run code when unpickled, so nothing is unpickled before every file's
SHA-256 matches the metadata written at training time, and the libraries that made the
artifacts match the ones installed.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn
import spacy
from spacy.language import Language

from model.classify import Classifiers
from model.spans import load_span_model

# Bumped whenever the code changes what the artifacts hold or how their input is prepared
# (2: the span model reads notes with time mentions masked); loading refuses other formats.
ARTIFACT_FORMAT = 2
METADATA_FILE = "metadata.json"
SPANS_DIR = "spans"
CLASSIFIERS_FILE = "classifiers.joblib"


class ArtifactError(RuntimeError):
    """The trained artifacts are missing, tampered with, or made by other library versions."""


@dataclass
class Artifacts:
    """A verified, loaded model."""

    spans: Language
    classifiers: Classifiers
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _artifact_files(model_dir: Path) -> list[Path]:
    return sorted(p for p in model_dir.rglob("*") if p.is_file() and p.name != METADATA_FILE)


def library_versions() -> dict[str, str]:
    """Versions that must match between training and loading."""
    return {
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def save_artifacts(
    model_dir: Path,
    spans: Language,
    classifiers: Classifiers,
    *,
    data_sha256: str,
    seed: int,
    dev_metrics: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the artifacts and a metadata file holding each file's hash; return the metadata."""
    model_dir.mkdir(parents=True, exist_ok=True)
    spans.to_disk(model_dir / SPANS_DIR, exclude=["tokenizer"])
    joblib.dump(classifiers, model_dir / CLASSIFIERS_FILE, compress=3)
    trained_at = datetime.now(UTC).replace(microsecond=0)
    files = {str(p.relative_to(model_dir)): sha256_file(p) for p in _artifact_files(model_dir)}
    # Date, training data and the trained files: a retrained model on the same data (another
    # architecture or seed) gets a version of its own.
    weights = hashlib.sha256("".join(f"{k}:{v}\n" for k, v in sorted(files.items())).encode()).hexdigest()
    metadata = {
        "name": "klarsteg",
        "format": ARTIFACT_FORMAT,
        "version": f"{trained_at:%Y.%m.%d}-{data_sha256[:8]}-{weights[:6]}",
        "trained_at": trained_at.isoformat(),
        "languages": ["sv", "en"],
        "seed": seed,
        "data_sha256": data_sha256,
        "libraries": library_versions(),
        "files": files,
        "dev_metrics": dev_metrics,
        **(extra or {}),
    }
    (model_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    return metadata


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def verify_artifacts(model_dir: Path) -> dict[str, Any]:
    """Check every artifact file against the metadata; return the metadata or raise ArtifactError."""
    meta_path = model_dir / METADATA_FILE
    if not meta_path.is_file():
        raise ArtifactError(f"no {METADATA_FILE} in {model_dir}: train with scripts/train.py")
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        expected: dict[str, str] = dict(metadata["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"{meta_path} is not valid artifact metadata: {exc}") from exc
    found = {str(p.relative_to(model_dir)) for p in _artifact_files(model_dir)}
    if unknown := sorted(found - expected.keys()):
        raise ArtifactError(f"files in {model_dir} that the metadata does not list: {unknown}")
    if lost := sorted(expected.keys() - found):
        raise ArtifactError(f"artifact files missing from {model_dir}: {lost}")
    for rel, digest in expected.items():
        actual = sha256_file(model_dir / rel)
        if actual != digest:
            raise ArtifactError(
                f"{model_dir / rel} does not match its metadata (sha256 {actual[:12]}…, "
                f"expected {digest[:12]}…): refusing to load a modified or foreign artifact"
            )
    if metadata.get("format") != ARTIFACT_FORMAT:
        raise ArtifactError(
            f"artifacts in {model_dir} have format {metadata.get('format')!r}, this code reads format "
            f"{ARTIFACT_FORMAT}: retrain with scripts/train.py"
        )
    libs = metadata.get("libraries", {})
    for name in ("spacy", "scikit-learn"):
        want, have = libs.get(name), library_versions()[name]
        if want is None or _minor(want) != _minor(have):
            raise ArtifactError(
                f"artifacts were trained with {name} {want}, but {have} is installed: "
                "install the pinned versions (pip install -e .) or retrain with scripts/train.py"
            )
    return metadata


def load_artifacts(model_dir: Path) -> Artifacts:
    """Verify, then load, the artifacts in ``model_dir``.

    The joblib file is read once and its bytes are checked against the metadata again before
    they are unpickled from memory, so a file replaced after ``verify_artifacts`` (or while
    the artifacts are swapped) is never unpickled.
    """
    metadata = verify_artifacts(model_dir)
    if CLASSIFIERS_FILE not in metadata["files"]:
        raise ArtifactError(
            f"the metadata in {model_dir} lists no {CLASSIFIERS_FILE}: retrain with scripts/train.py"
        )
    try:
        pickled = (model_dir / CLASSIFIERS_FILE).read_bytes()
    except OSError as exc:
        raise ArtifactError(f"{model_dir / CLASSIFIERS_FILE} could not be read: {exc}") from exc
    digest = hashlib.sha256(pickled).hexdigest()
    if digest != metadata["files"].get(CLASSIFIERS_FILE):
        raise ArtifactError(
            f"{model_dir / CLASSIFIERS_FILE} changed while it was being loaded (sha256 {digest[:12]}…): "
            "refusing to load a modified or foreign artifact; retry once the artifacts are in place"
        )
    spans = load_span_model(model_dir / SPANS_DIR)
    classifiers = joblib.load(io.BytesIO(pickled))
    if not isinstance(classifiers, Classifiers):
        raise ArtifactError(f"{model_dir / CLASSIFIERS_FILE} does not hold Klarsteg classifiers")
    return Artifacts(spans=spans, classifiers=classifiers, metadata=metadata)
