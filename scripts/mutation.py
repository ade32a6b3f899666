"""`make mutation`: mutation testing of the pure domain modules with mutmut (docs/quality.md "Mutation testing").

Runs `mutmut run` on a fresh copy (mutants/), with the services pointing nowhere: the mutated modules and
their tests need no database, broker, search engine or payment provider. Then reads mutmut's results,
prints the score of each module and every surviving mutant, and fails when more than 5 % of the mutants
survive. A mutant counts as killed when a test failed, crashed or timed out with it; it survives when every
test passed, or when no test runs its function at all.

    .venv/bin/python scripts/mutation.py [--max-children N] [--keep]

`--keep` reuses mutants/ from an earlier run (mutmut only re-tests what changed); by default it starts afresh.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
MAX_SURVIVED = 0.05

# Every service the settings name, at an address where nothing listens: a test that reached one would fail.
NOWHERE = {
    "DJANGO_SETTINGS_MODULE": "ipmarket.settings.test",
    "DATABASE_URL": "postgres://nobody:x@127.0.0.1:1/none",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    "ELASTICSEARCH_URL": "http://127.0.0.1:1",
    "STRIPE_API_BASE": "http://127.0.0.1:1",
}

# mutmut's exit codes (mutmut.stats.status_by_exit_code): a failed or crashed test run kills the mutant, and so
# does a timeout (SIGXCPU after the CPU limit; SIGKILL, -9, after the wall-clock limit). 0 is a survivor, 33 a
# mutant that no selected test reaches; anything else (suspicious, not checked) is not a kill either.
KILLED = {1, 3, 24, -24, 152, 255, 36, -9, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def mutmut() -> list[str]:
    return [str(Path(sys.executable).parent / "mutmut")]


def results() -> dict[str, dict[str, int | None]]:
    """{module file: {mutant name: exit code}} from mutmut's .meta files."""
    found = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        data = json.loads(meta.read_text("utf-8"))
        found[str(meta.relative_to(MUTANTS))[: -len(".meta")]] = data.get("exit_code_by_key", {})
    return found


def verdict(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "not checked" if code is None else f"other ({code})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from an earlier run")
    args = parser.parse_args()

    os.chdir(ROOT)
    if not args.keep and MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    env = os.environ | NOWHERE
    started = time.monotonic()
    run = subprocess.run([*mutmut(), "run", "--max-children", str(args.max_children)], env=env)
    elapsed = time.monotonic() - started
    if run.returncode:
        print(f"mutmut run failed (exit code {run.returncode})", file=sys.stderr)
        return run.returncode

    by_module = results()
    if not by_module:
        print("mutmut left no results in mutants/", file=sys.stderr)
        return 1
    totals = Counter()
    lost = []
    print()
    print(f"{'module':45} {'killed':>7} {'total':>6} {'score':>7}")
    for module, codes in by_module.items():
        counts = Counter(verdict(code) for code in codes.values())
        totals.update(counts)
        total = sum(counts.values())
        print(f"{module:45} {counts['killed']:7} {total:6} {100 * counts['killed'] / max(total, 1):6.1f}%")
        lost += [(name, verdict(code)) for name, code in sorted(codes.items()) if verdict(code) != "killed"]

    total = sum(totals.values())
    killed = totals["killed"]
    survived = total - killed
    print()
    if lost:
        print("Not killed (`.venv/bin/mutmut show NAME` prints the diff):")
        for name, why in lost:
            print(f"  {name}: {why}")
        print()
    score = 100 * killed / total
    print(f"BENCH mutation score={score:.1f}% killed={killed} survived={survived} total={total} seconds={elapsed:.0f}")
    if survived > MAX_SURVIVED * total:
        print(f"FAIL: {survived} of {total} mutants survive, more than {MAX_SURVIVED:.0%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
