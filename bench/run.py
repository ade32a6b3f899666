"""`make bench`: runs every bench/bench_*.py; each prints one line

    BENCH name=<name> ours=<x> baseline=<y> unit=<u> ratio=<r>

with ratio > 1 meaning ours is better, both figures measured in the same run.
"""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    for path in sorted(HERE.glob("bench_*.py")):
        runpy.run_path(str(path), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
