"""PySpark local[2]: mlpack_spark against mlflow.pyfunc.spark_udf(env_manager="local") and against
standalone `mlpack predict --threads 2`, on the same sentence pairs and the same saved model.

Run by bench/spark-bench.sh, which builds the venv and the model. Prints figures and ratios measured
in this run; nothing is asserted but the engines' agreement (max |Δ|), which is reported.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def cpu_info():
    model = "?"
    flags = set()
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile") if f in flags]
    return f"{model}; {os.cpu_count()} CPUs; ISA: {', '.join(isa) or 'none of avx2/avx512'}"


class TreeRSS:
    """Peak resident memory of this process and all its descendants (JVM, Python workers, children)."""

    def __init__(self, interval=0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def _children(self):
        parents = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(pid))
            except OSError:
                continue
        tree, stack = [], [os.getpid()]
        while stack:
            pid = stack.pop()
            tree.append(pid)
            stack.extend(parents.get(pid, []))
        return tree

    def _sample(self):
        total = 0
        for pid in self._children():
            try:
                with open(f"/proc/{pid}/status") as handle:
                    for line in handle:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                            break
            except OSError:
                continue
        return total

    def __enter__(self):
        self.peak = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True, help="the similarity model saved by mlpack")
    parser.add_argument("--archive", required=True, help="the same model, packed")
    parser.add_argument("--mlpack", required=True)
    parser.add_argument("--sentences", required=True)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--precision", default=None, help="MLPACK_PRECISION for the mlpack children, when supported")
    args = parser.parse_args()

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    import mlflow.pyfunc
    import mlpack_spark
    import pyspark

    sentences = [line.rstrip("\n") for line in open(args.sentences, encoding="utf-8") if line.strip()]
    n = len(sentences)
    rows = [(i, sentences[i % n], sentences[(i * 7 + 13) % n]) for i in range(args.rows)]

    spark = (SparkSession.builder.master("local[2]").appName("mlpack-spark-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.memory", "2g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(rows, ["id", "sentence_1", "sentence_2"]).repartition(args.partitions).cache()
    df.count()
    one = spark.createDataFrame(rows[:1], ["id", "sentence_1", "sentence_2"])

    cache_root = tempfile.mkdtemp(prefix="mlpack-spark-bench-cache-")
    mlpack_args = dict(input_cols=["sentence_1", "sentence_2"], mlpack_bin=args.mlpack, cache_dir=cache_root)
    if args.precision:
        os.environ["MLPACK_PRECISION"] = args.precision

    def mlpack_frame(frame):
        return mlpack_spark.predict(frame, args.archive, **mlpack_args)

    udf = mlflow.pyfunc.spark_udf(spark, args.model_dir, env_manager="local", result_type="double")

    def udf_frame(frame):
        return frame.withColumn("prediction", udf("sentence_1", "sentence_2"))

    def noop(frame):
        frame.write.format("noop").mode("overwrite").save()

    results = {}
    tracker = TreeRSS()
    for name, build in (("mlpack_spark", mlpack_frame), ("spark_udf", udf_frame)):
        # First row: a one-row job with a cold model (mlpack: an empty archive cache; MLflow: a new
        # Python worker loads the model).
        if name == "mlpack_spark":
            mlpack_args["cache_dir"] = tempfile.mkdtemp(prefix="mlpack-spark-bench-first-")
        first = time.perf_counter()
        build(one).collect()
        first = time.perf_counter() - first
        mlpack_args["cache_dir"] = cache_root
        noop(build(df))  # warm: the archive is extracted, the Python workers have the model
        with tracker:
            median, all_times = timed(lambda: noop(build(df)), args.repeats)
        results[name] = dict(seconds=median, all=all_times, first=first, rss=tracker.peak)

    scores = {}
    for name, build in (("mlpack_spark", mlpack_frame), ("spark_udf", udf_frame)):
        scores[name] = {r.id: r.prediction for r in build(df).select("id", "prediction").collect()}
    errors = mlpack_frame(df).filter("error is not null").count()
    delta = max(abs(scores["mlpack_spark"][i] - scores["spark_udf"][i]) for i in scores["mlpack_spark"])
    spark.stop()

    body = "".join(json.dumps({"sentence_1": a, "sentence_2": b}) + "\n" for _, a, b in rows).encode()
    env = dict(os.environ, MLPACK_CACHE_DIR=cache_root)

    def standalone():
        done = subprocess.run([args.mlpack, "predict", "-m", args.archive, "--content-type", "jsonl", "--threads", "2"],
                              input=body, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout

    out = standalone()
    alone = [json.loads(line)[0] for line in out.decode().splitlines()]
    delta_alone = max(abs(scores["mlpack_spark"][i] - alone[i]) for i in range(len(alone)))
    alone_seconds, alone_all = timed(standalone, args.repeats)

    blas = subprocess.run([args.mlpack, "load", args.archive], capture_output=True, text=True, env=env).stdout
    print(f"machine: {cpu_info()}; {platform.platform()}")
    print(f"pyspark {pyspark.__version__}, mlflow {mlflow.__version__}, local[2], {args.rows} pairs in {args.partitions} partitions, "
          f"write.format('noop'); median of {args.repeats}; mlpack load says: {' | '.join(l.strip() for l in blas.splitlines() if l.startswith(('threads:', 'blas:')))}")
    print()
    print("| engine | seconds | rows/s | first row (s) | peak RSS of the process tree |")
    print("|---|---|---|---|---|")
    for name in ("mlpack_spark", "spark_udf"):
        r = results[name]
        print(f"| {name} | {r['seconds']:.2f} ({', '.join(f'{t:.2f}' for t in r['all'])}) | {args.rows / r['seconds']:.1f} | "
              f"{r['first']:.2f} | {r['rss'] / 2**20:.0f} MB |")
    print(f"| standalone `mlpack predict --threads 2` | {alone_seconds:.2f} ({', '.join(f'{t:.2f}' for t in alone_all)}) | "
          f"{args.rows / alone_seconds:.1f} | | |")
    print()
    ratio = results["spark_udf"]["seconds"] / results["mlpack_spark"]["seconds"]
    overhead = 1 - (args.rows / results["mlpack_spark"]["seconds"]) / (args.rows / alone_seconds)
    print(f"mlpack_spark / spark_udf rows/s: {ratio:.2f}x (target >= 1.8x)")
    print(f"Spark overhead over standalone mlpack: {overhead * 100:.1f}% (target <= 15%)")
    print(f"max |Δ| mlpack_spark vs spark_udf: {delta:.2e} (target <= 1e-6); vs standalone: {delta_alone:.2e}; "
          f"error rows: {errors}")


if __name__ == "__main__":
    main()
