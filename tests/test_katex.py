"""Every formula of every Markdown and JSON output renders with KaTeX (and MathJax).

The fragments are collected the way a course site finds them (pymdownx.arithmatex:
``$$`` blocks on their own lines, inline ``$…$`` with "smart dollar" rules) and
rendered in node by ``tests/js/check_math.js``: KaTeX with ``throwOnError`` and strict
mode, MathJax 3 with a default page's TeX packages and errors rethrown. Zero failures.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from publishing import ROOT, doc_id, documents, output_dir, require, unavailable

CHECKER = ROOT / "tests" / "js" / "check_math.js"
MD = documents(".md")
JSON = documents(".json")

# arithmatex's inline rule ("smart dollar"): no space just inside the dollars; \$ is a dollar.
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$])+?)(?<![\s\\])\$(?!\$)")
_STRAY = re.compile(r"(?<!\\)\$")


def inline_fragments(line: str) -> tuple[list[str], bool]:
    """The inline formulas of a line, and whether a dollar is left over (math that won't render)."""
    found = [m.group(1) for m in _INLINE.finditer(line)]
    rest = _INLINE.sub("", line)
    return found, bool(_STRAY.search(rest))


def markdown_fragments(text: str, where: str) -> list[dict]:
    """Every formula of a Markdown document, as a site generator would find it."""
    out: list[dict] = []
    block: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "$$":
            if block is None:
                block, start = [], number
            else:
                out.append({"id": f"{where}:{start}", "tex": "\n".join(block), "display": True})
                block = None
            continue
        if block is not None:
            block.append(line)
            continue
        found, stray = inline_fragments(line)
        out += [{"id": f"{where}:{number}", "tex": tex, "display": False} for tex in found]
        if stray:
            out.append({"id": f"{where}:{number}", "tex": None, "display": False, "line": line})
    if block is not None:
        out.append({"id": f"{where}:{start}", "tex": None, "display": True, "line": "unclosed $$ block"})
    return out


def json_fragments(data: dict, where: str) -> list[dict]:
    """Every formula of a JSON output: math lists, answers, and $…$ inside text fields."""
    out: list[dict] = []

    def prose(value: str, at: str) -> None:
        found, stray = inline_fragments(value)
        out.extend({"id": at, "tex": tex, "display": False} for tex in found)
        if stray:
            out.append({"id": at, "tex": None, "display": False, "line": value})

    for problem in data.get("problems", [data]):
        base = f"{where}:{problem['problem']}"
        prose(problem["statement"], f"{base}/statement")
        for part in problem["parts"]:
            at = f"{base}/{part['id']}"
            prose(part["prompt"], f"{at}/prompt")
            prose(part["answer"]["text"], f"{at}/answer.text")
            out.append({"id": f"{at}/answer.latex", "tex": part["answer"]["latex"], "display": True})
            for index, step in enumerate(part["steps"], start=1):
                prose(step["text"], f"{at}/step{index}.text")
                out.extend({"id": f"{at}/step{index}.math", "tex": tex, "display": True} for tex in step["math"])
                if "figure" in step:
                    prose(step["figure"]["description"], f"{at}/step{index}.figure")
    return out


def render(fragments: list[dict]) -> dict:
    """Run the node checker on fragments; returns its report."""
    require("node", "install Node.js 18 or later, e.g. sudo apt-get install nodejs npm")
    if not (ROOT / "node_modules" / "katex").is_dir() or not (ROOT / "node_modules" / "mathjax-full").is_dir():
        unavailable("KaTeX and MathJax are not installed in node_modules: run npm ci")
    payload = json.dumps([{k: f[k] for k in ("id", "tex", "display")} for f in fragments])
    result = subprocess.run(["node", str(CHECKER)], input=payload, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def all_fragments() -> dict[str, list[dict]]:
    files: dict[str, list[dict]] = {}
    for path in MD:
        files[doc_id(path)] = markdown_fragments(path.read_text(encoding="utf-8"), doc_id(path))
    for path in JSON:
        files[doc_id(path)] = json_fragments(json.loads(path.read_text(encoding="utf-8")), doc_id(path))
    return files


@lru_cache(maxsize=1)
def _report() -> tuple[dict[str, list[dict]], dict]:
    files = all_fragments()
    unique = {}
    for fragments in files.values():
        for f in fragments:
            if f["tex"] is not None:
                unique.setdefault((f["tex"], f["display"]), {"id": f["id"], "tex": f["tex"], "display": f["display"]})
    return files, render(list(unique.values()))


@pytest.fixture(scope="module")
def report():
    return _report()


def test_there_are_outputs_to_check():
    assert MD and JSON, f"no Markdown/JSON under {output_dir()}: run the README's build command (make)"


@pytest.mark.parametrize("path", MD + JSON, ids=doc_id)
def test_every_formula_renders(path, report):
    files, result = report
    fragments = files[doc_id(path)]
    stray = [f"{f['id']}: a $ that no formula closes: {f['line'][:200]}" for f in fragments if f["tex"] is None]
    assert not stray, "\n".join(stray)
    bad = {(f["tex"], f["display"]) for f in fragments}
    failures = [
        f"{failure['engine']}: {failure['error']}\n    {failure['tex'][:300]}"
        for failure in result["failures"]
        if any(failure["tex"] == tex for tex, _ in bad)
    ]
    assert not failures, f"{len(failures)} formulas of {doc_id(path)} fail to render:\n" + "\n".join(failures)


@pytest.mark.parametrize("path", [p for p in MD + JSON if p.stem not in ("index", p.parent.name)], ids=doc_id)
def test_every_problem_document_has_math(path, report):
    files, _ = report
    assert len(files[doc_id(path)]) >= 5, f"{doc_id(path)}: suspiciously few formulas found"


# -- the checker and the collector themselves -------------------------------------------------


@pytest.mark.parametrize(
    "tex, display, engines",
    [
        (r"\frac{\partial}{\partial \mathbf{x}}\left(\mathbf{x}^{T} \mathbf{c}\right) = \mathbf{c}^{T}", False, set()),
        (r"\begin{aligned}a &= b \\ &= c\end{aligned}", True, set()),
        (r"\boxed{x} \in \mathbb{R}^{n \times n}", True, set()),
        (r"\frac{1}{", True, {"katex", "mathjax"}),
        (r"\undefinedmacro x", False, {"katex", "mathjax"}),
        (r"\label{eq} x = 1", True, {"katex"}),
        (r"\bm{x}", False, {"mathjax"}),
        (r"a \coloneqq b", False, {"mathjax"}),
    ],
)
def test_checker_catches_what_a_site_would_not_render(tex, display, engines):
    result = render([{"id": "case", "tex": tex, "display": display}])
    assert {f["engine"] for f in result["failures"]} == engines


@pytest.mark.parametrize(
    "line, found, stray",
    [
        ("Let $x$ and $y$ be.", ["x", "y"], False),
        (r"costs \$5 and $x_{1}$", ["x_{1}"], False),
        ("half $x open", [], True),
        ("spaced $ x $ is not math", [], True),
        (r"$\left\|\mathbf{x}\right\|_{2}^{2}$ ends", [r"\left\|\mathbf{x}\right\|_{2}^{2}"], False),
    ],
)
def test_collector_reads_dollars_like_arithmatex(line, found, stray):
    assert inline_fragments(line) == (found, stray)


def test_collector_reads_display_blocks():
    text = "Intro $a$.\n\n$$\n\\begin{aligned}x &= 1\\end{aligned}\n$$\n\nEnd.\n"
    fragments = markdown_fragments(text, "doc")
    assert [(f["tex"], f["display"]) for f in fragments] == [("a", False), (r"\begin{aligned}x &= 1\end{aligned}", True)]
    assert markdown_fragments("$$\nx\n", "doc")[-1]["tex"] is None
