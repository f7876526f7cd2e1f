"""Knowledge parsed once per process and reused while its files are unchanged.

Every app, command and job of a process reads the same knowledge files; parsing and validating
them (the triage lexicon above all) costs far more than reading their bytes. A loader's result
is kept under the loader's name and a digest of the exact bytes (and paths) of the files it
reads, so an edited, added or removed file is a new key and is parsed again. Results are
immutable (frozen dataclasses), so one value serves every caller. A loader that fails is not
remembered: the next call raises the same error again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: distinct knowledge directories a process keeps (tests build many; a server uses one)
LIMIT = 32

_results: OrderedDict[tuple[str, str], Any] = OrderedDict()
_lock = threading.Lock()


def content_digest(paths: Iterable[Path]) -> str:
    """A digest of the paths and the bytes of the files (a missing file counts as such)."""
    digest = hashlib.blake2b(digest_size=20)
    for path in paths:
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        try:
            content = path.read_bytes()
        except OSError:
            digest.update(b"\1")
            continue
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def remembered(name: str, paths: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``'s result for these files' current bytes, built once per process."""
    key = (name, content_digest(paths))
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        _results[key] = value
        while len(_results) > LIMIT:
            _results.popitem(last=False)
    return value
