"""`make bench`: runs every bench/bench_*.py; each prints one line

    BENCH name=<name> ours=<x> baseline=<y> unit=<u> ratio=<r>

with ratio > 1 meaning ours is better, both figures measured in the same run.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    # One process each: every benchmark sets Django up on its own database.
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        failed |= subprocess.run([sys.executable, str(path)], cwd=HERE.parent).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
