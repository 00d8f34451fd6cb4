"""Run the media benchmarks (Janus): P6 join → first media, Janus CPU per subscriber, camera → first frame.

    .venv/bin/python benchmarks/media.py --runs 3                  # all three, medians of 3: ~20-25 minutes
    .venv/bin/python benchmarks/media.py --only first_frame --runs 1

Each benchmark is also a script of its own with more options (``media_join.py``,
``media_subscriber_cost.py``, ``media_first_frame.py``; ``--help``). Every run starts a fresh Janus
node on free ports (never 8188) and, where the app takes part, a fresh app server on the embedded
default (SQLite in a temporary ``ROSTRUM_VAR_DIR``), as ``run.py`` does. Raw results, with the
machine, its load average and the CPU stolen by the hypervisor during each run, go to
``benchmarks/results/media-<benchmarks>-<time>.json``.

The machine is not required to be quiet: each run records how busy all its CPUs were (other work
included) so that the reader can judge.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import median  # noqa: E402
from media_common import MachineWindow, janus_version  # noqa: E402
from run import PYTHON, Backend, machine  # noqa: E402


def machine_info() -> dict:
    info = machine()
    info["janus"] = janus_version()
    info["aiortc"] = subprocess.run(  # noqa: S603 (this virtualenv's own Python)
        [PYTHON, "-c", "import aiortc, av; print(aiortc.__version__, av.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    info["loadavg_at_start"] = [round(v, 2) for v in os.getloadavg()]
    return info


QUIET_CPUS = 0.5  # busy CPUs (all work on the machine) below which a run starts at once
QUIET_WAIT_SECONDS = 60  # how long a run waits for that, at most; then it starts anyway


def wait_for_quiet() -> dict:
    """Wait (bounded) until the machine is nearly idle; what it was like when the run started."""
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while True:
        window = MachineWindow()
        time.sleep(3)
        state = window.result()
        if state["busy_cpus"] + state["stolen_cpus"] < QUIET_CPUS or time.monotonic() > deadline:
            return state


def series(name: str, run_once, figures, options, backend, workdir: Path) -> dict:
    runs = []
    for number in range(options.runs):
        before = wait_for_quiet()
        result = run_once(backend, workdir, number, options)
        result["machine_before"] = before
        runs.append(result)
        print(f"{name} run {number + 1}: {json.dumps(result)}", flush=True)
    summary = {}
    for figure, goal in figures:
        values = [r[figure] for r in runs if r.get(figure) is not None]
        summary[figure] = {"median": median(values) if values else None, "runs": values, "goal": goal}
    return {"options": {k: v for k, v in vars(options).items() if k != "only"}, "summary": summary, "runs": runs}


def report_path(names: list[str]) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return HERE / "results" / f"media-{'-'.join(names)}-{stamp}.json"


def save(path: Path, report: dict) -> None:
    """Written after each benchmark (a later one failing loses nothing measured)."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def print_summary(path: Path, report: dict) -> None:
    print("\n| benchmark | figure | median | runs | goal |\n|---|---|---|---|---|")
    for name, data in report["results"].items():
        for figure, values in data.get("summary", {}).items():
            shown = ", ".join(str(v) for v in values["runs"])
            print(f"| {name} | {figure} | {values['median']} | {shown} | {values['goal']} |")
        if "error" in data:
            print(f"| {name} | failed: {data['error']} | | | |")
    print(f"\nFull results: benchmarks/results/{path.name}")


def workdir_for():
    """A temporary folder for the run's logs and files; ``ROSTRUM_BENCH_KEEP=1`` keeps it (its path is printed)."""
    if os.environ.get("ROSTRUM_BENCH_KEEP"):
        path = tempfile.mkdtemp(prefix="rostrum-media-bench-")
        print(f"work folder (kept): {path}", flush=True)
        return contextlib.nullcontext(path)
    return tempfile.TemporaryDirectory(prefix="rostrum-media-bench-")


def run_benchmark(parser: argparse.ArgumentParser, name: str, run_once, figures) -> None:
    """One benchmark's script: ``--runs``; the report is written like ``media.py``'s."""
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    report = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine_info(), "results": {}}
    with workdir_for() as tmp:
        workdir = Path(tmp)
        backend = Backend("sqlite", workdir)
        backend.prepare()
        path = report_path([name])
        report["results"][name] = series(name, run_once, figures, options, backend, workdir)
        save(path, report)
    print_summary(path, report)


def main() -> None:
    import media_first_frame
    import media_join
    import media_subscriber_cost

    benchmarks = {
        "join": media_join,
        "subscriber_cost": media_subscriber_cost,
        "first_frame": media_first_frame,
    }
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(benchmarks), help="comma-separated: " + ",".join(benchmarks))
    options = parser.parse_args()
    names = [n for n in options.only.split(",") if n]
    path = report_path(names)
    report = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine_info(), "results": {}}
    print(json.dumps(report["machine"]), flush=True)
    with workdir_for() as tmp:
        workdir = Path(tmp)
        backend = Backend("sqlite", workdir)
        backend.prepare()
        for name in names:
            module = benchmarks[name]
            own = argparse.ArgumentParser()
            module.add_arguments(own)
            module_options = own.parse_args([])  # each benchmark's defaults: the documented figures
            module_options.runs = options.runs
            try:
                data = series(name, module.run_once, module.FIGURES, module_options, backend, workdir)
            except Exception as error:  # recorded; the other benchmarks still run
                data = {"error": f"{type(error).__name__}: {error}"[:2000]}
            report["results"][name] = data
            save(path, report)
    print_summary(path, report)


if __name__ == "__main__":
    main()
