"""Caching verdicts and documents, so that an unchanged rebuild does no symbolic work.

Two kinds of entry live under one directory (``$DERIVE_CACHE_DIR``, else
``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``):

* **verdicts** — one JSON file per claim, keyed by a SHA-256 of the claim's content:
  its class, every field (SymPy objects by class and hashable content, facts and nested
  dataclasses field by field) and the verifier's fingerprint (its version, the
  source of every module that can change a verdict, the SymPy and Python versions).
  A changed claim or a changed verifier has a different key, so it is re-verified.
* **documents** — what a whole build wrote, keyed by the selection, the formats and
  the fingerprint of everything a document is made from (the package's source, the
  templates, the versions of the libraries that render). File contents are stored
  by their SHA-256 and checked against it when restored.

An entry that cannot be read, does not parse, or does not match its key or digest is
ignored (and counted), never trusted: the claim is verified again, the document built
again. Undecided verdicts are never stored (they may come from a time limit).
Entries are written atomically, so parallel workers and concurrent builds are safe.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import numbers
import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sympy import Basic, Dummy, srepr
from sympy.core.function import UndefinedFunction

from derive.model import Status, Verdict

VERDICT_SCHEMA = "derive/verdict-cache@1"
DOCUMENT_SCHEMA = "derive/document-cache@1"
KEEP_DOCUMENT_ENTRIES = 12  # older document entries (and their files) are pruned

_SUBDIRS = ("verdicts", "documents", "blobs")
_STORED = {Status.PROVED, Status.CHECKED, Status.SAMPLED, Status.REFUTED}
_DUMMY_INDEX = re.compile(r"dummy_index=(\d+)")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_OFF = {"0", "off", "no", "false", "none"}


class Uncacheable(TypeError):
    """A value without a stable content representation (its claim is verified uncached)."""


# -- content keys ---------------------------------------------------------------------------


def canonical(value: Any) -> str:
    """A text that depends only on the value's content, the same in every process and run.

    SymPy objects are printed by class and content (see :func:`_basic`); the index SymPy
    gives each ``Dummy`` (a process-wide counter) is replaced by its order of first appearance, so claims built
    with dummies hash the same in every run. Raises :class:`Uncacheable` for values
    with no content representation (functions, objects printed with an address).
    """
    text = _canonical(value)
    numbering: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        return "dummy_index=" + numbering.setdefault(match.group(1), str(len(numbering)))

    return _DUMMY_INDEX.sub(renumber, text)


def _canonical(value: Any) -> str:
    if isinstance(value, Basic):
        return _basic(value)
    if isinstance(value, UndefinedFunction):
        return _function(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        inner = ",".join(f"{f.name}={_canonical(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{kind.__module__}.{kind.__qualname__}({inner})"
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_canonical(v) for v in value) + ")"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, Mapping):
        items = sorted(f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    raise Uncacheable(f"no content representation for {type(value).__name__}")


@lru_cache(maxsize=1 << 16, typed=True)
def _basic(expr: Basic) -> str:
    """A SymPy object by its class and its hashable content, the data SymPy's own
    equality compares (so equal objects, and only they, print alike), recursively.

    Not ``srepr``: that orders the terms of every sum and product again, which cost most
    of a build whose verdicts were all cached. Memoized: claims share their facts and
    subexpressions. Dummies keep their process-wide index here; :func:`canonical`
    renumbers them in the whole text.
    """
    kind = type(expr)
    # An undefined function is a class made at run time: its name and assumptions.
    name = _function(kind) if isinstance(kind, UndefinedFunction) else f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(expr, Dummy):
        content = expr._hashable_content()
        inner = [_content(c) for c in content[:-1]] + [f"dummy_index={content[-1]}"]
    else:
        inner = [_content(c) for c in expr._hashable_content()]
    return f"{name}({','.join(inner)})"


def _content(value: Any) -> str:
    if isinstance(value, Basic):
        return _basic(value)
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_content(v) for v in value) + ")"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_content(v) for v in value)) + "}"
    if isinstance(value, Mapping):
        return "{" + ",".join(sorted(f"{_content(k)}:{_content(v)}" for k, v in value.items())) + "}"
    if isinstance(value, UndefinedFunction):
        return _function(value)
    if isinstance(value, numbers.Number):  # an mpmath or gmpy number inside a Float
        return f"{type(value).__name__}({value!r})"
    raise Uncacheable(f"no content representation for {type(value).__name__} inside a SymPy object")


def _function(fn: UndefinedFunction) -> str:
    return f"{srepr(fn)}[{sorted(fn.default_assumptions.items())}]"


def claim_key(claim: Any, verifier: str) -> str:
    """The cache key of a claim: SHA-256 of its content and the verifier's fingerprint."""
    kind = type(claim)
    text = "\n".join((VERDICT_SCHEMA, verifier, f"{kind.__module__}.{kind.__qualname__}", canonical(claim)))
    if _ADDRESS.search(text):
        raise Uncacheable("a field is printed with its memory address")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def _digest_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _source_files(root: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in (".pyc", ".pyo")
        and not any(p.relative_to(root).as_posix().startswith(s) for s in skip)
    ]


def _versions(*packages: str) -> str:
    """The installed versions of ``packages`` (cheaply: importlib.metadata scans sys.path)."""
    from importlib.util import find_spec

    out = [f"python={sys.version_info.major}.{sys.version_info.minor}"]
    for name in packages:
        # Where the package is installed and when, read without importing it (importing
        # costs time a restored build would not otherwise spend); a reinstall or upgrade changes it.
        spec = find_spec(name)
        if spec is None or spec.origin is None:
            version = "absent"
        else:
            stat = os.stat(spec.origin)
            version = f"{spec.origin}@{stat.st_mtime_ns}:{stat.st_size}"
        out.append(f"{name}={version}")
    return ";".join(out)


# What never changes a verdict: the problems (their claims are keyed by content), and the
# code that prints, renders, builds and runs the command line. Everything else counts.
_NOT_VERIFIER = (
    "problems/", "render/", "templates/", "printing.py", "plot.py", "cli.py", "pipeline.py",
    "mutate.py", "parallel.py", "__main__.py",
)


@lru_cache(maxsize=None)
def verifier_fingerprint() -> str:
    """The verifier's version: ``VERIFIER_VERSION``, SymPy's version and the source of every
    module that can change a verdict (all of derive but ``_NOT_VERIFIER``: claims, facts,
    operators and checkers live there)."""
    from derive.verify import VERIFIER_VERSION

    root = _package_dir()
    files = _source_files(root, skip=_NOT_VERIFIER)
    import sympy

    return f"{VERIFIER_VERSION}:sympy={sympy.__version__}:{_versions('sympy')}:{_digest_files(files, root)}"


@lru_cache(maxsize=None)
def source_fingerprint() -> str:
    """Everything a document is made from: the whole package, the templates, and the
    versions of the libraries that verify and render."""
    root = _package_dir()
    parts = [_digest_files(_source_files(root), root)]
    try:
        from derive.render import template_dir

        templates = template_dir()
        if not templates.is_relative_to(root):
            parts.append(_digest_files(_source_files(templates), templates))
    except Exception as exc:  # no templates: the build will report it; never hit the cache
        parts.append(f"no templates: {exc}")
    parts.append(_versions("sympy", "jinja2", "markupsafe", "pylatexenc"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# -- the cache ------------------------------------------------------------------------------


def default_directory() -> Path:
    """``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``."""
    explicit = os.environ.get("DERIVE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "derive" if xdg else Path.home() / ".cache" / "derive"


def _digest(payload: Mapping[str, Any]) -> str:
    body = json.dumps({k: v for k, v in payload.items() if k != "digest"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Cache:
    """The verdict and document cache in ``directory``; counts what it did.

    ``verdicts`` / ``documents`` switch the two kinds of entry on and off. Failures to
    write (a read-only directory, a full disk) never fail a build: they are recorded in
    ``write_errors`` for the caller to mention.
    """

    directory: Path = field(default_factory=default_directory)
    verdicts: bool = True
    documents: bool = True
    hits: int = 0
    misses: int = 0
    ignored: int = 0  # entries that were corrupt or did not match: not trusted
    stored: int = 0
    write_errors: list[str] = field(default_factory=list)

    @classmethod
    def from_environment(cls, enabled: bool = True) -> Cache | None:
        """The cache the environment asks for: ``DERIVE_CACHE=off`` disables it,
        ``DERIVE_CACHE=verdicts`` keeps only verdicts; None when disabled."""
        setting = os.environ.get("DERIVE_CACHE", "on").strip().lower()
        if not enabled or setting in _OFF:
            return None
        return cls(default_directory(), verdicts=True, documents=setting != "verdicts")

    # verdicts ---------------------------------------------------------------------------

    def key(self, claim: Any) -> str | None:
        """The claim's key, or None if the claim has no stable content representation."""
        try:
            return claim_key(claim, verifier_fingerprint())
        except Uncacheable:
            return None

    def _verdict_path(self, key: str) -> Path:
        return self.directory / "verdicts" / key[:2] / f"{key}.json"

    def get(self, key: str | None) -> Verdict | None:
        """The stored verdict for ``key``, or None (missing, disabled, or not trustworthy)."""
        if key is None or not self.verdicts:
            return None
        path = self._verdict_path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        verdict = _parse_verdict(raw, key)
        if verdict is None:
            self.ignored += 1
            self.misses += 1
            return None
        self.hits += 1
        return verdict

    def put(self, key: str | None, verdict: Verdict) -> None:
        """Store a verdict (undecided ones are not stored: they may come from a time limit)."""
        if key is None or not self.verdicts or verdict.status not in _STORED:
            return
        payload: dict[str, Any] = {
            "schema": VERDICT_SCHEMA,
            "key": key,
            "status": verdict.status.value,
            "method": verdict.method,
            "detail": verdict.detail,
            "seconds": verdict.seconds,
        }
        payload["digest"] = _digest(payload)
        if self._write(self._verdict_path(key), json.dumps(payload, ensure_ascii=False).encode("utf-8")):
            self.stored += 1

    # documents --------------------------------------------------------------------------

    def document_key(self, selection: Iterable[Any], formats: Iterable[str]) -> str:
        """The key of a build's documents: its selection, formats and source fingerprint."""
        fmts = list(formats)
        tools = {t: shutil.which(t) for t in ("latexmk", "pdflatex")} if "pdf" in fmts else {}
        text = json.dumps(
            {
                "schema": DOCUMENT_SCHEMA,
                "source": source_fingerprint(),
                "formats": fmts,
                "selection": [list(s) if isinstance(s, tuple) else s for s in selection],
                "tools": tools,
            },
            sort_keys=True,
            default=list,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def restore(self, key: str, out: Path) -> list[Path] | None:
        """Write the documents stored under ``key`` into ``out``; None unless every stored
        file is present and matches its digest (then nothing is written)."""
        if not self.documents:
            return None
        manifest = _parse_manifest(self.directory / "documents" / f"{key}.json", key)
        if manifest is None:
            self.misses += 1
            if (self.directory / "documents" / f"{key}.json").exists():
                self.ignored += 1
            return None
        contents: list[tuple[Path, bytes]] = []
        for entry in manifest:
            try:
                data = self._blob_path(entry["sha256"]).read_bytes()
            except OSError:
                self.misses += 1
                return None
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                self.ignored += 1
                self.misses += 1
                return None
            contents.append((out / entry["path"], data))
        from derive.pipeline import write_atomic

        written = []
        for path, data in contents:
            try:
                same = path.is_file() and path.read_bytes() == data
            except OSError:
                same = False
            written.append(path if same else write_atomic(path, data))
        self.hits += 1
        return written

    def store(self, key: str, out: Path, written: Iterable[Path]) -> None:
        """Remember what a successful build wrote under ``out`` (paths outside it: not stored)."""
        if not self.documents:
            return
        entries = []
        try:
            for path in written:
                rel = Path(path).resolve().relative_to(out.resolve()).as_posix()
                data = Path(path).read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                blob = self._blob_path(digest)
                if not blob.is_file() and not self._write(blob, data):
                    return
                entries.append({"path": rel, "sha256": digest, "size": len(data)})
        except (OSError, ValueError) as exc:
            self.write_errors.append(f"documents not cached: {exc}")
            return
        payload: dict[str, Any] = {"schema": DOCUMENT_SCHEMA, "key": key, "files": entries}
        payload["digest"] = _digest(payload)
        if self._write(self.directory / "documents" / f"{key}.json", json.dumps(payload).encode()):
            self.stored += 1
            self._prune()

    def _blob_path(self, digest: str) -> Path:
        return self.directory / "blobs" / digest[:2] / digest

    def _prune(self) -> None:
        """Keep the newest document entries; delete files no kept entry refers to."""
        folder = self.directory / "documents"
        try:
            manifests = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in manifests[KEEP_DOCUMENT_ENTRIES:]:
                old.unlink(missing_ok=True)
            keep = set()
            for path in manifests[:KEEP_DOCUMENT_ENTRIES]:
                entries = _parse_manifest(path, path.stem)
                keep |= {e["sha256"] for e in entries or ()}
            for blob in (self.directory / "blobs").glob("*/*"):
                if blob.name not in keep and not blob.name.startswith("."):
                    blob.unlink(missing_ok=True)
        except OSError as exc:
            self.write_errors.append(f"cache not pruned: {exc}")

    # maintenance ------------------------------------------------------------------------

    def _write(self, path: Path, data: bytes) -> bool:
        from derive.pipeline import write_atomic

        try:
            write_atomic(path, data)
        except OSError as exc:
            message = f"cache not written ({exc.strerror or exc}: {exc.filename or path})"
            if message not in self.write_errors:
                self.write_errors.append(message)
            return False
        return True

    def clear(self) -> int:
        """Delete every entry (only derive's own folders inside the directory); how many files."""
        removed = 0
        for name in _SUBDIRS:
            folder = self.directory / name
            if folder.is_dir():
                removed += sum(1 for p in folder.rglob("*") if p.is_file())
                shutil.rmtree(folder)
        return removed

    def info(self) -> dict[str, int]:
        """How many verdicts and document sets are stored, and their size in bytes."""
        out = {}
        for name in _SUBDIRS:
            files = [p for p in (self.directory / name).rglob("*") if p.is_file()] if (self.directory / name).is_dir() else []
            out[name] = len(files)
            out[f"{name}_bytes"] = sum(p.stat().st_size for p in files)
        return out


def _load_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _parse_verdict(raw: bytes, key: str) -> Verdict | None:
    """The verdict in a cache entry, or None unless every field is present and valid and
    the digest matches."""
    data = _load_json(raw)
    if not isinstance(data, dict) or data.get("schema") != VERDICT_SCHEMA or data.get("key") != key:
        return None
    if data.get("digest") != _digest(data):
        return None
    status, method, detail, seconds = (data.get(k) for k in ("status", "method", "detail", "seconds"))
    if status not in {s.value for s in _STORED} or not isinstance(method, str) or not isinstance(detail, str):
        return None
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds < 1e9:
        return None
    return Verdict(Status(status), method, detail, float(seconds))


def _parse_manifest(path: Path, key: str) -> list[dict[str, Any]] | None:
    try:
        data = _load_json(path.read_bytes())
    except OSError:
        return None
    if not isinstance(data, dict) or data.get("schema") != DOCUMENT_SCHEMA or data.get("key") != key:
        return None
    if data.get("digest") != _digest(data) or not isinstance(data.get("files"), list):
        return None
    entries = data["files"]
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
            and _safe_relative(entry["path"])
        ):
            return None
    return entries


def _safe_relative(path: str) -> bool:
    """A relative path that stays inside the output directory (no ``..``, not absolute)."""
    pure = Path(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


__all__ = ["Cache", "Uncacheable", "canonical", "claim_key", "default_directory", "source_fingerprint", "verifier_fingerprint"]
