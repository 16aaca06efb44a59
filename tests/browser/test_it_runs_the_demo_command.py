"""What ``make demo`` does, end to end, in subprocesses: migrate, collect static files, seed the
demo district (twice: the second run finds it and only prints the sign-in summary), serve it
with ``run_demo``, and sign in with Chromium as the district admin and as a teacher.

Everything runs against a fresh SQLite file in a temporary folder, with the production
settings (``juntos.settings``) and the embedded task runner, as on a newcomer's laptop.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import expect

from juntos.testing.browser import BrowserPages, assert_assets_loaded, sign_in, sign_out
from juntos.testing.processes import stop

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "juntos-demo"
SERVER_START_SECONDS = 30
# Variables that would make the demo use something other than its embedded defaults (Redis,
# Celery, a shared database), or that only the test process should have.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "JUNTOS_TASK_RUNNER",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MEDIA_ROOT",
}


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
        "DJANGO_SETTINGS_MODULE": "juntos.settings",
        "MEDIA_ROOT": str(tmp_path / "media"),
        # The server's log is read on failure: do not let it sit in a buffer.
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _manage(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    # sys.executable is the virtualenv's Python that runs pytest (.venv/bin/python).
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"manage.py {' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:  # refused while the server is still starting
        return False
    finally:
        connection.close()


def _wait_until_healthy(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll /healthz until it answers, the server dies, or SERVER_START_SECONDS pass.

    Between attempts the test waits on the server process itself, so that a crash at start-up
    ends the wait at once with the server's log.
    """
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not _healthy(port):
        if time.monotonic() > deadline:
            pytest.fail(f"run_demo did not answer /healthz within {SERVER_START_SECONDS} s:\n"
                        + log.read_text(errors="replace"))  # fmt: skip
        try:
            code = server.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"run_demo exited with {code}:\n" + log.read_text(errors="replace"))


@pytest.fixture
def demo_server(demo_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = tmp_path / "run_demo.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "run_demo", "--port", str(port)],
            cwd=REPO,
            env=demo_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(server, port, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server, timeout=10)


def _query(database: Path, sql: str, *params: str) -> list[tuple[str, ...]]:
    # Read the demo's database directly: it is not the test database Django is connected to.
    with closing(sqlite3.connect(database)) as connection:
        return list(connection.execute(sql, params))


def _assert_sign_in_summary(output: str, teacher: str) -> None:
    # The sign-in table: one line per account, with its username and the demo password.
    for username in ("admin", teacher, teacher.replace("teacher.", "leader.")):
        row = re.compile(rf"(^|\s){re.escape(username)}\s.*{DEMO_PASSWORD}", re.MULTILINE)
        assert row.search(output), f"no sign-in row for {username} in:\n{output}"
    assert "caregiver id" in output.lower(), f"no caregiver ids in the seed output:\n{output}"


def test_it_runs_the_demo_command(
    demo_env: dict[str, str], tmp_path: Path, pages: BrowserPages, request: pytest.FixtureRequest
) -> None:
    database = tmp_path / "demo.sqlite3"
    _manage(demo_env, "migrate", "--no-input", "-v", "0")
    # Collected into the repository's var/static (STATIC_ROOT), as `make demo` does.
    _manage(demo_env, "collectstatic", "--no-input", "-v", "0")
    seed = ("seed_demo", "--seed", "7", "--students", "150", "--if-missing")
    first = _manage(demo_env, *seed)

    slug = _query(database, "SELECT slug FROM people_school ORDER BY name LIMIT 1")[0][0]
    teacher = f"teacher.{slug}"
    _assert_sign_in_summary(first, teacher)
    staff_count = _query(database, "SELECT COUNT(*) FROM people_staff")

    # Run again: the district exists, so nothing is added and the summary is printed again.
    second = _manage(demo_env, *seed)
    _assert_sign_in_summary(second, teacher)
    assert _query(database, "SELECT COUNT(*) FROM people_staff") == staff_count

    # The server starts only now, on the seeded database; its fixture always stops it.
    base_url = request.getfixturevalue("demo_server")
    every_role = (
        ("admin", "District administrator"),
        (f"leader.{slug}", "School leader"),
        (f"counselor.{slug}", "Counselor"),
        (f"liaison.{slug}", "Community liaison"),
        (teacher, "Teacher"),
    )
    for username, role in every_role:
        ((given_name,),) = _query(
            database,
            "SELECT s.given_name FROM people_staff s JOIN auth_user u ON u.id = s.user_id"
            " WHERE u.username = ?",
            username,
        )
        page = pages.new_page()
        sign_in(page, base_url, username=username, password=DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {given_name}")
        expect(page.get_by_role("region", name="Your roles")).to_contain_text(role)
        assert_assets_loaded(page)
        sign_out(page)
