"""Plain text of the LaTeX that :mod:`derive.printing` emits, read directly.

:func:`derive.render.unicode.math_to_unicode` turns a formula's LaTeX into text. Its
reference is pylatexenc's ``LatexNodes2Text`` (configured with the rules below), whose
general LaTeX walker cost most of a build's printing time. :func:`read_text` reads the
small subset of LaTeX our printer and templates produce and gives the same text as that
walker would; anything outside the subset (an unknown macro, a special such as ``~`` or
``''``, an optional argument) is "not known", returned as ``None``, and the caller hands
the formula to pylatexenc. tests/test_mathtext.py holds the two readers to the same text.

How pylatexenc reads, and so this module (text mode, ``strict_latex_spaces=False``):

- the spaces after a macro made of letters belong to the macro and are dropped
  (``\\lambda x`` reads ``λx``); every other space is kept;
- a macro the walker does not know takes no arguments and reads as nothing, so
  ``\\left(`` reads ``(`` and ``\\left.`` reads ``.``;
- a group reads as its contents; ``&`` reads as three spaces, ``\\\\`` as a line break;
- a macro argument is a group or a single character (after any spaces).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Our own readings: they take precedence over pylatexenc's defaults (derive.render.unicode
# registers the same table with pylatexenc).
SYMBOLS = {
    "iff": " ⟺ ",
    "implies": " ⟹ ",
    "impliedby": " ⟸ ",
    "to": " → ",
    "coloneqq": " := ",
    "mapsto": " ↦ ",
    "propto": " ∝ ",
    "sim": " ~ ",
    "|": "‖",
    "quad": "  ",
    "qquad": "    ",
    "le": " ≤ ",
    "ge": " ≥ ",
    "ne": " ≠ ",
    "neq": " ≠ ",
    "leq": " ≤ ",
    "geq": " ≥ ",
    "approx": " ≈ ",
    "ll": " ≪ ",
    "gg": " ≫ ",
    "mid": " | ",
    "infty": "∞",
    "times": " × ",
    "in": " ∈ ",
    "cdot": "·",
    "dagger": "†",
    "det": "det",
    "operatorname": "",  # its group follows and reads as usual
    "boxed": "",
}


def frac_text(num: str, den: str) -> str:
    """a/b with each side in parentheses unless it is a single symbol or number."""
    if num.strip() in ("∂", "d"):  # ∂/∂x, d/dx read fine without parentheses
        return f"{num.strip()}/{den.strip()}"
    return f"{_grouped(num)}/{_grouped(den)}"


_ATOM = re.compile(r"[\w.′'†*^()‖|]+")


def _grouped(text: str) -> str:
    text = text.strip()
    return text if _ATOM.fullmatch(text) and not _unbalanced(text) else f"({text})"


def _unbalanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return True
    return depth != 0


# -- pylatexenc's default readings, for the macros our printer uses ------------------------------

def _greek() -> dict[str, str]:
    names = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
             "sigma tau upsilon phi chi psi omega").split()
    out = {}
    for name in names:
        letter = "LAMDA" if name == "lambda" else name.upper()  # Unicode's spelling
        small = {"epsilon": "GREEK LUNATE EPSILON SYMBOL", "phi": "GREEK PHI SYMBOL"}.get(
            name, f"GREEK SMALL LETTER {letter}")
        out[name] = unicodedata.lookup(small)
        out[name.capitalize()] = unicodedata.lookup(f"GREEK CAPITAL LETTER {letter}")
    out.update(varepsilon="ε", vartheta="ϑ", varpi="ϖ", varrho="ϱ", varsigma="ς", varphi="φ")
    return out


_CONSTANTS = {
    **_greek(),
    "partial": "∂", "nabla": "∇", "ell": "ℓ", "hbar": "ħ", "forall": "∀", "exists": "∃",
    "emptyset": "∅", "varnothing": "∅", "notin": "∉", "ni": "∋", "sum": "∑", "prod": "∏",
    "int": "∫", "setminus": "∖", "circ": "∘", "ast": "∗", "bullet": "∙", "pm": "±", "mp": "∓",
    "prime": "'", "dag": "†", "otimes": "⊗", "oplus": "⊕", "wedge": "∧", "vee": "∨", "cap": "∩",
    "cup": "∪", "subset": "⊂", "supset": "⊃", "subseteq": "⊆", "supseteq": "⊇", "equiv": "≡",
    "simeq": "≃", "parallel": "∥", "langle": "⟨", "rangle": "⟩", "vert": "|", "lvert": "|",
    "rvert": "|", "Vert": "‖", "lVert": "‖", "rVert": "‖", "rightarrow": "→", "leftarrow": "←",
    "uparrow": "↑", "downarrow": "↓", "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮",
    "ddots": "⋱",
    **{name: name for name in ("log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh",
                               "max", "min", "sup", "inf", "lim")},
    ",": " ", ";": " ", ":": " ", " ": " ", "!": "", "{": "{", "}": "}", "_": "_", "#": "#", "&": "&",
    "\\": "\n",
    # Unknown to pylatexenc: no arguments, no text (the group after \mathop reads as a group).
    "left": "", "right": "", "mathop": "", "mathrel": "", "mathord": "", "boldsymbol": "", "substack": "",
    "displaystyle": "",
}

_ALPHABETS = {"mathbf": "BOLD", "mathbb": "DOUBLE-STRUCK", "mathcal": "SCRIPT"}

_ACCENTS = {
    "hat": "\N{COMBINING CIRCUMFLEX ACCENT}", "check": "\N{COMBINING CARON}", "tilde": "\N{COMBINING TILDE}",
    "bar": "\N{COMBINING OVERLINE}", "dot": "\N{COMBINING DOT ABOVE}", "ddot": "\N{COMBINING DIAERESIS}",
    "vec": "\N{COMBINING RIGHT ARROW ABOVE}", "breve": "\N{COMBINING BREVE}",
    "acute": "\N{COMBINING ACUTE ACCENT}", "grave": "\N{COMBINING GRAVE ACCENT}",
}


def _styled(text: str, style: str) -> str:
    """ASCII letters in a mathematical alphabet (𝐱, ℝ, 𝒩); other characters unchanged."""
    return "".join(_styled_letter(ch, style) if ch.isascii() and ch.isalpha() else ch for ch in text)


_STYLED: dict[tuple[str, str], str] = {}


def _styled_letter(ch: str, style: str) -> str:
    found = _STYLED.get((ch, style))
    if found is None:
        name = f"{style} {'CAPITAL' if ch.isupper() else 'SMALL'} {ch.upper()}"
        try:
            found = unicodedata.lookup(f"MATHEMATICAL {name}")
        except KeyError:  # the letters Unicode had before the mathematical alphabets (ℝ, ℬ)
            found = unicodedata.lookup(name)
        _STYLED[(ch, style)] = found
    return found


def _accented(text: str, mark: str) -> str:
    # As pylatexenc: the mark on every character of the (stripped) argument, composed.
    return "".join(unicodedata.normalize("NFC", {"ı": "i", "ȷ": "j"}.get(ch, ch) + mark) for ch in text.strip())


# Macros with arguments: name -> (number of arguments, reading of the arguments' text).
_WITH_ARGS: dict[str, tuple[int, Callable[..., str]]] = {
    "frac": (2, frac_text),
    "text": (1, lambda body: body),
    "mathrm": (1, lambda body: body),
    "sqrt": (1, lambda body: f"√({body})"),
    **{name: (1, lambda body, style=style: _styled(body, style)) for name, style in _ALPHABETS.items()},
    **{name: (1, lambda body, mark=mark: _accented(body, mark)) for name, mark in _ACCENTS.items()},
}

# Environments the walker knows nothing about: they read as their body.
_ENVIRONMENTS = frozenset({"aligned", "cases"})

# Input pylatexenc reads in ways this module does not: its specials ("~", "''", "--", …),
# math shifts, comments, paragraph breaks.
_OUTSIDE = re.compile(r"''|``|--|[!?]`|[~$%\n]")
# A macro's name is its letters, any letters (\lambdaé is one unknown macro, as in TeX).
_TOKEN = re.compile(r"\\(?:(begin|end)\s*\{([\w* ._-]+)\}|([^\W\d_]+)\s*|(.))|([{}&])|([^\\{}&]+)", re.S)


class _Unknown(Exception):
    """The input leaves the subset; pylatexenc reads it instead."""


def read_text(latex: str) -> str | None:
    """The text pylatexenc's reader gives for ``latex``, or None outside the known subset."""
    if _OUTSIDE.search(latex):
        return None
    reader = _Reader(latex)
    try:
        text = reader.until(None)
    except _Unknown:
        return None
    return text


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def until(self, stop: str | None) -> str:
        """Read nodes up to ``stop`` ("}", an environment's name, or None for the end)."""
        out = []
        source = self.source
        while self.pos < len(source):
            m = _TOKEN.match(source, self.pos)
            if m is None:
                raise _Unknown
            self.pos = m.end()
            env_kind, env_name, macro, symbol, special, chars = m.groups()
            if chars is not None:
                out.append(chars)
            elif special == "{":
                out.append(self.until("}"))
            elif special == "}":
                if stop != "}":
                    raise _Unknown
                return "".join(out)
            elif special == "&":
                out.append("   ")
            elif env_kind == "begin":
                if env_name not in _ENVIRONMENTS:
                    raise _Unknown
                out.append(self.until(env_name))
            elif env_kind == "end":
                if env_name != stop:
                    raise _Unknown
                return "".join(out)
            else:
                out.append(self.macro(macro if macro is not None else symbol))
        if stop is not None:
            raise _Unknown
        return "".join(out)

    def macro(self, name: str) -> str:
        if name in SYMBOLS:
            return SYMBOLS[name]
        constant = _CONSTANTS.get(name)
        if constant is not None:
            if name == "\\":
                # "\\*" and "\\[2pt]" take arguments.
                after = self.source[self.pos : self.pos + 1]
                if after == "[" or self.source[self.pos :].lstrip().startswith("*"):
                    raise _Unknown
            return constant
        spec = _WITH_ARGS.get(name)
        if spec is None:
            raise _Unknown
        count, reading = spec
        if name == "sqrt" and self.source[self.pos :].lstrip().startswith("["):  # \sqrt[3]{x}
            raise _Unknown
        return reading(*(self.argument() for _ in range(count)))

    def argument(self) -> str:
        """A macro's argument: a group, or one letter or digit, after any spaces."""
        source = self.source
        while self.pos < len(source) and source[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(source):
            raise _Unknown
        ch = source[self.pos]
        self.pos += 1
        if ch == "{":
            return self.until("}")
        if ch.isalnum():
            return ch
        raise _Unknown


__all__ = ["SYMBOLS", "frac_text", "read_text"]
