"""Fixtures: a real local[2] Spark session, the built `mlpack`, and models saved by it."""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TINY_BERT = os.path.join(REPO, "fixtures", "embeddings", "tiny-bert", "model")
SENTENCES = os.path.join(REPO, "fixtures", "embeddings", "bench_sentences.txt")


@pytest.fixture(scope="session")
def mlpack_bin():
    path = os.environ.get("MLPACK_BIN") or os.path.join(REPO, ".build", "release", "mlpack")
    assert os.access(path, os.X_OK), f"no mlpack executable at {path}: build it or set MLPACK_BIN"
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def spark():
    # The executors' Python is this one (pyarrow, pandas); the test owns the session end to end.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("mlpack-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        # Several Arrow batches per task: the writer/reader hand-off is exercised, not one batch.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "40")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()}"
    return done.stdout


@pytest.fixture(scope="session")
def models(tmp_path_factory, mlpack_bin):
    """The tutorial's similarity model and an embedding model on the tiny BERT, saved and packed."""
    root = tmp_path_factory.mktemp("models")
    out = {}
    for flavor, name in (("similarity", "similarity"), ("sentence_transformers", "embedder")):
        directory = str(root / name)
        run([mlpack_bin, "save", "--flavor", flavor, "--source", TINY_BERT, "-o", directory])
        archive = str(root / f"{name}.mlpack")
        run([mlpack_bin, "pack", directory, "-o", archive])
        out[name] = {"dir": directory, "archive": archive}
    return out


@pytest.fixture(scope="session")
def sentences():
    with open(SENTENCES, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


def standalone(mlpack_bin, model, records, threads=2):
    """The same records through one `mlpack predict --content-type jsonl` process: the reference."""
    body = "".join(json.dumps(record) + "\n" for record in records).encode()
    done = subprocess.run([mlpack_bin, "predict", "-m", model, "--content-type", "jsonl", "--threads", str(threads)],
                          input=body, capture_output=True)
    lines = done.stdout.decode().splitlines()
    assert len(lines) == len(records), done.stderr.decode()
    return [json.loads(line) for line in lines]
