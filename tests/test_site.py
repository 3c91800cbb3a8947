"""The course site, built from output/ with MkDocs Material and opened in headless Chromium.

The site is built as ``derive site`` builds it. Every page is checked statically
(titles, navigation per problem set and problem, no resource loaded from another
host) and then opened in Chromium with the network shut off: every formula the
Markdown holds must come out rendered by KaTeX, with no math errors and no TeX source
left in the visible text. A screenshot of each page is saved under
``build/review/site/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derive.errors import ToolMissingError, UsageError
from derive.render.site import MARKER, build_site, sections

from publishing import output_dir, review_dir, unavailable

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    source = output_dir()
    if not source.is_dir():
        pytest.fail(f"{source} does not exist: run the README's build command (make)")
    try:
        return build_site(source, tmp_path_factory.mktemp("site") / "site", title="Course solutions")
    except ToolMissingError as exc:
        unavailable(str(exc))


def pages(source: Path) -> list[str]:
    """Site-relative HTML paths of the home page, each set's overview and each problem page."""
    out = ["index.html"]
    for section in sections(source):
        if section.index:
            out.append(f"{section.id}/index.html")
        out += [f"{section.id}/{Path(p.file).with_suffix('.html')}" for p in section.pages]
    return out


PAGES = pages(output_dir()) if output_dir().is_dir() else []


class Page(HTMLParser):
    """What the site test looks at in a page: resources, links, math elements, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.links: list[str] = []
        self.title = ""
        self.math: list[dict[str, str]] = []
        self.katex = 0
        self.errors: list[str] = []
        self.text: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hides its text)
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and set(a.get("rel", "").split()) & {"stylesheet", "icon", "preload", "modulepreload"}:
            self.resources.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "arithmatex" in classes:
            self.math.append(a)
        if "katex" in classes:
            self.katex += 1
        if "katex-error" in classes or "derive-math-error" in classes:
            self.errors.append(a.get("title", "") or "math error")
        self._in_title = tag == "title"
        if tag not in VOID:
            hidden = tag in ("script", "style", "title") or "katex" in classes or "arithmatex" in classes
            self._stack.append((tag, hidden or any(h for _, h in self._stack)))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not (self._stack and self._stack[-1][1]):
            self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


# -- the built site, statically -----------------------------------------------------------------


def test_there_are_pages_to_check():
    assert len(PAGES) >= 2, f"no Markdown solutions under {output_dir()}: run the README's build command (make)"


def test_every_problem_has_a_titled_page_in_the_navigation(site):
    home = parse((site / "index.html").read_text(encoding="utf-8"))
    for section in sections(output_dir()):
        for problem in section.pages:
            html = site / section.id / Path(problem.file).with_suffix(".html")
            assert html.is_file(), f"no page for {section.id}/{problem.file}"
            page = parse(html.read_text(encoding="utf-8"))
            assert problem.title in page.title, f"{html.name}: title {page.title!r}"
            assert section.title in " ".join(page.text), f"{html.name}: the set's section is not in the navigation"
            assert any(link.endswith(f"{section.id}/{html.name}") for link in home.links), f"home does not link {html.name}"
            for other in section.pages:
                target = Path(other.file).with_suffix(".html").name
                assert any(link.endswith(target) for link in page.links), f"{html.name}: no navigation link to {target}"


@pytest.mark.parametrize("relative", PAGES)
def test_nothing_is_loaded_from_another_host(site, relative):
    page = parse((site / relative).read_text(encoding="utf-8"))
    remote = [r for r in page.resources if re.match(r"^(https?:)?//", r)]
    assert not remote, f"{relative} loads {remote}: the site must build and render offline"
    for resource in page.resources:
        target = (site / relative).parent / resource.split("?")[0].split("#")[0]
        assert target.resolve().is_file(), f"{relative}: {resource} is not in the site"


def test_katex_is_served_by_the_site(site):
    assert (site / "assets" / "katex" / "katex.min.js").is_file()
    assert any((site / "assets" / "katex" / "fonts").glob("*.woff2"))


def test_figures_and_pdfs_are_in_the_site(site):
    source = output_dir()
    for figure in source.glob("*/figures/*.svg"):
        assert (site / figure.parent.parent.name / "figures" / figure.name).is_file()
    for pdf in source.glob("*/*.pdf"):
        assert (site / pdf.parent.name / pdf.name).is_file()


def test_site_refuses_to_overwrite_other_folders(tmp_path):
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    with pytest.raises(UsageError):
        build_site(output_dir(), foreign)
    with pytest.raises(UsageError):
        build_site(output_dir(), output_dir().parent)
    assert (foreign / "mine.txt").read_text() == "keep"


def test_rebuilding_replaces_the_site(site):
    assert (site / MARKER).is_file()
    stale = site / "stale.html"
    stale.write_text("old")
    build_site(output_dir(), site, title="Course solutions")
    assert not stale.exists() and (site / "index.html").is_file()


# -- in the browser ------------------------------------------------------------------------------


def chromium() -> str:
    for name in ([os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else []) + list(BROWSERS):
        path = shutil.which(name)
        if path:
            return path
    unavailable("Chromium is not installed (sudo apt-get install chromium)")
    raise AssertionError  # unreachable


def browse(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Open a page in headless Chromium with the network shut off."""
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
        # Any request to another host fails: the math must render from the site alone.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        "--virtual-time-budget=15000", *extra, url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("relative", PAGES)
def test_page_renders_every_formula_in_chromium(site, relative, tmp_path):
    url = (site / relative).resolve().as_uri()
    result = browse(url, tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    page = parse(result.stdout)
    source = parse((site / relative).read_text(encoding="utf-8"))
    assert len(page.math) == len(source.math), "math elements lost"
    unrendered = [m for m in page.math if m.get("data-derive-math") != "rendered"]
    assert not unrendered, f"{len(unrendered)} of {len(page.math)} formulas were not rendered"
    assert not page.errors, f"math errors: {page.errors[:5]}"
    assert page.katex >= len(page.math)
    if relative.count("/") == 1 and not relative.endswith("index.html"):
        assert len(page.math) >= 5, "a problem page without formulas"
    visible = " ".join(page.text)
    leaks = sorted(set(re.findall(r"\\[A-Za-z]+|\\.|\$", visible)))
    assert not leaks, f"TeX source or Markdown escapes visible on the page: {leaks}"

    shot = review_dir("site") / (relative.replace("/", "-").replace(".html", ".png"))
    browse(url, tmp_path / "profile", "--window-size=1280,1600", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 10_000, "no screenshot"


def test_site_command_names_what_to_install(tmp_path, capsys):
    from derive.cli import main
    from derive.render.site import require_mkdocs

    try:
        require_mkdocs()
    except ToolMissingError as exc:
        unavailable(str(exc))
    code = main(["site", "--source", str(output_dir()), "--out", str(tmp_path / "site"), "--katex", str(tmp_path / "none")])
    assert code == 3
    assert "npm ci" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_site_command_refuses_a_folder_it_did_not_build(tmp_path, capsys):
    from derive.cli import main

    (tmp_path / "keep.txt").write_text("mine")
    assert main(["site", "--source", str(output_dir()), "--out", str(tmp_path)]) == 2
    assert "not a site built by derive" in capsys.readouterr().err


@pytest.mark.parametrize(
    "prose",
    [
        r"a\b `c` *d* _e_ {f} [g] <h> #i |j| 50% & x<y",
        "x_1 and y_2 with *stars* at both ends*, costs $5 or $6",
        "<script>alert(1)</script> stays text",
    ],
)
def test_markdown_prose_reaches_the_page_as_written(prose):
    """Prose escaped for Markdown comes out of the site's Markdown (Python-Markdown) unchanged."""
    import html as html_module

    try:
        import markdown
    except ImportError:
        unavailable("Python-Markdown is not installed: pip install 'derive[site]'")
    from derive.render import escape_md

    rendered = markdown.markdown(escape_md(prose), extensions=["tables", "pymdownx.arithmatex"],
                                 extension_configs={"pymdownx.arithmatex": {"generic": True}})
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert "<script>" not in rendered
    assert html_module.unescape(rendered[3:-4]) == prose


def test_home_links_every_pdf(site):
    home = parse((site / "index.html").read_text(encoding="utf-8"))
    for pdf in output_dir().glob("*/*.pdf"):
        assert any(link.endswith(f"{pdf.parent.name}/{pdf.name}") for link in home.links), f"home does not link {pdf.name}"


def test_a_partial_build_without_set_index_still_makes_a_site(tmp_path):
    problems = sorted(p for p in output_dir().glob("*/*.md") if p.name != "index.md")
    assert problems, "no problem pages in output/"
    source = tmp_path / "out" / "some-set"
    source.mkdir(parents=True)
    shutil.copy(problems[0], source / problems[0].name)
    if (problems[0].parent / "figures").is_dir():
        shutil.copytree(problems[0].parent / "figures", source / "figures")
    try:
        site = build_site(tmp_path / "out", tmp_path / "site")
    except ToolMissingError as exc:
        unavailable(str(exc))
    page = parse((site / "some-set" / problems[0].with_suffix(".html").name).read_text(encoding="utf-8"))
    assert page.math and "some-set" in " ".join(page.text)
