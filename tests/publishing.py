"""Helpers shared by the publishing tests (PDF, KaTeX, course site).

These tests check the documents the way readers see them, with external tools (TeX,
poppler, node, Chromium). On a developer machine that lacks a tool they skip and say
what to install; in CI (``CI`` set) a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip with ``reason`` on a developer machine; fail in CI."""
    if in_ci():
        pytest.fail(f"CI must provide this (see .ci/run): {reason}")
    pytest.skip(reason)


def require(tool: str, install: str) -> str:
    """The path of an executable, or skip/fail naming how to install it."""
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is not installed ({install})")
    return path  # type: ignore[return-value]


def output_dir() -> Path:
    """The generated documents under test: ``output/`` (``DERIVE_OUTPUT`` overrides)."""
    return Path(os.environ.get("DERIVE_OUTPUT", ROOT / "output")).resolve()


def review_dir(kind: str) -> Path:
    """Where page images for human review are saved (``DERIVE_REVIEW_DIR``, else build/review)."""
    base = Path(os.environ.get("DERIVE_REVIEW_DIR", ROOT / "build" / "review"))
    path = base / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents(suffix: str) -> list[Path]:
    """Every generated document with this suffix, e.g. ``.tex``, in a stable order."""
    root = output_dir()
    return sorted(p for p in root.glob(f"*/*{suffix}") if p.is_file()) if root.is_dir() else []


def doc_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


TEX_INSTALL = "sudo apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern latexmk"
POPPLER_INSTALL = "sudo apt-get install poppler-utils"


def compile_tex(tex: str, work: Path) -> tuple[Path, str]:
    """Compile a document as ``derive build --format pdf`` does, alone in ``work`` (it
    needs no other file: figures are drawn in it); return (pdf, log text).

    The build keeps only the PDF; the tests need the log too (overfull boxes, scaled
    displays).
    """
    require("latexmk", TEX_INSTALL)
    work.mkdir(parents=True, exist_ok=True)
    (work / "document.tex").write_text(tex, encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    result = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "document.tex"],
        cwd=work, capture_output=True, encoding="utf-8", errors="replace", env=env, timeout=600,
    )
    log = (work / "document.log").read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0:
        pytest.fail(f"LaTeX failed:\n{result.stdout[-3000:]}")
    return work / "document.pdf", log


_BOX = re.compile(r"^(Overfull|Underfull) \\([hv])box \(([\d.]+)pt too (wide|high)\)(.*)$", re.M)


def overfull_boxes(log: str, tex: str) -> list[str]:
    """Overfull boxes in a LaTeX log, each with the source lines it came from."""
    source = tex.splitlines()
    found = []
    for match in _BOX.finditer(log):
        if match.group(1) != "Overfull":
            continue
        where = match.group(5)
        lines = re.search(r"lines? (\d+)", where)
        context = ""
        if lines and 0 < int(lines.group(1)) <= len(source):
            context = f": {source[int(lines.group(1)) - 1].strip()[:160]}"
        found.append(f"overfull \\{match.group(2)}box by {match.group(3)}pt{where}{context}")
    return found


_SCALED = re.compile(r"derive-scaled-display: natural=([\d.]+)pt, line=([\d.]+)pt, input line (\d+)")


def scaled_displays(log: str) -> list[tuple[float, int]]:
    """(scale factor, source line) of each display the template shrank to the line width."""
    return [(float(m.group(2)) / float(m.group(1)), int(m.group(3))) for m in _SCALED.finditer(log)]


def pdftotext(pdf: Path) -> str:
    """The text of a PDF in content-stream order (-raw): the order TeX set it in, so
    prose around tall inline formulas stays together."""
    require("pdftotext", POPPLER_INSTALL)
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def squash(text: str) -> str:
    """Letters and digits only, lower case: compares prose across line breaks and hyphenation.

    NFKC first, so a superscript two or an "fi" ligature compares as "2" or "fi".
    """
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", text).lower())
