"""The verification cache: stable content keys, changed claims re-verified, corrupt
entries ignored, unchanged builds restored without symbolic work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from sympy import Dummy, Float, Function, Integer, Lambda, MatrixSymbol, Rational, Sum, Symbol

import derive
import derive.pipeline
from derive.cache import Cache, canonical, claim_key
from derive.claims import Claim, Equal, Given, Symmetric, Unequal
from derive.cli import main
from derive.model import Status, Verdict
from derive.ops import Jacobian
from derive.pipeline import build, verify_targets
from derive.registry import build_problem

from conftest import replace_step

n = Symbol("n", integer=True, positive=True)
x = MatrixSymbol("x", n, 1)
A = MatrixSymbol("A", n, n)
a, b = Symbol("a"), Symbol("b")
QUAD = Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T))
PART = "cs182-hw0/q2/a"


@pytest.fixture
def cache(tmp_path):
    return Cache(tmp_path / "cache")


@pytest.fixture
def no_checks(monkeypatch):
    """Fail the test if the verifier is asked to decide anything."""

    def refuse(claim, time_limit=None):
        raise AssertionError(f"verified although cached: {claim}")

    monkeypatch.setattr(derive.pipeline, "check", refuse)


def _key(claim, verifier="v1"):
    return claim_key(claim, verifier)


# -- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "other",
    [
        Equal(Jacobian(x.T * A * x, x), -x.T * (A + A.T)),  # sign flipped
        Equal(Jacobian(x.T * A * x, x), x.T * (A + A)),  # transpose dropped
        Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T), Given((Symmetric(A),))),  # another assumption
        Unequal(Jacobian(x.T * A * x, x), x.T * (A + A.T)),  # another claim type, same fields
        Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T), Given((Symmetric(MatrixSymbol("B", n, n)),))),
    ],
)
def test_a_changed_claim_has_another_key(other):
    assert _key(other) != _key(QUAD)


@pytest.mark.parametrize(
    "first, second",
    [
        (Equal(a + b, b + a), Equal(Symbol("a", positive=True) + b, b + Symbol("a", positive=True))),
        (Equal(Function("f")(a), a), Equal(Function("f", real=True)(a), a)),
        (Equal(a, Integer(2)), Equal(a, Integer(3))),
    ],
)
def test_assumptions_and_constants_are_part_of_the_key(first, second):
    assert _key(first) != _key(second)


@pytest.mark.parametrize(
    "first, second",
    [
        (Equal(a, Integer(2)), Equal(a, Float(2))),  # equal hashes, not equal objects
        (Equal(a, Float(2)), Equal(a, Integer(2))),  # either memoized first
        (Equal(a, Float("0.1", 15)), Equal(a, Float("0.1", 30))),  # precision
        (Equal(a, Rational(1, 2)), Equal(a, Rational(2, 1))),
        (Equal(a * b, a), Equal(a**b, a)),  # same arguments, another operation
        (Equal(Symbol("ab"), a), Equal(Symbol("a,b"), a)),  # names are quoted
    ],
)
def test_objects_sympy_tells_apart_have_other_keys(first, second):
    assert _key(first) != _key(second)


@pytest.mark.parametrize(
    "first, second",
    [
        (Equal(a + b, a), Equal(b + a, a)),
        (Equal(A * x + x, x), Equal(x + A * x, x)),
        (Equal(Symbol("c", integer=True, positive=True), a), Equal(Symbol("c", positive=True, integer=True), a)),
    ],
)
def test_objects_sympy_calls_equal_have_one_key(first, second):
    assert _key(first) == _key(second)


def test_the_verifier_fingerprint_is_part_of_the_key():
    assert _key(QUAD, "v1") != _key(QUAD, "v2")


def test_dummies_are_numbered_by_appearance_not_by_creation():
    def claim():
        i = Dummy("i", integer=True)
        return Equal(Sum(i, (i, 1, n)), n * (n + 1) / 2)

    first = claim()
    _ = [Dummy() for _ in range(17)]
    assert _key(claim()) == _key(first)


def test_two_dummies_are_not_confused_with_one():
    d, e = Dummy("d"), Dummy("d")
    assert _key(Equal(d, e)) != _key(Equal(d, d))


def test_undefined_functions_in_definitions_are_keyed():
    f, t = Function("phi"), Symbol("t")

    @dataclass(frozen=True)
    class WithDefs(Claim):
        defs: tuple

    one = WithDefs(((f, Lambda(t, t + 1)),))
    two = WithDefs(((f, Lambda(t, t + 2)),))
    assert "phi" in canonical(one) and _key(one) != _key(two)


def test_a_claim_without_content_representation_is_not_cached(cache):
    @dataclass(frozen=True)
    class Opaque(Claim):
        fn: object

    assert cache.key(Opaque(lambda: 0)) is None
    assert cache.key(QUAD) is not None


_SCRIPT = """
import sys
from sympy import Dummy
[Dummy() for _ in range(int(sys.argv[1]))]   # shift SymPy's dummy counter
from derive.cache import claim_key, verifier_fingerprint
from derive.registry import build_problem
keys = [claim_key(s.claim, verifier_fingerprint())
        for part in build_problem("cs182-hw0", "q2").parts for _, s in part.claims()]
print(" ".join(keys))
"""


def test_keys_are_the_same_in_every_process_and_run():
    outputs = set()
    for seed, dummies in (("1", "0"), ("2", "31"), ("random", "5")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", _SCRIPT, dummies], capture_output=True, text=True, env=env, check=True)
        outputs.add(result.stdout.strip())
    assert len(outputs) == 1
    (keys,) = outputs
    assert len(keys.split()) == sum(1 for part in build_problem("cs182-hw0", "q2").parts for _ in part.claims())


# -- entries --------------------------------------------------------------------------------


def test_put_then_get(cache):
    key = cache.key(QUAD)
    verdict = Verdict(Status.PROVED, "matrix-expression algebra", "cross-checked", 0.25)
    cache.put(key, verdict)
    assert cache.get(key) == verdict
    assert (cache.hits, cache.stored) == (1, 1)


def test_undecided_is_never_stored(cache):
    key = cache.key(QUAD)
    cache.put(key, Verdict(Status.UNDECIDED, "time limit", "stopped after 1 s"))
    assert cache.get(key) is None


def _tamper_status(entry):
    data = json.loads(entry.read_text())
    data["status"] = "checked" if data["status"] == "proved" else "proved"
    entry.write_text(json.dumps(data))


def _tamper_key(entry):
    data = json.loads(entry.read_text())
    data["key"] = "0" * 64
    entry.write_text(json.dumps(data))


CORRUPTIONS = {
    "truncated": lambda e: e.write_bytes(e.read_bytes()[: len(e.read_bytes()) // 2]),
    "empty": lambda e: e.write_bytes(b""),
    "binary garbage": lambda e: e.write_bytes(b"\xff\xfe\x00garbage"),
    "not an object": lambda e: e.write_text("[1, 2, 3]"),
    "status edited": _tamper_status,
    "key edited": _tamper_key,
    "schema missing": lambda e: e.write_text(json.dumps({k: v for k, v in json.loads(e.read_text()).items() if k != "schema"})),
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_a_corrupt_entry_is_ignored(cache, how):
    key = cache.key(QUAD)
    cache.put(key, Verdict(Status.REFUTED, "exact instance", "n=2: difference 1"))
    (entry,) = (cache.directory / "verdicts").rglob("*.json")
    CORRUPTIONS[how](entry)
    assert cache.get(key) is None
    assert cache.ignored == 1


def test_a_corrupt_entry_is_verified_again_and_replaced(cache):
    problems = verify_targets([PART], cache=cache)
    for entry in (cache.directory / "verdicts").rglob("*.json"):
        _tamper_status(entry)
    again = Cache(cache.directory)
    assert _statuses(verify_targets([PART], cache=again)) == _statuses(problems)
    assert again.hits == 0 and again.ignored == again.misses > 0
    assert Cache(cache.directory).get(again.key(problems[0].parts[0].answer.claim)) is not None


def _statuses(problems):
    return [step.verdict.status for problem in problems for part in problem.parts for _, step in part.claims()]


def _distinct_claims(target):
    (problem,) = derive.load(target)
    return len({claim_key(step.claim, "v") for part in problem.parts for _, step in part.claims()})


# -- builds ---------------------------------------------------------------------------------


def test_a_warm_verification_does_no_symbolic_work(cache, monkeypatch):
    cold = verify_targets([PART], cache=cache)
    monkeypatch.setattr(derive.pipeline, "check", lambda claim, time_limit=None: pytest.fail("verified again"))
    warm = verify_targets([PART], cache=Cache(cache.directory))
    assert warm == cold
    assert all(step.verdict.status is Status.PROVED for part in warm[0].parts for _, step in part.claims())


def test_a_changed_claim_is_verified_again(cache, monkeypatch):
    verify_targets(["cs182-hw0/q2/b"], cache=cache)
    problem = build_problem("cs182-hw0", "q2")
    answer = problem.part("b").answer
    broken = replace_step(problem, "b", "Answer", claim=Equal(answer.claim.lhs, -2 * x.T))
    monkeypatch.setattr(derive.pipeline, "build_problem", lambda s, p: broken)
    calls = []
    original = derive.pipeline.check
    monkeypatch.setattr(derive.pipeline, "check", lambda claim, t=None: calls.append(claim) or original(claim, t))
    (result,) = verify_targets(["cs182-hw0/q2/b"], cache=Cache(cache.directory))
    assert calls == [broken.part("b").answer.claim]
    assert result.part("b").answer.verdict.status is Status.REFUTED


def test_an_unchanged_build_is_restored_without_verifying(cache, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build(["cs182-hw0/q2"], "md,json", out, cache=cache)
    files = {p: p.read_bytes() for p in first.written}
    (out / "cs182-hw0" / "q2.md").unlink()
    monkeypatch.setattr(derive.pipeline, "verify_targets", lambda *a, **k: pytest.fail("verified again"))
    second = build(["cs182-hw0/q2"], "md,json", out, cache=Cache(cache.directory))
    assert second.from_cache and not first.from_cache
    assert {p: p.read_bytes() for p in second.written} == files


def test_another_selection_or_format_is_not_restored(cache, tmp_path):
    key = cache.document_key([("cs182-hw0", "q2", None)], ["md"])
    assert key != cache.document_key([("cs182-hw0", "q2", ("a",))], ["md"])
    assert key != cache.document_key([("cs182-hw0", "q2", None)], ["md", "json"])


def test_a_corrupt_stored_document_is_rebuilt(cache, tmp_path):
    out = tmp_path / "out"
    build([PART], "md", out, cache=cache)
    for blob in (cache.directory / "blobs").rglob("*"):
        if blob.is_file():
            blob.write_text("tampered")
    report = build([PART], "md", out, cache=Cache(cache.directory))
    assert not report.from_cache
    (document,) = report.written
    assert "tampered" not in document.read_text() and "Part (a)" in document.read_text()


# -- command line ---------------------------------------------------------------------------


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    directory = tmp_path / "user-cache"
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(directory))
    monkeypatch.setenv("DERIVE_CACHE", "on")
    return directory


def test_cli_uses_the_cache_and_no_cache_bypasses_it(user_cache, tmp_path, capsys):
    assert main(["build", PART, "--format", "md", "--out", str(tmp_path / "o"), "--no-cache"]) == 0
    assert not user_cache.exists()
    assert main(["build", PART, "--format", "md", "--out", str(tmp_path / "o")]) == 0
    assert main(["build", PART, "--format", "md", "--out", str(tmp_path / "o")]) == 0
    assert "restored from the cache" in capsys.readouterr().out


def test_cli_cache_info_and_clear_leave_other_files_alone(user_cache, capsys):
    assert main(["verify", PART]) == 0
    assert main(["cache", "info"]) == 0
    distinct = _distinct_claims(PART)
    assert f"verdicts: {distinct} " in capsys.readouterr().out
    (user_cache / "mine.txt").write_text("not derive's")
    assert main(["cache", "clear"]) == 0
    assert f"removed {distinct} cached files" in capsys.readouterr().out
    assert [p.name for p in user_cache.iterdir()] == ["mine.txt"]


def test_environment_can_turn_the_cache_off(user_cache, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE", "off")
    assert Cache.from_environment() is None
    monkeypatch.setenv("DERIVE_CACHE", "verdicts")
    assert not Cache.from_environment().documents


def test_an_unwritable_cache_is_a_note_not_a_failure(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("DERIVE_CACHE", "on")
    assert main(["build", PART, "--format", "md", "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "note: cache not written" in err and "Traceback" not in err
