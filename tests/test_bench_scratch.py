"""The benchmarks that write refuse to run without DATABASE_URL: Django would open the demo's
db.sqlite3, and a load run would generate a million customers into it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_DATABASE = ROOT / "db.sqlite3"


@pytest.mark.parametrize(
    "bench",
    ["load_bench.py", "caseload_bench.py", "report_bench.py", "history_reads_bench.py", "instructions_bench.py"],
)
def test_a_writing_benchmark_refuses_the_demo_database(bench):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SECRET_KEY"] = "test-only-secret-key"
    before = DEMO_DATABASE.stat().st_mtime_ns if DEMO_DATABASE.exists() else None
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / bench)], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert "Bitte die Datenbank zum Messen in DATABASE_URL angeben" in run.stderr
    assert (DEMO_DATABASE.stat().st_mtime_ns if DEMO_DATABASE.exists() else None) == before


def test_the_instruction_count_is_read_from_cachegrinds_summary():
    from benchmarks.instructions_bench import instructions

    report = "==20913== \n==20913== I   refs:      3,685,641,563\n"
    assert instructions(report) == 3_685_641_563
    with pytest.raises(RuntimeError, match="keine Befehlszahl"):
        instructions("==1== valgrind: failed to start tool")
