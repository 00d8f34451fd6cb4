#!/usr/bin/env bash
# Every live-room benchmark on both set-ups (embedded SQLite; PostgreSQL + Redis), medians of 3 runs.
# Needs: taskset (util-linux), PostgreSQL on 127.0.0.1:5432 (user postgres; database rostrum_bench is
# dropped and made again), Redis on 127.0.0.1:6379 (db 6 is flushed). Takes about half an hour.
# Extra arguments go to benchmarks/run.py, e.g. --backend sqlite --only fanout --runs 1
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python benchmarks/run.py "$@"
