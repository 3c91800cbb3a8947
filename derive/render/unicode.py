"""LaTeX to readable Unicode for terminal text.

The formula's LaTeX is first rearranged (matrices on one line, multi-character scripts
in parentheses), then read as text by :mod:`derive.render.mathtext`, or by pylatexenc
when it uses LaTeX outside the subset that module knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from derive.render.mathtext import SYMBOLS, frac_text, read_text

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# A script's braces may hold braces three levels deep (e^{-\frac{\mathbf{w}^{T}}{2}}); the
# inner scripts resolve first, one level per pass.
_BRACED = r"[^{}]*"
for _ in range(3):
    _BRACED = rf"(?:[^{{}}]|\{{{_BRACED}\}})*"
_SCRIPT = re.compile(rf"([_^])\{{({_BRACED})\}}")
# pylatexenc drops the space after a macro ("\lambda + 1" -> "λ+ 1"); an empty group after
# the macro keeps the space before a binary operator or relation.
_MACRO_SPACE = re.compile(r"(\\[A-Za-z]+) (?=[-+=<>])")


def _group_scripts(latex: str) -> str:
    """Keep multi-character sub/superscripts together: ``x^{1 \\times n}`` -> ``x^(1 \\times n)``."""

    def one(match: re.Match[str]) -> str:
        body = match.group(2).strip()
        if re.fullmatch(r"[A-Za-z0-9]+|\\[A-Za-z]+|\\left\([^()]*\\right\)", body):
            return match.group(1) + body
        return f"{match.group(1)}({body})"

    previous = None
    while previous != latex:
        previous, latex = latex, _SCRIPT.sub(one, latex)
    return latex


def _frac(node, l2tobj) -> str:
    """pylatexenc's reading of \\frac: see :func:`derive.render.mathtext.frac_text`."""
    args = node.nodeargd.argnlist if node.nodeargd else []
    if len(args) < 2 or args[0] is None or args[1] is None:
        return "/"
    return frac_text(*(l2tobj.nodelist_to_text([a]) for a in args[:2]))


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    # pylatexenc is imported when first needed (see derive.render._encoder).
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "derive",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in SYMBOLS.items()]
        + [MacroTextSpec("frac", simplify_repl=_frac),
           MacroTextSpec("dfrac", simplify_repl=_frac), MacroTextSpec("tfrac", simplify_repl=_frac)],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


_MATRIX = re.compile(r"\\begin\{([pb]?matrix)\}(.*?)\\end\{\1\}", re.S)
_UNARY_MINUS = re.compile(r"(^|[(\[{,;=<>≤≥≠≈→∈] ?)- (?=[^\s=])")


def _inline_matrices(latex: str) -> str:
    """Rows of a matrix on one line, separated by semicolons: a matrix inside a displayed
    formula would otherwise break the formula over several lines."""

    def one(match: re.Match[str]) -> str:
        rows = [row.strip() for row in re.split(r"\\\\", match.group(2)) if row.strip()]
        return "; ".join(", ".join(cell.strip() for cell in row.split("&")) for row in rows)

    return _MATRIX.sub(one, latex)


# \left. and \right. are delimiters that print nothing (an evaluation bar's other side);
# read as text, the dot would stand before the formula.
_BLANK_DELIMITER = re.compile(r"\\(?:left|right)\.")


def _prepare(latex: str) -> str:
    """The LaTeX rearranged for reading as text."""
    latex = _group_scripts(_inline_matrices(_BLANK_DELIMITER.sub("", latex)))
    return _MACRO_SPACE.sub(r"\1{} ", latex)


@lru_cache(maxsize=8192)
def math_to_unicode(latex: str) -> str:
    """A formula as one or more lines of Unicode text (a pure function of the LaTeX:
    memoized, since a set's text document repeats every problem's formulas)."""
    prepared = _prepare(latex)
    converted = read_text(prepared)
    if converted is None:
        converted = _converter().latex_to_text(prepared)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in converted.splitlines()]
    # "\left( x \right)" leaves spaces inside the brackets.
    lines = [re.sub(r"([(\[]) ", r"\1", re.sub(r" ([)\]])", r"\1", line)) for line in lines]
    # A unary minus reads "-1/x", not "- 1/x" (LaTeX's "- \frac" keeps a space).
    lines = [_UNARY_MINUS.sub(r"\1-", line) for line in lines]
    return "\n".join(line for line in lines if line)


class _Segment(Protocol):
    kind: str  # "text" or "math" (then value is LaTeX)
    value: str


def prose_to_unicode(segs: Iterable[_Segment], minus: str = "-") -> str:
    """Prose (words and formulas) as one line of Unicode text, for the terminal and for
    the words inside drawings; ``minus`` is the minus sign of the formulas (a drawing
    uses U+2212, as its tick labels and typeset math do)."""
    out = []
    for s in segs:
        if s.kind == "math":
            # A multi-line formula inside prose (a piecewise definition) reads as clauses.
            out.append("; ".join(math_to_unicode(s.value).splitlines()).replace("-", minus))
        else:
            out.append(s.value)
    return "".join(out)


__all__ = ["math_to_unicode", "prose_to_unicode"]
