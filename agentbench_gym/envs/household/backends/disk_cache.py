"""On-disk cache of warm games, so that a game's first reset in a new process skips the translation.

A warm game (translated SAS task, parsed grammar, demangled names, initial facts, opening text) is
pickled once to ``$AGENTBENCH_GYM_CACHE/household/<key>.pickle`` (default
``$XDG_CACHE_HOME/agentbench_gym`` or ``~/.cache/agentbench_gym``). The key hashes the game's
domain, problem and grammar with the versions of alfworld, textworld, fast-downward-textworld,
Python and this format, so a changed game or engine never meets a stale entry. Set
``AGENTBENCH_GYM_CACHE=off`` to disable it. Writes are atomic (temp file in the same folder, then
rename); an unreadable entry is ignored and rebuilt. Only this user's own cache folder is read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT = 1


@lru_cache(maxsize=1)
def _versions() -> str:
    parts = [f"format{FORMAT}", sys.version.split()[0]]
    for dist in ("alfworld", "textworld", "fast-downward-textworld"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    return ";".join(parts)


def cache_dir() -> Path | None:
    """The household cache folder, or None when caching is off."""
    setting = os.environ.get("AGENTBENCH_GYM_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting) / "household"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agentbench_gym" / "household"


def _path(game: Mapping[str, Any]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(_versions().encode())
    for part in ("pddl_domain", "pddl_problem", "grammar"):
        digest.update(b"\0" + str(game[part]).encode("utf-8", "surrogatepass"))
    return folder / f"{digest.hexdigest()}.pickle"


def load(game: Mapping[str, Any]) -> Any | None:
    """The cached warm game of ``game``, or None."""
    path = _path(game)
    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a truncated or foreign entry: rebuild it
        logger.warning("household: ignoring unreadable cache entry %s", path, exc_info=True)
        return None


def store(game: Mapping[str, Any], warm: Any) -> None:
    """Write ``warm`` for ``game`` (best effort: a read-only or full disk only costs speed)."""
    path = _path(game)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            pickle.dump(warm, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except Exception:
        logger.warning("household: could not write cache entry %s", path, exc_info=True)
        try:
            os.unlink(handle.name)
        except Exception:
            pass
