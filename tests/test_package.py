"""Packaging: the wheel ships the templates, and the public API is importable."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (found,) = out.glob("derive-*.whl")
    return found


def test_wheel_contains_every_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))
    assert templates
    for name in templates:
        assert f"derive/templates/{name}" in names


def test_wheel_contains_the_problem_sets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "derive/problems/cs182_hw0/q2.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_templates_found_in_an_installed_layout(tmp_path, monkeypatch, wheel):
    """Unpacked as site-packages would hold it, the package finds its own templates."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = "from derive.render import template_dir; print(template_dir())"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert Path(result.stdout.strip()) == tmp_path / "derive" / "templates"


def test_public_api():
    import derive

    for name in derive.__all__:
        assert hasattr(derive, name), name
    (problem,) = derive.load("cs182-hw0/q2/a")
    verified = derive.verify(problem)
    assert verified.parts[0].answer.verdict.status is derive.Status.PROVED
    assert "Part (a)" in derive.render(verified, "md")


def test_verify_is_callable_and_its_submodules_stay_reachable():
    import derive
    import derive.verify.equality

    assert derive.verify.equality.decide_equal is not None
    (problem,) = derive.load("cs182-hw0/q2/c")
    assert derive.verify(problem).parts[0].answer.verdict.status is derive.Status.PROVED
