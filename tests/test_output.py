"""output/ holds exactly what the README's build command produces."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from derive.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "output"
HAVE_TEX = shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def _normalise(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".json":
        # Verification times vary from run to run; everything else must match exactly.
        def strip(node):
            if isinstance(node, dict):
                return {k: strip(v) for k, v in node.items() if k != "seconds"}
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        return json.dumps(strip(json.loads(data)), sort_keys=True).encode()
    return data


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("output")
    build(None, "md,tex,json,txt", out)
    if HAVE_TEX:
        build(None, "pdf", out)
    return out


def _files(root: Path, pdf: bool) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and (pdf or p.suffix != ".pdf" or "figures" in p.parts)
    }


def test_output_has_the_same_files(fresh):
    if not HAVE_TEX and os.environ.get("CI"):
        pytest.fail("CI must have TeX installed to check the committed PDFs")
    assert _files(COMMITTED, HAVE_TEX) == _files(fresh, HAVE_TEX), "output/ is stale: run the README's build command"


def test_output_is_current(fresh):
    stale = [
        rel
        for rel in sorted(_files(fresh, HAVE_TEX))
        if not (COMMITTED / rel).is_file() or _normalise(COMMITTED / rel) != _normalise(fresh / rel)
    ]
    assert not stale, f"output/ is stale ({', '.join(stale)}): run the README's build command"


def test_pdfs_are_part_of_the_comparison(fresh):
    if not HAVE_TEX:
        if os.environ.get("CI"):
            pytest.fail("CI must install TeX (see .ci/run)")
        pytest.skip("TeX is not installed on this machine; the committed PDFs were not compared")
    pdfs = sorted(p.name for p in (fresh).rglob("*.pdf") if "figures" not in p.parts)
    assert pdfs and all((COMMITTED / p.relative_to(fresh)).is_file() for p in fresh.rglob("*.pdf"))
