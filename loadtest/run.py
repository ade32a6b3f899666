"""`make loadtest`: the site under a stepped Locust load, in two configurations, on loopback.

1. **Production**: gunicorn with deploy/gunicorn.conf.py (workers from the core count), the production
   settings, PostgreSQL, Redis as broker and cache, Elasticsearch, a Celery worker and beat, on
   `seed_demo --scale 20` (database `<db>_loadtest`, kept between runs like the benchmarks').
2. **The same without the page cache** (PAGE_CACHE_SECONDS=0): what the cache of public pages gains.
3. **`make run`'s configuration** as the baseline: Django's development server with DEBUG on, SQLite and the
   filesystem broker under var/loadtest/run/, on the same demo data (seeded once into that SQLite file).

Each configuration is driven by loadtest/locustfile.py (visitors, enterprises, banks) in steps of
increasing users; each step runs Locust headless for STEP_SECONDS after its ramp. The sustained rate of a
configuration is the highest requests/s of a step with no failed request and a p95 under 500 ms.
Printed, like `make bench`:

    BENCH name=loadtest_sustained_rps ours=<production> baseline=<make run> unit=req/s ratio=…
    BENCH name=loadtest_page_cache_rps ours=<production> baseline=<without the page cache> unit=req/s ratio=…
    BENCH name=loadtest_p95_<class> ours=<production> baseline=<make run> unit=ms ratio=…   (one per class,
        at the reference step: the most users both configurations sustained)

Environment: LOADTEST_SCALE (20), LOADTEST_STEPS ("8,16,32,64,96" users), LOADTEST_STEP_SECONDS (30).
Logs of every process in var/log/stack/, Locust's CSV files in var/loadtest/results/.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtest import stack  # noqa: E402

ROOT = stack.ROOT
WORK = ROOT / "var" / "loadtest"
RESULTS = WORK / "results"
PYTHON = str(stack.BIN / "python")
P95_LIMIT_MS = 500.0
SCALE = int(os.environ.get("LOADTEST_SCALE", "20"))
STEPS = [int(n) for n in os.environ.get("LOADTEST_STEPS", "8,16,32,64,96").split(",")]
STEP_SECONDS = int(os.environ.get("LOADTEST_STEP_SECONDS", "30"))
INDEX_PREFIX = "ipmarket_loadtest"


# --- results ----------------------------------------------------------------------------------------------------


@dataclass
class Step:
    users: int
    rps: float
    failures: int
    p95_ms: float
    p95_by_class: dict[str, float] = field(default_factory=dict)
    requests: int = 0

    @property
    def sustained(self) -> bool:
        return self.failures == 0 and self.requests > 0 and self.p95_ms < P95_LIMIT_MS


def read_stats(path: Path, users: int) -> Step:
    """A step's figures from Locust's `<prefix>_stats.csv`: the Aggregated row and one p95 per request class
    (the request names of the locustfile)."""
    by_class: dict[str, float] = {}
    total = None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                total = row
            elif int(row["Request Count"]):
                by_class[row["Name"]] = float(row["95%"])
    if total is None:
        raise ValueError(f"{path}: no Aggregated row")
    return Step(
        users=users,
        rps=float(total["Requests/s"]),
        failures=int(total["Failure Count"]),
        p95_ms=float(total["95%"]),
        p95_by_class=by_class,
        requests=int(total["Request Count"]),
    )


def sustained(steps: list[Step]) -> Step | None:
    """The step with the most requests/s among those with no failure and p95 under the limit."""
    ok = [s for s in steps if s.sustained]
    return max(ok, key=lambda s: s.rps) if ok else None


def reference_users(*runs: list[Step]) -> int:
    """The most users every run sustained (the first step when one sustained none)."""
    common = None
    for steps in runs:
        users = {s.users for s in steps if s.sustained}
        common = users if common is None else common & users
    return max(common) if common else min(s.users for s in runs[0])


def bench_line(name: str, ours: float, baseline: float, unit: str, *, higher_is_better: bool) -> str:
    if ours and baseline:
        ratio = ours / baseline if higher_is_better else baseline / ours
    else:
        ratio = 0.0
    return f"BENCH name={name} ours={ours:.4g} baseline={baseline:.4g} unit={unit} ratio={ratio:.2f}"


def report(production: list[Step], uncached: list[Step], make_run: list[Step]) -> list[str]:
    def rate(steps):
        best = sustained(steps)
        return best.rps if best else 0.0

    lines = [
        bench_line("loadtest_sustained_rps", rate(production), rate(make_run), "req/s", higher_is_better=True),
        bench_line("loadtest_page_cache_rps", rate(production), rate(uncached), "req/s", higher_is_better=True),
    ]
    users = reference_users(production, make_run)
    ours = next(s for s in production if s.users == users)
    base = next(s for s in make_run if s.users == users)
    for name in sorted(ours.p95_by_class):
        if name in base.p95_by_class:
            slug = name.replace(" ", "_").replace(":", "").lower()
            lines.append(
                bench_line(
                    f"loadtest_p95_{slug}",
                    ours.p95_by_class[name],
                    base.p95_by_class[name],
                    "ms",
                    higher_is_better=False,
                )
                + f" users={users}"
            )
    return lines


# --- the data -----------------------------------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def database_url(suffix: str) -> str:
    """The PostgreSQL database `<configured name>_<suffix>` (created if missing, kept between runs)."""
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://ipmarket:ipmarket@127.0.0.1:55432/ipmarket")
    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_{suffix}"
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


SEEDED_CHECK = (
    "from ipmarket.accounts.models import Membership, Organisation; "
    "print(Organisation.objects.count() >= 300 * {scale} "
    "and Membership.objects.filter(user__username='bank_approver1').exists())"
)


def prepare(env: dict[str, str], label: str) -> None:
    """Migrate, seed at SCALE once, build the search index once, collect the static files."""
    print(f"loadtest: preparing {label}", file=sys.stderr, flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    seeded = manage(env, "shell", "-c", SEEDED_CHECK.format(scale=SCALE), capture=True).strip() == "True"
    if not seeded:
        manage(env, "seed_demo", "--scale", str(SCALE), "--with-users", "-v", "0")
    manage(env, "search_rebuild", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def fixtures(env: dict[str, str], label: str) -> Path:
    """What the simulated people act on (ids, paths), written as JSON for the locustfile."""
    out = manage(env, "shell", "-c", "from loadtest.fixtures import dump; dump()", capture=True)
    path = WORK / f"fixtures-{label}.json"
    path.write_text(out.strip().splitlines()[-1])
    return path


# --- the runs ---------------------------------------------------------------------------------------------------


def locust_step(base_url: str, users: int, label: str, fixtures_path: Path) -> Step:
    RESULTS.mkdir(parents=True, exist_ok=True)
    prefix = RESULTS / f"{label}_{users}"
    argv = [
        str(stack.BIN / "locust"),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 4)),
        "--run-time",
        f"{STEP_SECONDS + 5}s",
        "--reset-stats",  # the step's figures once every user runs, without the ramp
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    env = dict(os.environ, LOADTEST_FIXTURES=str(fixtures_path))
    subprocess.run(argv, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    step = read_stats(Path(f"{prefix}_stats.csv"), users)
    print(
        f"loadtest: {label} users={users} rps={step.rps:.1f} p95={step.p95_ms:.0f}ms failures={step.failures}",
        file=sys.stderr,
        flush=True,
    )
    return step


def run_steps(base_url: str, label: str, fixtures_path: Path) -> list[Step]:
    locust_step(base_url, STEPS[0], f"{label}_warmup", fixtures_path)  # caches, connections, compiled templates
    steps = []
    for users in STEPS:
        step = locust_step(base_url, users, label, fixtures_path)
        steps.append(step)
        if step.failures or step.p95_ms > 4 * P95_LIMIT_MS:  # past saturation: more users only queue
            break
    return steps


def production_stack(env: dict[str, str], label: str, fixtures_path: Path) -> list[Step]:
    port = stack.free_port()
    processes = [stack.web(env, port, name=f"{label}-web"), stack.worker(env, name=f"{label}-worker")]
    processes.append(stack.beat(env, name=f"{label}-beat"))
    try:
        for process in processes:
            process.start()
        stack.wait_healthy(f"http://127.0.0.1:{port}", process=processes[0])
        return run_steps(f"http://127.0.0.1:{port}", label, fixtures_path)
    finally:
        for process in reversed(processes):
            process.stop()


def make_run_stack(env: dict[str, str], fixtures_path: Path) -> list[Step]:
    port = stack.free_port()
    processes = [
        stack.runserver(env, port, name="make-run-web"),
        stack.worker(env, name="make-run-worker"),
        stack.beat(env, name="make-run-beat"),
    ]
    try:
        for process in processes:
            process.start()
        stack.wait_healthy(f"http://127.0.0.1:{port}", process=processes[0], timeout=120)
        return run_steps(f"http://127.0.0.1:{port}", "make_run", fixtures_path)
    finally:
        for process in reversed(processes):
            process.stop()


def production_env() -> dict[str, str]:
    """deploy/environment.example on this machine: PostgreSQL, Redis as broker (db 13) and cache (db 14)."""
    redis = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return stack.production_env(
        DATABASE_URL=database_url("loadtest"),
        CELERY_BROKER_URL=f"{redis}/13",
        CACHE_URL=f"{redis}/14",
        ELASTICSEARCH_INDEX_PREFIX=INDEX_PREFIX,
        VAR_DIR=str(WORK / "production"),
        CONN_MAX_AGE="60",
    )


def make_run_env() -> dict[str, str]:
    """scripts/run.sh's: the base settings with DEBUG on, and its embedded defaults (SQLite, the filesystem
    broker, each process's own memory as cache) under var/loadtest/run/."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="ipmarket.settings.base",
        DEBUG="true",
        SECRET_KEY="make-run-loadtest-secret-key",
        VAR_DIR=str(WORK / "run"),
        ELASTICSEARCH_INDEX_PREFIX=INDEX_PREFIX + "_run",
        LOG_FORMAT="plain",
    )
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(name, None)
    return env


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    production, make_run = production_env(), make_run_env()
    prepare(production, "production (PostgreSQL)")
    manage(make_run, "ensure_dirs")
    prepare(make_run, "make run (SQLite)")
    fixtures_production = fixtures(production, "production")
    fixtures_make_run = fixtures(make_run, "make_run")

    results_production = production_stack(production, "production", fixtures_production)
    uncached = production_stack(dict(production, PAGE_CACHE_SECONDS="0"), "production_uncached", fixtures_production)
    results_make_run = make_run_stack(make_run, fixtures_make_run)
    for line in report(results_production, uncached, results_make_run):
        print(line, flush=True)
    summary = {
        label: [step.__dict__ for step in steps]
        for label, steps in (
            ("production", results_production),
            ("production_uncached", uncached),
            ("make_run", results_make_run),
        )
    }
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
