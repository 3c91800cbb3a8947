"""A small course site from the Markdown output, built with MkDocs and the Material theme.

The site is self-contained: KaTeX (from npm, ``node_modules/katex``) is copied into it
and renders every formula in the browser, the theme's web fonts are switched off, and
pages link to each other by relative URLs, so it builds and reads offline, from a web
server or straight from disk. One navigation section per problem set, one page per
problem; the home page links every page and, where they were built, the PDFs.

The staged MkDocs project (``mkdocs.yml`` plus ``docs/``) comes from the templates in
``templates/coursesite/``; the site is built into a temporary directory and renamed into
place, so a failed build leaves an earlier site intact.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2

from derive.errors import RenderError, ToolMissingError, UsageError
from derive.render import template_dir

MARKER = ".derive-site"  # written into every built site: only such directories are replaced
SITE_PACKAGES = "pip install 'derive[site]'   (mkdocs, mkdocs-material, pymdown-extensions)"
KATEX_INSTALL = "run `npm ci` in the derive checkout (or `npm install katex`), or pass --katex DIR"


@dataclass(frozen=True)
class Page:
    """A page of the site: its navigation title and its path inside the set's folder."""

    title: str
    file: str
    pdf: str | None = None


@dataclass(frozen=True)
class Section:
    """A problem set: a navigation section with an overview page and one page per problem."""

    id: str
    title: str
    index: str | None
    pages: tuple[Page, ...]
    pdf: str | None = None


_H1 = re.compile(r"^# (.+)$", re.M)
_LINK = re.compile(r"^- \[(?P<title>[^\]]+)\]\((?P<file>[^)]+\.md)\)", re.M)


def _title(markdown: Path) -> str:
    match = _H1.search(markdown.read_text(encoding="utf-8"))
    return match.group(1).strip() if match else markdown.stem


def sections(source: Path) -> list[Section]:
    """The problem sets under ``source`` (the output folder), in order.

    A set's ``index.md`` (written when the whole set is built) gives its title and the
    order of its problems; without one, every problem page is listed by file name.
    """
    found = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        index = folder / "index.md"
        if index.is_file():
            text = index.read_text(encoding="utf-8")
            listed = [(m.group("title"), m.group("file")) for m in _LINK.finditer(text)]
            title = _title(index)
        else:
            listed = [(_title(p), p.name) for p in sorted(folder.glob("*.md"))]
            title = folder.name
        pages = tuple(
            Page(name, file, Path(file).with_suffix(".pdf").name if (folder / file).with_suffix(".pdf").is_file() else None)
            for name, file in listed
            if (folder / file).is_file()
        )
        if pages:
            whole = folder / f"{folder.name}.pdf"
            found.append(Section(folder.name, title, "index.md" if index.is_file() else None, pages,
                                 whole.name if whole.is_file() else None))
    return found


def katex_dist(explicit: Path | None = None) -> Path:
    """KaTeX's ``dist`` folder: ``explicit``, ``$DERIVE_KATEX_DIST``, or ``node_modules`` here or in the checkout."""
    if explicit is not None:
        candidates = [explicit]
    elif os.environ.get("DERIVE_KATEX_DIST"):
        candidates = [Path(os.environ["DERIVE_KATEX_DIST"])]
    else:
        candidates = [Path.cwd() / "node_modules" / "katex" / "dist", template_dir().parent / "node_modules" / "katex" / "dist"]
    for candidate in candidates:
        if (candidate / "katex.min.js").is_file() and (candidate / "fonts").is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise ToolMissingError(f"the course site needs KaTeX, which is not in {looked}: {KATEX_INSTALL}")


def require_mkdocs() -> None:
    """Raise :class:`ToolMissingError` unless MkDocs, Material and pymdown-extensions are importable."""
    missing = [name for name in ("mkdocs", "material", "pymdownx") if importlib.util.find_spec(name) is None]
    if missing:
        raise ToolMissingError(f"the course site needs {', '.join(missing)}, which is not installed: {SITE_PACKAGES}")


def _environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(template_dir() / "coursesite"))
    return jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True, autoescape=False)


def stage(source: Path, project: Path, title: str, katex: Path) -> Path:
    """Write the MkDocs project for ``source`` into ``project``; returns its ``mkdocs.yml``."""
    found = sections(source)
    if not found:
        raise UsageError(f"no Markdown solutions under {source}/: build them first (derive build --format md)")
    docs = project / "docs"
    for section in found:
        target = docs / section.id
        target.mkdir(parents=True)
        for path in (source / section.id).iterdir():
            if path.suffix in (".md", ".pdf") and path.is_file():
                shutil.copy2(path, target / path.name)
        if (source / section.id / "figures").is_dir():
            shutil.copytree(source / section.id / "figures", target / "figures",
                            ignore=shutil.ignore_patterns("*.pdf", "*.tmp"))
    assets = docs / "assets"
    shutil.copytree(katex, assets / "katex", ignore=shutil.ignore_patterns("contrib", "*.mjs", "katex.js", "katex.css", "*swap*"))
    env = _environment()
    for name in ("derive-math.js", "derive.css"):
        (assets / name).write_text(env.get_template(name).render(), encoding="utf-8")
    (docs / "index.md").write_text(env.get_template("home.md.j2").render(title=title, sections=found), encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(env.get_template("mkdocs.yml.j2").render(title=title, sections=found), encoding="utf-8")
    return config


def build_site(source: Path | str = "output", out: Path | str = "build/site", title: str = "Course solutions",
               katex: Path | None = None) -> Path:
    """Build the course site for the Markdown under ``source`` into ``out``; returns ``out``.

    Raises :class:`ToolMissingError` when MkDocs or KaTeX is missing, :class:`UsageError`
    when ``out`` would overwrite something that is not a site built here, and
    :class:`RenderError` when MkDocs fails (it runs in strict mode: a broken link fails).
    """
    source, out = Path(source).resolve(), Path(out).resolve()
    if not source.is_dir():
        raise UsageError(f"{source} does not exist: build the solutions first (derive build --format md)")
    if out == source or source.is_relative_to(out):
        raise UsageError(f"the site folder {out} would contain the solutions it is built from")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"{out} exists and is not a site built by derive; choose another --out")
    require_mkdocs()
    dist = katex_dist(katex)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="derive-site-") as scratch:
        config = stage(source, Path(scratch) / "project", title, dist)
        built = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            result = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file", str(config),
                 "--site-dir", str(built)],
                capture_output=True, text=True, timeout=600,
            )
            if result.returncode != 0:
                lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
                raise RenderError("MkDocs failed:\n  " + "\n  ".join(lines[-8:]))
            (built / MARKER).write_text("built by derive site; safe to delete\n", encoding="utf-8")
            if out.exists():
                shutil.rmtree(out)
            built.replace(out)
        finally:
            if built.exists():
                shutil.rmtree(built)
    return out


__all__ = ["build_site", "katex_dist", "require_mkdocs", "sections", "stage", "Page", "Section"]
