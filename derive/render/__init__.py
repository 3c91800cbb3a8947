"""Renderers: Markdown, LaTeX, JSON and terminal text from a verified problem.

The templates in ``templates/`` (shipped in the wheel as ``derive/templates``) lay out
the view built by :mod:`derive.render.view`; LaTeX for formulas comes only from
:mod:`derive.printing`. In the LaTeX environment every value is escaped as prose
unless a filter marked it as LaTeX already.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from derive.errors import RenderError
from derive.model import Problem, ProblemSet, Status, Summary
from derive.render.figures import PlotView
from derive.render.figures import fmt as figure_number
from derive.render.unicode import math_to_unicode, prose_to_unicode
from derive.render.view import ProblemView, Segment, problem_view

if TYPE_CHECKING:
    import jinja2

FORMATS = ("md", "tex", "json", "txt")
SCHEMA = "derive/solution@1"

MARKS = {
    Status.PROVED: ("✔", "proved", "holds in general (symbolic sizes and parameters)"),
    Status.CHECKED: ("✓", "checked", "exact check on the listed concrete sizes, with symbolic entries"),
    Status.SAMPLED: ("≈", "sampled", "exact check at random rational points"),
    Status.REFUTED: ("✘", "REFUTED", "false: a counterexample is given"),
    Status.UNDECIDED: ("?", "UNDECIDED", "the verifier could not decide"),
}


def template_dir() -> Path:
    """The templates: inside the installed package, else at the top of the source tree."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "problem.md.j2").is_file():
            return candidate
    raise RenderError(f"templates not found next to {here}")


def _unknown_char(char: str) -> str:
    """A character pylatexenc has no macro for: its compatibility form (a superscript T
    becomes a raised T), else the character itself, which LaTeX then names in its error."""
    plain = unicodedata.normalize("NFKC", char)
    if plain == char:
        return char
    inner = _encoder().unicode_to_latex(plain)
    kind = unicodedata.decomposition(char).split(" ")[0]
    if kind == "<super>":
        return rf"\textsuperscript{{{inner}}}"
    if kind == "<sub>":
        return rf"\textsubscript{{{inner}}}"
    return inner


@lru_cache(maxsize=1)
def _encoder() -> Any:
    # pylatexenc (like jinja2) is imported when first needed: commands that render
    # nothing start faster, and a build imports it while its claims are verified.
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        unknown_char_policy=_unknown_char, unknown_char_warning=False, replacement_latex_protection="braces-after-macro"
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]>#|$])")


# Text accents for a letter followed by a combining mark that has no precomposed form
# (an f with a hat, say); pylatexenc knows only the precomposed letters.
_TEXT_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
                 "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030c": "v"}
# A letter with a combining accent, or a root sign before one letter or digit (√λ):
# pylatexenc would print an empty root followed by the letter.
_COMBINED = re.compile(r"(.)([\u0300-\u036f])|\u221a(\w)", re.S)
# Printable ASCII that the encoder leaves as it is (not " # $ % & < > \ ^ _ { } ~): most
# prose is only that, and the encoder reads its input a character at a time in Python.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 ,.;:!?()'\[\]/*+=|@`-]*")


def escape_tex(value: Any) -> str:
    """Prose as LaTeX text: special characters escaped, Unicode as LaTeX macros."""
    return _escape_tex(str(value))


@lru_cache(maxsize=16384)
def _escape_tex(value: str) -> str:
    # A pure function of the text, memoized: a set's document repeats every problem's prose.
    if _PLAIN_TEXT.fullmatch(value):
        return value
    source = unicodedata.normalize("NFC", value)
    out, last = [], 0
    for match in _COMBINED.finditer(source):
        out.append(_encoder().unicode_to_latex(source[last : match.start()]))
        if match.group(3) is not None:
            out.append(f"\\ensuremath{{\\sqrt{{{_encoder().unicode_to_latex(match.group(3))}}}}}")
        else:
            accent = _TEXT_ACCENTS.get(match.group(2))
            if accent is None:
                raise RenderError(f"no LaTeX accent for U+{ord(match.group(2)):04X} in {source!r}")
            out.append(f"\\{accent}{{{_encoder().unicode_to_latex(match.group(1))}}}")
        last = match.end()
    out.append(_encoder().unicode_to_latex(source[last:]))
    # Script capitals (a Gaussian's N) as \mathcal: \mathscr needs fonts that Debian's
    # texlive-latex-* packages do not bring.
    return "".join(out).replace("\\mathscr{", "\\mathcal{")


def escape_md(value: Any) -> str:
    """Prose for Markdown: punctuation Markdown would act on is backslash-escaped; "<" is
    an entity, since Python-Markdown (MkDocs) keeps the backslash of "\\<"."""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("<", "&lt;")


def _finalize_tex(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return value if value is not None else ""
    if isinstance(value, (int, float)):
        return str(value)
    return escape_tex(value)


def _prose_md(segs: tuple[Segment, ...]) -> str:
    return "".join(f"${s.value}$" if s.kind == "math" else escape_md(s.value) for s in segs)


def _prose_tex(segs: tuple[Segment, ...]) -> Markup:
    return Markup("".join(rf"\({s.value}\)" if s.kind == "math" else escape_tex(s.value) for s in segs))


def _mark(status: Status) -> str:
    return MARKS[status][0]


def _mark_word(status: Status) -> str:
    return MARKS[status][1]


@lru_cache(maxsize=None)
def environment(fmt: str) -> jinja2.Environment:
    """The Jinja environment of one output format."""
    import jinja2

    loader = jinja2.FileSystemLoader(str(template_dir()))
    common = dict(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    if fmt == "tex":
        env = jinja2.Environment(
            block_start_string=r"\BLOCK{",
            block_end_string="}",
            variable_start_string=r"\VAR{",
            variable_end_string="}",
            comment_start_string=r"\#{",
            comment_end_string="}",
            line_statement_prefix="%%",
            line_comment_prefix="%#",
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            finalize=_finalize_tex,
            **common,
        )
        env.filters["prose"] = _prose_tex
        env.filters["latex"] = lambda s: Markup(s)
        # Data coordinates of figures: fixed notation, ASCII minus, as pgfplots reads them.
        env.filters["num"] = lambda v, places=4: Markup(figure_number(v, places))
    elif fmt == "svg":
        # XML: every value escaped; words in Unicode, numbers in fixed notation.
        env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, autoescape=True, **common)
        env.filters["num"] = figure_number
    else:
        env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, autoescape=False, **common)
        env.filters["prose"] = _prose_md if fmt == "md" else prose_to_unicode
        env.filters["unicode"] = math_to_unicode
        env.filters["md_escape"] = escape_md
    env.filters["mark"] = _mark
    env.filters["mark_word"] = _mark_word
    env.filters["wrap"] = _wrap
    env.filters["indent_lines"] = lambda s, n=4: "\n".join(" " * n + line for line in s.splitlines())
    env.globals["marks"] = MARKS
    env.globals["Status"] = Status
    env.bytecode_cache = _compiled_templates(fmt, env)
    return env


_SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "autoescape",
)


def _compiled_templates(fmt: str, env: jinja2.Environment) -> jinja2.BytecodeCache:
    """Compiled templates kept with derive's compiled modules (:func:`compiled_dir`), as
    Python keeps those: a build then does not compile its templates again.

    Jinja checks each entry against its template's source and its own version, so an
    edited template is compiled afresh; the file name holds the environment's syntax
    settings, so a changed setting does not reuse code compiled under the old one. A
    directory that cannot be written, or an entry that cannot be read, costs only the
    compilation.
    """
    import hashlib

    import jinja2

    settings = repr([getattr(env, name) for name in _SYNTAX] + [getattr(env.finalize, "__qualname__", None)])
    digest = hashlib.sha256(settings.encode()).hexdigest()[:16]

    class Beside(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - unreadable or truncated: compile again
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                Path(self.directory).mkdir(parents=True, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Beside(str(compiled_dir()), f"{fmt}-{digest}-%s.jinja")


def compiled_dir() -> Path:
    """Where compiled templates are kept: beside this package's own bytecode, which
    version control and the wheel leave out (the templates folder ships whole)."""
    return Path(__file__).resolve().parent / "__pycache__" / "templates"


@lru_cache(maxsize=8192)
def _wrap(text: str, width: int = 88, indent: str = "") -> str:
    # Memoized: a set's text document wraps every problem's paragraphs again.
    return textwrap.fill(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


@lru_cache(maxsize=None)
def _compile_templates(fmt: str) -> None:
    """Compile every template of one format (Jinja keeps them compiled)."""
    env = environment(fmt)
    for path in sorted(template_dir().glob(f"*.{fmt}.j2")):
        env.get_template(path.name)


def compile_templates() -> None:
    """Compile every template now (they are kept compiled: see :func:`compiled_dir`)."""
    for fmt in (*FORMATS, "svg"):
        if fmt != "json":
            _compile_templates(fmt)


def _render(fmt: str, template: str, **context: Any) -> str:
    import jinja2

    try:
        return environment(fmt).get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {template}: {exc}") from exc


def render_problem(
    problem: Problem,
    fmt: str,
    figure_files: Mapping[str, Mapping[str, str]] | None = None,
    *,
    view: ProblemView | None = None,
) -> str:
    """One problem as a standalone document in ``fmt`` (md, tex, json or txt).

    ``view`` is the problem's :func:`~derive.render.view.problem_view` with these
    ``figure_files``, when the caller already has it (it renders several formats)."""
    if view is None:
        view = problem_view(problem, figure_files)
    if fmt == "json":
        return json.dumps(problem_json(view), indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return _render(fmt, f"problem.{fmt}.j2", problem=view, standalone=True)


def render_set(
    problem_set: ProblemSet,
    fmt: str,
    figure_files: Mapping[str, Mapping[str, str]] | None = None,
    *,
    views: Sequence[ProblemView] | None = None,
) -> str:
    """A whole problem set as one document (md index, tex book, txt, json list).

    ``views`` are its problems' views, when the caller already has them."""
    if views is None:
        views = [problem_view(p, figure_files) for p in problem_set.problems]
    elif len(views) != len(problem_set.problems):
        raise RenderError(f"{len(views)} views for the {len(problem_set.problems)} problems of {problem_set.id}")
    summary = Summary.of(list(problem_set.problems))
    if fmt == "json":
        data = {"schema": SCHEMA + "-set", "set": problem_set.id, "title": problem_set.title,
                "problems": [problem_json(v) for v in views], "summary": summary.to_dict()}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _render(fmt, f"set.{fmt}.j2", set=problem_set, problems=views, summary=summary)


def render_figure(plot: PlotView) -> str:
    """A figure's plot as a standalone SVG document."""
    return _render("svg", "figure.svg.j2", page=plot.page)


def warm(
    problem: Problem, figure_files: Mapping[str, Mapping[str, str]] | None = None, formats: Sequence[str] = FORMATS
) -> None:
    """Do ahead of rendering ``problem`` in ``formats`` what does not depend on its
    verdicts: print every formula in LaTeX (and in Unicode for text), escape its prose
    for LaTeX, compile the templates.

    All of it is memoized, so a build does this while its claims are verified and
    renders quickly once they are."""
    view = problem_view(problem, figure_files)
    for fmt in formats:
        if fmt in ("md", "tex", "txt"):
            _compile_templates(fmt)
    if any(step.figure for part in view.parts for step in part.steps):
        _compile_templates("svg")
    segs = _segments_of(view)
    if "tex" in formats:
        prose = [s.value for s in segs if s.kind == "text"] + [view.title, view.set_title]
        prose += [step.title for part in view.parts for step in part.steps]
        for text in prose:
            escape_tex(text)
    if "txt" in formats:
        formulas = [s.value for s in segs if s.kind == "math"]
        for part in view.parts:
            formulas.append(part.answer_latex)
            for step in part.steps:
                formulas.extend(step.displays)
                if step.claim:
                    formulas.append(step.claim)
        for formula in formulas:
            math_to_unicode(formula)


def _segments_of(view: ProblemView) -> list[Segment]:
    segs = list(view.statement)
    for part in view.parts:
        segs += [*part.prompt, *part.lead, *part.answer_text]
        for step in part.steps:
            segs += step.text
            if step.figure is not None:
                segs += step.figure.description
    return segs


def _plain(segs: tuple[Segment, ...]) -> str:
    return "".join(f"${s.value}$" if s.kind == "math" else s.value for s in segs)


def problem_json(view: ProblemView) -> dict[str, Any]:
    """The ``derive/solution@1`` record of one problem."""
    parts = []
    for part in view.parts:
        steps = []
        for step in part.steps:
            math = list(step.displays) + ([step.claim] if step.claim else [])
            record: dict[str, Any] = {
                "kind": step.kind,
                "title": step.title,
                "text": _plain(step.text),
                "math": math,
                "verdict": step.verdict.to_dict() if step.verdict else None,
            }
            if step.figure is not None:
                record["figure"] = {"name": step.figure.name, "description": _plain(step.figure.description),
                                    "files": dict(step.figure.files)}
            steps.append(record)
        parts.append({
            "id": part.id,
            "prompt": _plain(part.lead + part.prompt) if part.lead else _plain(part.prompt),
            "steps": steps,
            "answer": {"latex": part.answer_latex, "text": _plain(part.answer_text)},
        })
    return {
        "schema": SCHEMA,
        "set": view.set_id,
        "problem": view.id,
        "title": view.title,
        "statement": _plain(view.statement),
        "parts": parts,
        "summary": {k: v for k, v in view.summary.to_dict().items() if k != "unverified"},
    }
