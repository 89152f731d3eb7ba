#!/usr/bin/env python3
"""Dump the schema of a fresh MLflow SQLite tracking store for mlpack's LocalTrackingStore.

Run once by a developer, with the Python of a venv holding the MLflow version to pin:

    ~/.cache/mlpack/venvs/mlflow-3.17.2/bin/python scripts/gen-mlflow-schema.py

It makes a new store in a temporary directory with MLflow itself, then writes every CREATE
statement (tables, indexes, triggers; `sqlite3.Connection.iterdump` minus the data) plus the rows a
fresh database holds that do not depend on where it lives: the `alembic_version` row (the head) and
the `default` workspace. Experiment 0 "Default" is left out: its artifact_location depends on the
artifact root, so LocalTrackingStore inserts it when it creates a database.

Output: Sources/MLPackTracking/Resources/mlflow-<version>-schema.sql. When the version changes,
also update `LocalTrackingStore.supportedAlembicVersions`, the resource name in Package.swift and
the file name in LocalSchema.swift.
"""

import os
import sqlite3
import sys
import tempfile

import mlflow
from mlflow.store.db.utils import _get_latest_schema_revision
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    version = mlflow.__version__
    head = _get_latest_schema_revision()
    out = os.path.join(REPO, "Sources", "MLPackTracking", "Resources", f"mlflow-{version}-schema.sql")

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "mlflow.db")
        store = SqlAlchemyStore(f"sqlite:///{db}", os.path.join(tmp, "mlruns"))
        store.engine.dispose()

        conn = sqlite3.connect(db)
        try:
            (found,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if found != head:
                sys.exit(f"{db}: alembic_version is {found}, expected the head {head}")
            counts = {}
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                n = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                if n:
                    counts[table] = n
            expected = {"alembic_version": 1, "workspaces": 1, "experiments": 1}
            if counts != expected:
                sys.exit(f"{db}: a fresh store holds {counts}, expected {expected}")
            (workspace,) = conn.execute("SELECT name FROM workspaces").fetchone()
            if workspace != "default":
                sys.exit(f"{db}: the fresh workspace is {workspace!r}, expected 'default'")

            statements = []
            for stmt in conn.iterdump():
                if stmt in ("BEGIN TRANSACTION;", "COMMIT;"):
                    continue
                if stmt.startswith('INSERT INTO "experiments"'):
                    continue  # made at run time: its artifact_location depends on the root
                if stmt.startswith("INSERT INTO") and not (
                    stmt.startswith('INSERT INTO "alembic_version"') or stmt.startswith('INSERT INTO "workspaces"')
                ):
                    sys.exit(f"unexpected row in a fresh store: {stmt[:200]}")
                if stmt.startswith(("DELETE FROM", "ANALYZE", "PRAGMA")):
                    sys.exit(f"unexpected statement in the dump: {stmt[:200]}")
                statements.append(stmt)
        finally:
            conn.close()

    header = [
        f"-- The schema of a fresh MLflow {version} SQLite tracking store (SqlAlchemyStore), written by",
        "-- scripts/gen-mlflow-schema.py: every CREATE statement, the alembic_version row and the default",
        "-- workspace. Experiment 0 \"Default\" is inserted by LocalTrackingStore (its artifact_location",
        "-- depends on the artifact root). Do not edit by hand.",
        f"-- mlflow: {version}",
        f"-- alembic head: {head}",
        "",
    ]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(header))
        for stmt in statements:
            f.write(stmt)
            f.write("\n")
    creates = sum(1 for s in statements if s.startswith("CREATE"))
    print(f"{out}: {creates} CREATE statements, alembic head {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
