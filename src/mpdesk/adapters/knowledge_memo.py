"""Knowledge parsed once per process and reused while its files are unchanged.

Every app, command and job of a process reads the same knowledge files; parsing and validating
them (the triage lexicon above all) costs far more than reading their bytes. A loader's result
is kept under the loader's name and a digest of the exact bytes (and paths) of the files it
reads, so an edited, added or removed file is a new key and is parsed again. Results are
immutable (frozen dataclasses), so one value serves every caller. A loader that fails is not
remembered: the next call raises the same error again.

With a ``store`` directory (``MPDESK_HOME/cache/knowledge``) a result is also kept on disk, so
that a new process (``mpdesk triage --jsonl``) starts without parsing YAML, validating schemas
or building the lexicon's index. A stored file is named by the loader and the digest of the
knowledge files, and it carries a digest of the code that made it: the source of every mpdesk
module whose classes it holds, of the loader's module and of the file reader. A changed
knowledge file or module is a different key or a failed check, and the result is built again.
The store holds pickles: it lives in the user's own data directory, like the journal.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from mpdesk.adapters.atomic_file import atomic_path

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


def remembered(
    name: str, paths: Iterable[Path], build: Callable[[], T], store: Path | None = None
) -> T:
    """``build()``'s result for these files' current bytes, built once per process (and once
    for every process while they are unchanged, with a ``store`` directory)."""
    key = (name, content_digest(paths))
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]  # type: ignore[no-any-return]
    stored = store / f"{name}-{key[1]}.pickle" if store is not None else None
    found = _read_stored(stored) if stored is not None else _MISSING
    value: T = build() if found is _MISSING else found
    if found is _MISSING and stored is not None:
        _write_stored(stored, value, getattr(build, "__module__", None))
    with _lock:
        _results[key] = value
        while len(_results) > LIMIT:
            _results.popitem(last=False)
    return value


_MISSING: Any = object()
_log = logging.getLogger(__name__)
#: the stored form: a header (format, Python version, module → source digest), then the pickle
_FORMAT = "mpdesk-knowledge-1"
#: code every stored result depends on: this module and the reader of the files (merging a
#: user copy, validation), besides the modules of its classes and its loader's module
_READERS = frozenset({__name__, "mpdesk.adapters.knowledge_files"})


def _module_digest(module: str) -> str:
    """A digest of a module's source (empty when it has none)."""
    try:
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        source = Path(origin).read_bytes() if origin else b""
    except (ImportError, ValueError, OSError):
        source = b""
    return hashlib.blake2b(source, digest_size=16).hexdigest()


class _Recorder(pickle.Pickler):
    """A pickler that notes the mpdesk modules of the classes it pickles."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.modules: set[str] = set()

    def reducer_override(self, obj: Any) -> Any:
        module = obj.__module__ if isinstance(obj, type) else type(obj).__module__
        if isinstance(module, str) and module.startswith("mpdesk."):
            self.modules.add(module)
        return NotImplemented


def _header(modules: Iterable[str]) -> tuple[str, str, dict[str, str]]:
    return _FORMAT, sys.version, {m: _module_digest(m) for m in sorted(modules)}


def _read_stored(path: Path) -> Any:
    """The stored result, or ``_MISSING`` when there is none or it was made by other code."""
    try:
        data = path.read_bytes()
    except OSError:
        return _MISSING
    try:
        header, payload = pickle.loads(data)
        if header != _header(header[2]):
            return _MISSING
        return pickle.loads(payload)
    except Exception:  # a damaged or foreign file is rebuilt, never trusted
        _log.warning("knowledge cache %s is unreadable; rebuilding it", path)
        return _MISSING


def _write_stored(path: Path, value: Any, loader: str | None) -> None:
    buffer = io.BytesIO()
    recorder = _Recorder(buffer)
    try:
        recorder.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        _log.warning("knowledge cache: %s cannot be stored", path.name)
        return
    modules = recorder.modules | _READERS | ({loader} if loader else set())
    data = pickle.dumps((_header(modules), buffer.getvalue()), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        prefix = path.name.rsplit("-", 1)[0] + "-"
        for old in path.parent.glob(f"{prefix}*.pickle"):  # results of older files
            if old != path and old.name.rsplit("-", 1)[0] + "-" == prefix:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only home still works, only slower
        _log.warning("knowledge cache %s cannot be written", path)
