"""Which trained model is served: promoted models under ``KLARSTEG_DATA_DIR/models/``, and lineage.

Layout of ``<data_dir>/models/``::

    <version>/                  a verified copy of each model ever promoted (never changed)
    <version>.comparison.json   the ``klarsteg retrain`` comparison it was promoted with, if any
    current -> <version>        the served model: a relative symlink, switched with os.replace
    previous -> <version>       what ``rollback`` returns to (derived from state.json)
    state.json                  {"stack": [oldest, ..., current]}: promotions not rolled back
    log.jsonl                   every promote and rollback, appended

``model.settings.Settings`` loads ``current`` when ``KLARSTEG_MODEL_DIR`` is not set, so a
promotion is what ``klarsteg serve`` and ``klarsteg score`` load from their next start. The
first promotion also installs the model served until then (the shipped one), so that a
rollback always has a verified copy to return to. Switching is atomic: a reader sees the
old or the new ``current``, never a half-written model, and a model directory is complete
and verified before any link points at it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# model.artifacts (spaCy, scikit-learn) is imported where a model is verified, not here:
# model.settings imports this module to find the promoted model, and must stay light.

MODELS_DIR = "models"
CURRENT = "current"
PREVIOUS = "previous"
STATE_FILE = "state.json"
LOG_FILE = "log.jsonl"
COMPARISON_FILE = "comparison.json"


class PromoteError(RuntimeError):
    """A promotion or rollback that cannot be done; the message says why."""


def models_root(data_dir: Path) -> Path:
    """``<data_dir>/models``."""
    return Path(data_dir) / MODELS_DIR


def promoted_model_dir(data_dir: Path) -> Path | None:
    """The directory ``<data_dir>/models/current`` points at, resolved; None when nothing
    was promoted (or the link is dangling, which loading then reports)."""
    link = models_root(data_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def lineage(metadata: dict[str, Any]) -> dict[str, Any]:
    """Where a model comes from: the model it was trained to replace (``base_version``), how
    many corrections it learned from, and its training date. Models trained from the
    training data alone (the shipped one) have ``base_version`` null and 0 corrections."""
    found = metadata.get("lineage")
    if isinstance(found, dict):
        return found
    return {
        "base_version": None,
        "corrections": 0,
        "date": str(metadata.get("trained_at", ""))[:10] or None,
        "source": "training data",
    }


@dataclass(frozen=True)
class Switch:
    """The outcome of a promote or rollback."""

    current: str
    previous: str | None
    current_dir: Path


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One promote or rollback at a time (an advisory lock on ``models/.lock``)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _point(root: Path, name: str, target: Path) -> None:
    """Make ``root/name`` a relative symlink to ``target`` in one atomic step."""
    tmp = root / f".{name}.{uuid.uuid4().hex}"
    os.symlink(target.name, tmp)
    try:
        os.replace(tmp, root / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(root)


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _read_stack(root: Path) -> list[str]:
    path = root / STATE_FILE
    if not path.is_file():
        return []
    try:
        stack = json.loads(path.read_text(encoding="utf-8")).get("stack", [])
    except (ValueError, AttributeError) as exc:
        raise PromoteError(f"{path} is not valid: {exc}; fix or remove it") from exc
    return [str(v) for v in stack]


def _log(root: Path, event: dict[str, Any]) -> None:
    with open(root / LOG_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"at": _now(), **event}, ensure_ascii=False) + "\n")


def install(model_dir: Path, data_dir: Path) -> Path:
    """Copy a verified model to ``models/<version>`` (once; complete before it is visible)."""
    from model.artifacts import verify_artifacts

    meta = verify_artifacts(Path(model_dir))
    root = models_root(data_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    version = str(meta["version"])
    if "/" in version or version.startswith(".") or version in (CURRENT, PREVIOUS):
        raise PromoteError(f"model version {version!r} cannot name a folder")
    dest = root / version
    if dest.exists():
        if verify_artifacts(dest)["files"] != meta["files"]:
            raise PromoteError(f"{dest} holds other files under the same version {version}")
        return dest
    tmp = root / f".{version}.{uuid.uuid4().hex}"
    try:
        shutil.copytree(model_dir, tmp, ignore=shutil.ignore_patterns(COMPARISON_FILE))
        verify_artifacts(tmp)
        os.rename(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _fsync_dir(root)
    return dest


def promote(
    model_dir: Path,
    data_dir: Path,
    *,
    serving_dir: Path,
    comparison: Path | None = None,
    forced: bool = False,
) -> Switch:
    """Make ``model_dir`` the served model. ``serving_dir`` is the model served until now
    when nothing was promoted yet (the shipped one): it is installed too, for rollback.
    ``forced`` (promoted against its comparison) is recorded in the log."""
    root = models_root(data_dir)
    with _locked(root):
        new = install(model_dir, data_dir)
        old = promoted_model_dir(data_dir)
        if old is None:
            old = install(serving_dir, data_dir)
        if old.name == new.name:
            raise PromoteError(f"model {new.name} is already the current model")
        if comparison is not None and comparison.is_file():
            shutil.copyfile(comparison, root / f"{new.name}.comparison.json")
        stack = [v for v in _read_stack(root) if v != new.name]
        if not stack or stack[-1] != old.name:
            stack = [v for v in stack if v != old.name] + [old.name]
        stack.append(new.name)
        _point(root, PREVIOUS, old)
        _point(root, CURRENT, new)
        _write_json_atomic(root / STATE_FILE, {"stack": stack})
        _log(root, {"event": "promote", "current": new.name, "previous": old.name, "forced": forced})
        return Switch(current=new.name, previous=old.name, current_dir=new)


def rollback(data_dir: Path) -> Switch:
    """Serve the model before the current one again (the current one stays installed)."""
    from model.artifacts import ArtifactError, verify_artifacts

    root = models_root(data_dir)
    with _locked(root):
        current = promoted_model_dir(data_dir)
        stack = _read_stack(root)
        if current is None or len(stack) < 2:
            raise PromoteError(f"there is no previous model to roll back to (nothing promoted in {root})")
        if stack[-1] != current.name:
            raise PromoteError(
                f"{root / CURRENT} points at {current.name}, but {root / STATE_FILE} ends with {stack[-1]}: "
                "it was changed by hand; promote a model to set both again"
            )
        target = root / stack[-2]
        try:
            verify_artifacts(target)
        except ArtifactError as exc:
            raise PromoteError(f"the previous model cannot be served: {exc}") from exc
        stack.pop()
        _point(root, CURRENT, target)
        if len(stack) >= 2:
            _point(root, PREVIOUS, root / stack[-2])
        else:
            (root / PREVIOUS).unlink(missing_ok=True)
        _write_json_atomic(root / STATE_FILE, {"stack": stack})
        _log(root, {"event": "rollback", "current": target.name, "from": current.name})
        return Switch(
            current=target.name, previous=stack[-2] if len(stack) >= 2 else None, current_dir=target
        )


def status(data_dir: Path) -> dict[str, Any]:
    """The promoted models: current, previous and the stack, for ``klarsteg info``."""
    root = models_root(data_dir)
    current = promoted_model_dir(data_dir)
    try:
        stack = _read_stack(root)
    except PromoteError as exc:
        return {"models_dir": str(root), "error": str(exc)}
    return {
        "models_dir": str(root),
        "current": current.name if current else None,
        "previous": stack[-2] if len(stack) >= 2 else None,
        "stack": stack,
    }
