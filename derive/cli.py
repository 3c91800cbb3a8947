"""The ``derive`` command: argument parsing and exit codes only.

Exit codes: 0 success; 1 verification failed (refuted or undecided claims) or a
document could not be rendered; 2 usage error (unknown target, bad option);
3 a required external tool (TeX; MkDocs or KaTeX for ``site``) is missing; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from derive.errors import DeriveError

_STATUS_WIDTH = 9


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derive",
        description="Step-by-step, machine-verified solutions to mathematics problems.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("list", help="list bundled problem sets, problems and parts")

    show = sub.add_parser("show", help="verify a target and print its solution as text")
    show.add_argument("target", help="e.g. cs182-hw0/q2/d")
    _verifier_options(show)

    build = sub.add_parser("build", help="verify and write solution documents")
    build.add_argument("targets", nargs="*", metavar="TARGET", help="a set, problem or part (default: every bundled set)")
    build.add_argument("--format", default="md,tex,json,txt", help="comma-separated: md,tex,json,txt,pdf (default: md,tex,json,txt)")
    build.add_argument("--out", default="output", type=Path, help="output directory (default: ./output)")
    _verifier_options(build)

    verify = sub.add_parser("verify", help="verify targets and print a table of verdicts")
    verify.add_argument("targets", nargs="*", metavar="TARGET", help="a set, problem or part (default: everything)")
    _verifier_options(verify)

    mutate = sub.add_parser(
        "mutate",
        help="fault injection: mutate every verified claim and count how many mutants the verifier refutes",
    )
    mutate.add_argument("targets", nargs="*", metavar="TARGET", help="a set, problem or part (default: everything)")
    mutate.add_argument("--sample", type=_count, metavar="N", help="verify a random sample of N mutants (default: all)")
    mutate.add_argument("--seed", type=int, default=0, help="seed of the sample (default: 0)")
    mutate.add_argument("--list", action="store_true", help="list every mutant that was not refuted")
    _verifier_options(mutate, cache=False, time_limit=20.0)

    site = sub.add_parser("site", help="build a static course site (MkDocs Material, KaTeX offline) from built Markdown")
    site.add_argument("--source", default="output", type=Path, help="the built solutions (default: ./output)")
    site.add_argument("--out", default=Path("build/site"), type=Path, help="site directory (default: ./build/site)")
    site.add_argument("--title", default="Course solutions", help="the site's name (default: Course solutions)")
    site.add_argument("--katex", type=Path, metavar="DIR", help="KaTeX's dist folder (default: node_modules/katex/dist)")

    cache = sub.add_parser("cache", help="show or clear the verification cache")
    cache.add_argument("action", choices=("info", "clear"), help="info: where it is and what it holds; clear: delete it")
    return parser


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, not {value}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {value!r}") from None
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value}")
    return number


def _verifier_options(parser: argparse.ArgumentParser, cache: bool = True, time_limit: float | None = None) -> None:
    from derive.verify import DEFAULT_TIME_LIMIT

    limit = time_limit or DEFAULT_TIME_LIMIT
    parser.add_argument("-j", "--jobs", type=_count, default=None, metavar="N", help="verify on N processes (default: one per core)")
    parser.add_argument(
        "--time-limit", type=_seconds, default=limit, metavar="SECONDS",
        help=f"stop a claim's verification after this long and call it undecided (default: {limit:g})",
    )
    if cache:
        parser.add_argument("--no-cache", action="store_true", help="verify every claim again; neither read nor write the cache")


class _Display:
    """Progress on a terminal: a bar redrawn in place, with a line per finished problem
    above it; shown only once a run has taken a moment. Silent when not a terminal."""

    DELAY = 0.5  # seconds before a bar appears: quick runs stay quiet

    def __init__(self, stream=None) -> None:
        import time

        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.drawn = ""

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * len(self.drawn) + "\r")
            self.drawn = ""

    def line(self, message: str) -> None:
        if self.live:
            bar = self.drawn
            self._clear()
            self.stream.write(f"derive: {message}\n")
            if bar:
                self.stream.write(bar)
                self.drawn = bar
            self.stream.flush()

    def tick(self, done: int, total: int) -> None:
        import shutil
        import time

        if not self.live or time.monotonic() - self.start < self.DELAY:
            return
        width = max(10, min(40, shutil.get_terminal_size().columns - 40))
        filled = width * done // max(total, 1)
        bar = f"derive: verifying [{'#' * filled}{'.' * (width - filled)}] {done}/{total} claims"
        self._clear()
        self.stream.write(bar)
        self.stream.flush()
        self.drawn = bar

    def close(self) -> None:
        if self.live:
            self._clear()
            self.stream.flush()


def _cache(args: argparse.Namespace):
    from derive.cache import Cache

    return Cache.from_environment(enabled=not getattr(args, "no_cache", False))


def _jobs(args: argparse.Namespace) -> int:
    from derive.parallel import default_jobs

    return args.jobs or default_jobs()


def _verified(targets: list[str] | None, args: argparse.Namespace, display: _Display):
    from derive.pipeline import verify_targets

    cache = _cache(args)
    try:
        return verify_targets(
            targets, display.line, cache=cache, jobs=_jobs(args), time_limit=args.time_limit, tick=display.tick
        )
    finally:
        display.close()
        _cache_notes(cache)


def _cache_notes(cache) -> None:
    for message in cache.write_errors if cache else ():
        print(f"derive: note: {message}", file=sys.stderr)


def _cmd_list() -> int:
    from derive.pipeline import list_tree
    from derive.registry import get_set

    current = None
    for set_id, problem_id, parts in list_tree():
        if set_id != current:
            print(f"{set_id}  {get_set(set_id).title}")
            current = set_id
        print(f"  {set_id}/{problem_id}  parts: {', '.join(parts)}")
    return 0


def _cmd_show(target: str, args: argparse.Namespace) -> int:
    from derive.render import render_problem
    from derive.verify import failures

    problems = _verified([target], args, _Display())
    for problem in problems:
        sys.stdout.write(render_problem(problem, "txt"))
    bad = failures(problems)
    for line in bad:
        print(f"derive: {line}", file=sys.stderr)
    return 1 if bad else 0


def _cmd_verify(targets: list[str], args: argparse.Namespace) -> int:
    from derive.model import Summary
    from derive.verify import failures

    problems = _verified(targets or None, args, _Display())
    print(f"{'target':<28} {'step':<26} {'status':<{_STATUS_WIDTH}} {'seconds':>7}  method")
    for problem in problems:
        for part in problem.parts:
            labels = part.labels()
            for index, step in part.claims():
                v = step.verdict
                where = f"{problem.target}/{part.id}"
                print(f"{where:<28} {labels[index - 1] + ' ' + step.title:<26.26} {v.status.value:<{_STATUS_WIDTH}} {v.seconds:7.2f}  {v.method}")
    s = Summary.of(problems)
    print(f"\n{s.claims} claims: {s.proved} proved, {s.checked} checked, {s.sampled} sampled, "
          f"{s.refuted} refuted, {s.undecided} undecided")
    bad = failures(problems)
    for line in bad:
        print(f"derive: {line}", file=sys.stderr)
    return 1 if bad else 0


def _cmd_build(targets: list[str], fmt: str, out: Path, args: argparse.Namespace) -> int:
    from derive.pipeline import build

    display = _Display()
    cache = _cache(args)
    try:
        report = build(
            targets or None, fmt, out, progress=display.line,
            cache=cache, jobs=_jobs(args), time_limit=args.time_limit, tick=display.tick,
        )
    finally:
        display.close()
        _cache_notes(cache)
    unchanged = " (unchanged since the last build: restored from the cache)" if report.from_cache else ""
    print(f"wrote {len(report.written)} files under {out}/{unchanged}")
    return 0


def _cmd_mutate(args: argparse.Namespace) -> int:
    from derive.mutate import format_report, run_mutants

    display = _Display()
    try:
        report = run_mutants(
            args.targets or None, sample=args.sample, seed=args.seed, jobs=_jobs(args),
            time_limit=args.time_limit, tick=display.tick,
        )
    finally:
        display.close()
    sys.stdout.write(format_report(report, list_survivors=args.list))
    return 0 if report.all_refuted else 1


def _cmd_cache(action: str) -> int:
    from derive.cache import Cache

    cache = Cache()
    if action == "clear":
        removed = cache.clear()
        print(f"removed {removed} cached files from {cache.directory}")
        return 0
    info = cache.info()
    state = "off (DERIVE_CACHE)" if Cache.from_environment() is None else "on"
    print(f"cache: {cache.directory} ({state})")
    print(f"  verdicts: {info['verdicts']} ({info['verdicts_bytes'] / 1024:.0f} KiB)")
    print(f"  documents: {info['documents']} builds, {info['blobs']} files ({info['blobs_bytes'] / 1024:.0f} KiB)")
    return 0


def _cmd_site(source: Path, out: Path, title: str, katex: Path | None) -> int:
    from derive.render.site import build_site

    build_site(source, out, title, katex)
    print(f"wrote the course site to {out}/ (open {out / 'index.html'}, or serve it: python -m http.server -d {out})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``derive`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _cmd_list()
        if args.command == "show":
            return _cmd_show(args.target, args)
        if args.command == "verify":
            return _cmd_verify(args.targets, args)
        if args.command == "build":
            return _cmd_build(args.targets, args.format, args.out, args)
        if args.command == "mutate":
            return _cmd_mutate(args)
        if args.command == "cache":
            return _cmd_cache(args.action)
        if args.command == "site":
            return _cmd_site(args.source, args.out, args.title, args.katex)
    except DeriveError as exc:
        print(f"derive: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"derive: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("derive: interrupted; earlier outputs are left as they were", file=sys.stderr)
        return 130
    return 2


def run() -> NoReturn:
    """The ``derive`` program (and ``python -m derive``): :func:`main`, then a quick exit.

    Every document is written and closed by then, and the workers are stopped; the
    output streams are flushed here. What is skipped is the interpreter's teardown,
    which frees every object SymPy and the verifier built, one by one: a tenth of a
    second or more after a build, for nothing.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``derive list | head``) or stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
