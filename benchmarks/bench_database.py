"""What every PostgreSQL benchmark does first: make sure its scratch database exists."""

from __future__ import annotations

import sys


def ensure_bench_database(url: str) -> None:
    """Create the database named in ``url`` if missing; refuse anything but a scratch one.

    The benchmarks empty tables, so the database's name must contain "bench".
    """
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in str(config["ENGINE"]):
        sys.exit("this benchmark measures PostgreSQL: set DATABASE_URL to a postgres:// URL")
    name = str(config["NAME"])
    if "bench" not in name:
        sys.exit(f"refusing to empty {name!r}: use a database whose name contains 'bench'")
    admin = psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
