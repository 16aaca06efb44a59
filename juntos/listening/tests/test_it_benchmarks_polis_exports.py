from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from juntos.listening.tests.polis_export import write_export

ROOT = Path(__file__).resolve().parents[3]


def test_it_runs_both_implementations_on_a_polis_export(tmp_path: Path) -> None:
    truth = write_export(tmp_path / "export")
    groups_file = tmp_path / "groups.json"

    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "opinion.py"),
            "--polis-export",
            str(tmp_path / "export"),
            "--groups-out",
            str(groups_file),
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )

    last = json.loads(finished.stdout.strip().splitlines()[-1])
    (run,) = last["runs"]
    assert run["participants"] == 40
    assert run["statements"] == 11  # comment 11 was moderated out
    assert run["ours_s"] > 0
    assert run["reddwarf_s"] > 0
    assert run["ratio"] == pytest.approx(run["reddwarf_s"] / run["ours_s"], rel=0.05)
    assert run["groups_ours"] == 2
    assert run["groups_reddwarf"] == 2
    assert run["ari"] >= 0.9

    groups = json.loads(groups_file.read_text(encoding="utf-8"))
    assert set(groups) == {str(voter) for voter in truth}
    assert all(isinstance(group, int) for group in groups.values())
    assert adjusted_rand_score([truth[int(v)] for v in groups], list(groups.values())) == 1.0
