"""mlpack_spark.predict on a real local[2] Spark: same scores as standalone mlpack, typed results,
row errors as a column, a dead child failing its task with its stderr, one archive extraction."""

import json
import os
import random
import stat
import subprocess
import sys

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DoubleType, FloatType, StringType

from conftest import TINY_BERT, run, standalone
from mlpack_spark import MLPackChildError, predict


def pairs(sentences, n, seed=7):
    rng = random.Random(seed)
    return [(i, rng.choice(sentences), rng.choice(sentences)) for i in range(n)]


def pair_frame(spark, rows, partitions=4):
    return spark.createDataFrame(rows, ["id", "sentence_1", "sentence_2"]).repartition(partitions)


def test_similarity_matches_standalone_mlpack(spark, models, mlpack_bin, sentences, tmp_path):
    rows = pairs(sentences, 240)
    scored = predict(pair_frame(spark, rows), models["similarity"]["archive"],
                     input_cols=["sentence_1", "sentence_2"], mlpack_bin=mlpack_bin, cache_dir=str(tmp_path))
    assert scored.schema["prediction"].dataType == DoubleType()
    assert scored.schema["error"].dataType == StringType()
    assert scored.columns == ["id", "sentence_1", "sentence_2", "prediction", "error"]
    got = {r.id: r for r in scored.collect()}
    assert sorted(got) == list(range(len(rows)))
    want = standalone(mlpack_bin, models["similarity"]["archive"],
                      [{"sentence_1": a, "sentence_2": b} for _, a, b in rows])
    worst = 0.0
    for (i, a, b), expected in zip(rows, want):
        row = got[i]
        assert (row.sentence_1, row.sentence_2) == (a, b), "a row's inputs and its prediction were not kept together"
        assert row.error is None, row.error
        worst = max(worst, abs(row.prediction - expected[0]))
    assert worst <= 1e-6, f"max |Δ| against standalone mlpack: {worst}"


def test_embeddings_are_array_float(spark, models, mlpack_bin, sentences, tmp_path):
    texts = sentences[:90]
    frame = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], ["id", "text"]).repartition(3)
    scored = predict(frame, models["embedder"]["archive"], input_cols=["text"], result_type="array<float>",
                     mlpack_bin=mlpack_bin, cache_dir=str(tmp_path))
    assert scored.schema["prediction"].dataType == ArrayType(FloatType())
    got = {r.id: r.prediction for r in scored.collect()}
    want = standalone(mlpack_bin, models["embedder"]["archive"], [{"text": t} for t in texts])
    for i, expected in enumerate(want):
        assert len(got[i]) == len(expected) == 32
        assert max(abs(a - b) for a, b in zip(got[i], expected)) <= 1e-6


def test_refused_rows_carry_their_error_and_the_rest_score(spark, models, mlpack_bin, sentences, tmp_path):
    rows = [(i, a, None if i % 5 == 0 else b) for i, a, b in pairs(sentences, 60)]
    scored = predict(pair_frame(spark, rows, 2), models["similarity"]["archive"],
                     input_cols=["sentence_1", "sentence_2"], mlpack_bin=mlpack_bin, cache_dir=str(tmp_path))
    got = {r.id: r for r in scored.collect()}
    assert len(got) == 60
    for i, a, b in rows:
        if b is None:
            assert got[i].prediction is None
            assert "sentence_2" in got[i].error, got[i].error
        else:
            assert got[i].error is None and 0.0 < got[i].prediction <= 1.0 + 1e-6


def test_a_result_type_the_answers_do_not_fit_is_an_error_per_row(spark, models, mlpack_bin, tmp_path):
    frame = spark.createDataFrame([("a cat",), ("a dog",)], ["text"])
    scored = predict(frame, models["embedder"]["archive"], result_type="double", mlpack_bin=mlpack_bin,
                     cache_dir=str(tmp_path)).collect()
    assert [r.prediction for r in scored] == [None, None]
    assert all("expected one number per row, got a list of 32" in r.error for r in scored)


def test_a_model_directory_is_packed_on_the_driver(spark, models, mlpack_bin, sentences, tmp_path):
    rows = pairs(sentences, 20, seed=3)
    by_dir = predict(pair_frame(spark, rows, 2), models["similarity"]["dir"], input_cols=["sentence_1", "sentence_2"],
                     mlpack_bin=mlpack_bin, cache_dir=str(tmp_path)).orderBy("id").collect()
    by_archive = predict(pair_frame(spark, rows, 2), models["similarity"]["archive"],
                         input_cols=["sentence_1", "sentence_2"], mlpack_bin=mlpack_bin,
                         cache_dir=str(tmp_path)).orderBy("id").collect()
    assert [r.prediction for r in by_dir] == [r.prediction for r in by_archive]


def test_every_task_reuses_one_extraction_of_the_archive(spark, models, mlpack_bin, sentences, tmp_path):
    cache = tmp_path / "cache"
    rows = pairs(sentences, 80, seed=11)
    # 8 tasks, two at a time, all opening the same archive for the first time.
    scored = predict(pair_frame(spark, rows, 8), models["similarity"]["archive"], input_cols=["sentence_1", "sentence_2"],
                     mlpack_bin=mlpack_bin, cache_dir=str(cache))
    assert scored.filter(F.col("error").isNotNull()).count() == 0
    extractions = [p for p in (cache / "archives").iterdir() if p.is_dir()]
    assert len(extractions) == 1, sorted(os.listdir(cache / "archives"))


def wrapper(tmp_path, body):
    script = tmp_path / "mlpack-wrapper"
    script.write_text("#!/usr/bin/env bash\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_child_that_dies_fails_the_task_with_its_stderr(spark, models, mlpack_bin, tmp_path):
    # A child that answers one line, then crashes: the task must fail, naming what the child said.
    dying = wrapper(tmp_path, 'read -r line; echo "[0.5]"; echo "boom: simulated crash" >&2; exit 7\n')
    frame = spark.createDataFrame([("a", "b")] * 5, ["sentence_1", "sentence_2"]).coalesce(1)
    with pytest.raises(Exception) as failure:
        predict(frame, models["similarity"]["archive"], mlpack_bin=dying).collect()
    text = str(failure.value)
    assert "boom: simulated crash" in text and "exit code 7" in text and "row 2" in text, text


def test_threads_follow_the_task_cpus_and_a_shipped_binary_runs(spark, models, mlpack_bin, tmp_path):
    log = tmp_path / "argv.log"
    recording = wrapper(tmp_path, f'echo "$@" >> {log}\nexec {mlpack_bin} "$@"\n')
    frame = spark.createDataFrame([("a cat", "a dog")] * 4, ["sentence_1", "sentence_2"]).repartition(2)
    scored = predict(frame, models["similarity"]["archive"], mlpack_bin=recording, ship_binary=True,
                     cache_dir=str(tmp_path)).collect()
    assert all(r.error is None for r in scored)
    calls = [line.split() for line in log.read_text().splitlines() if line.startswith("predict")]
    assert calls, "the shipped binary was never run"
    for argv in calls:
        assert argv[argv.index("--threads") + 1] == spark.conf.get("spark.task.cpus", "1")
        assert "/userFiles-" in argv[argv.index("-m") + 1], "the model was not read from the job's files"


def test_arguments_are_checked_on_the_driver(spark, models, mlpack_bin):
    frame = spark.createDataFrame([("a", "b")], ["sentence_1", "sentence_2"])
    with pytest.raises(ValueError, match="no column 'sentence_3'"):
        predict(frame, models["similarity"]["archive"], input_cols=["sentence_3"], mlpack_bin=mlpack_bin)
    with pytest.raises(ValueError, match="result_type"):
        predict(frame, models["similarity"]["archive"], result_type="map<string,int>", mlpack_bin=mlpack_bin)
    with pytest.raises(ValueError, match="already has a column 'sentence_1'"):
        predict(frame, models["similarity"]["archive"], output_col="sentence_1", mlpack_bin=mlpack_bin)
    with pytest.raises(FileNotFoundError, match="not an executable"):
        predict(frame, models["similarity"]["archive"], mlpack_bin=TINY_BERT)


def test_real_minilm_through_spark_matches_standalone(spark, mlpack_bin, sentences, tmp_path):
    source = os.environ.get("MLPACK_MINILM_DIR")
    assert source, "MLPACK_MINILM_DIR is not set: scripts/test-spark.sh sets it (scripts/fetch-model.sh)"
    model = str(tmp_path / "similarity")
    run([mlpack_bin, "save", "--flavor", "similarity", "--source", source, "-o", model])
    archive = str(tmp_path / "similarity.mlpack")
    run([mlpack_bin, "pack", model, "-o", archive])
    rows = pairs(sentences, 120, seed=5)
    got = {r.id: r.prediction for r in predict(pair_frame(spark, rows), archive, input_cols=["sentence_1", "sentence_2"],
                                               mlpack_bin=mlpack_bin, cache_dir=str(tmp_path)).collect()}
    want = standalone(mlpack_bin, archive, [{"sentence_1": a, "sentence_2": b} for _, a, b in rows])
    worst = max(abs(got[i] - w[0]) for (i, _, _), w in zip(rows, want))
    assert worst <= 1e-6, f"max |Δ| against standalone mlpack on all-MiniLM-L6-v2: {worst}"


CONNECT_SCRIPT = r'''
import json, os, sys
os.environ["PYSPARK_PYTHON"] = sys.executable
from pyspark.sql import SparkSession
from mlpack_spark import predict
archive, mlpack_bin, cache = sys.argv[1:4]
spark = SparkSession.builder.remote("local[2]").getOrCreate()
assert type(spark).__module__.startswith("pyspark.sql.connect"), type(spark)
frame = spark.createDataFrame([(i, "a cat", None if i == 3 else "a dog") for i in range(8)],
                              ["id", "sentence_1", "sentence_2"]).repartition(2)
rows = predict(frame, archive, input_cols=["sentence_1", "sentence_2"], mlpack_bin=mlpack_bin,
               ship_binary=True, cache_dir=cache).orderBy("id").collect()
print(json.dumps([[r.id, r.prediction, r.error] for r in rows]))
spark.stop()
'''


def test_spark_connect_ships_the_archive_as_an_artifact(models, mlpack_bin, tmp_path):
    # Its own process: a Spark Connect session (a local Connect server) next to the classic one.
    script = tmp_path / "connect_job.py"
    script.write_text(CONNECT_SCRIPT)
    done = subprocess.run([sys.executable, str(script), models["similarity"]["archive"], mlpack_bin, str(tmp_path / "cache")],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    rows = json.loads(done.stdout.decode().strip().splitlines()[-1])
    want = standalone(mlpack_bin, models["similarity"]["archive"], [{"sentence_1": "a cat", "sentence_2": "a dog"}])[0][0]
    assert [r[0] for r in rows] == list(range(8))
    for i, prediction, error in rows:
        if i == 3:
            assert prediction is None and "sentence_2" in error, error
        else:
            assert error is None and abs(prediction - want) <= 1e-6
