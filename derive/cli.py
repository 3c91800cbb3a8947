"""The ``derive`` command: argument parsing and exit codes only.

Exit codes: 0 success; 1 verification failed (refuted or undecided claims) or a
document could not be rendered; 2 usage error (unknown target, bad option);
3 a required external tool (TeX) is missing; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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

    build = sub.add_parser("build", help="verify and write solution documents")
    build.add_argument("targets", nargs="*", metavar="TARGET", help="a set, problem or part (default: every bundled set)")
    build.add_argument("--format", default="md,tex,json,txt", help="comma-separated: md,tex,json,txt,pdf (default: md,tex,json,txt)")
    build.add_argument("--out", default="output", type=Path, help="output directory (default: ./output)")

    verify = sub.add_parser("verify", help="verify targets and print a table of verdicts")
    verify.add_argument("targets", nargs="*", metavar="TARGET", help="a set, problem or part (default: everything)")
    return parser


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


def _cmd_show(target: str) -> int:
    from derive.pipeline import verify_targets
    from derive.render import render_problem
    from derive.verify import failures

    problems = verify_targets([target])
    for problem in problems:
        sys.stdout.write(render_problem(problem, "txt"))
    bad = failures(problems)
    for line in bad:
        print(f"derive: {line}", file=sys.stderr)
    return 1 if bad else 0


def _cmd_verify(targets: list[str]) -> int:
    from derive.pipeline import verify_targets
    from derive.model import Summary
    from derive.verify import failures

    problems = verify_targets(targets or None)
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


def _cmd_build(targets: list[str], fmt: str, out: Path) -> int:
    from derive.pipeline import build

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"derive: {message}", file=sys.stderr)

    report = build(targets or None, fmt, out, progress=progress)
    print(f"wrote {len(report.written)} files under {out}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``derive`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _cmd_list()
        if args.command == "show":
            return _cmd_show(args.target)
        if args.command == "verify":
            return _cmd_verify(args.targets)
        if args.command == "build":
            return _cmd_build(args.targets, args.format, args.out)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
