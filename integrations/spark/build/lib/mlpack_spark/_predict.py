"""`predict`: a DataFrame scored by `mlpack predict --content-type jsonl` children on the executors."""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import math
import os
import queue
import shutil
import stat
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Optional, Sequence, Union

# result_type → (Spark DDL type, converter name). Like mlflow.pyfunc.spark_udf, "double" is the default.
RESULT_TYPES = {
    "double": "double",
    "float": "float",
    "string": "string",
    "array<double>": "array<double>",
    "array<float>": "array<float>",
}

_ZIP_MAGIC = b"PK\x03\x04"
_STDERR_TAIL = 8192
# Arrow batches in flight between the writer thread and the reader: bounded, so memory is too.
_QUEUE_DEPTH = 2


class MLPackChildError(RuntimeError):
    """The `mlpack predict` child of a task failed (it died, or answered out of contract)."""


# --------------------------------------------------------------------------------------------
# Driver side
# --------------------------------------------------------------------------------------------


def predict(
    df,
    model: Union[str, os.PathLike],
    input_cols: Optional[Sequence[str]] = None,
    result_type: str = "double",
    *,
    output_col: str = "prediction",
    error_col: str = "error",
    params: Optional[Mapping[str, object]] = None,
    batch_size: int = 32,
    threads: Optional[int] = None,
    mlpack_bin: Optional[Union[str, os.PathLike]] = None,
    ship_binary: Optional[bool] = None,
    cache_dir: Optional[str] = None,
):
    """Returns `df` with two columns added: `output_col` (typed by `result_type`) and `error_col`.

    model        an mlpack archive (`mlpack pack`), a model directory, or a models:/ or runs:/ URI;
                 anything but an archive is packed on the driver, so executors get one file.
    input_cols   the columns sent as each record's fields (default: every column), by name: a
                 model with named inputs (sentence_1, sentence_2) needs columns of those names.
    result_type  "double" (one number per row, e.g. a similarity), "float", "string" (the
                 prediction's JSON), "array<float>" or "array<double>" (e.g. an embedding).
    threads      encoder threads of each child (default: the task's `spark.task.cpus`).
    mlpack_bin   the `mlpack` executable (default: $MLPACK_BIN, else `mlpack` on PATH).
    ship_binary  send the executable to the executors with the job (default: unless the master
                 is local, where the driver's path is used as is). A shipped binary needs the
                 shared libraries in its release tarball's LIBRARIES.txt on the executors.
    cache_dir    the executors' archive cache ($MLPACK_CACHE_DIR; default ~/.cache/mlpack).

    A row the model refuses gets a null prediction and its error message; a child that dies fails
    its task with the child's stderr.
    """
    from pyspark.sql.types import StringType, StructField, StructType, _parse_datatype_string

    if result_type not in RESULT_TYPES:
        raise ValueError(f"result_type: expected one of {', '.join(RESULT_TYPES)}, got {result_type!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size: expected a positive number, got {batch_size}")
    if threads is not None and threads < 1:
        raise ValueError(f"threads: expected a positive number, got {threads}")
    columns = list(df.columns)
    if input_cols is None:
        input_cols = columns
    input_cols = list(input_cols)
    missing = [c for c in input_cols if c not in columns]
    if missing:
        raise ValueError(f"input_cols: no column {missing[0]!r} in the DataFrame (columns: {', '.join(columns)})")
    for name in (output_col, error_col):
        if name in columns:
            raise ValueError(f"the DataFrame already has a column {name!r}; choose another output_col/error_col")

    spark = df.sparkSession
    binary = _resolve_binary(mlpack_bin)
    connect = type(spark).__module__.startswith("pyspark.sql.connect")
    if ship_binary is None:
        ship_binary = not _master_is_local(spark)

    staging = tempfile.mkdtemp(prefix="mlpack-spark-")
    archive = _archive_for(model, binary, staging)
    archive_name = _ship(spark, archive, "mlpack-model", ".mlpack", staging, connect)
    binary_name = _ship(spark, binary, "mlpack", "", staging, connect) if ship_binary else None
    _ship_self(spark, staging, connect)

    out_type = _parse_datatype_string(RESULT_TYPES[result_type])
    schema = StructType(list(df.schema.fields) + [StructField(output_col, out_type), StructField(error_col, StringType())])
    task = _Task(
        archive_name=archive_name,
        binary=binary if binary_name is None else None,
        binary_name=binary_name,
        input_cols=input_cols,
        result_type=result_type,
        output_names=(output_col, error_col),
        params=json.dumps(dict(params)) if params is not None else None,
        batch_size=batch_size,
        threads=threads,
        cache_dir=cache_dir,
    )
    return df.mapInArrow(task, schema)


def _resolve_binary(mlpack_bin) -> str:
    candidate = mlpack_bin or os.environ.get("MLPACK_BIN") or shutil.which("mlpack")
    if not candidate:
        raise FileNotFoundError("mlpack executable: pass mlpack_bin=, set MLPACK_BIN, or put `mlpack` on PATH")
    path = os.path.abspath(os.fspath(candidate))
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise FileNotFoundError(f"mlpack executable {path}: not an executable file")
    return path


def _master_is_local(spark) -> bool:
    try:
        master = spark.conf.get("spark.master")
    except Exception:  # Spark Connect servers may not expose it: ship to be safe.
        return False
    return bool(master) and master.startswith("local")


def _archive_for(model, binary: str, staging: str) -> str:
    """An archive of `model`: itself when it is one, else `mlpack pack` of it into `staging`."""
    text = os.fspath(model)
    if os.path.isfile(text):
        with open(text, "rb") as handle:
            if handle.read(4) != _ZIP_MAGIC:
                raise ValueError(f"model {text}: a file that is not an mlpack archive (zip)")
        return os.path.abspath(text)
    out = os.path.join(staging, "model.mlpack")
    done = subprocess.run([binary, "pack", text, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise MLPackChildError(f"mlpack pack {text} failed (exit {done.returncode}): {_decode(done.stderr)}")
    return out


def _ship(spark, path: str, stem: str, suffix: str, staging: str, connect: bool) -> str:
    """Registers `path` with the job under a content-addressed name and returns that name.

    The name carries the file's SHA-256, so two different models (or binaries) never collide on
    Spark's one-name-one-file rule, and the same file shipped twice is one file."""
    digest = _sha256(path)[:16]
    name = f"{stem}-{digest}{suffix}"
    link = os.path.join(staging, name)
    if not os.path.exists(link):
        # Spark ships a symlink under its target's name: a hard link (or a copy) keeps ours.
        try:
            os.link(path, link)
        except OSError:
            shutil.copyfile(path, link)
            shutil.copymode(path, link)
    if connect:
        spark.addArtifacts(link, file=True)
    else:
        spark.sparkContext.addFile(link)
    return name


def _ship_self(spark, staging: str, connect: bool) -> None:
    """Sends this package to the executors with the job, so they need only pyspark and pyarrow."""
    package = os.path.dirname(os.path.abspath(__file__))
    archive = os.path.join(staging, "mlpack_spark.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in sorted(os.listdir(package)):
            if name.endswith(".py"):
                bundle.write(os.path.join(package, name), f"mlpack_spark/{name}")
    if connect:
        spark.addArtifacts(archive, pyfile=True)
    else:
        spark.sparkContext.addPyFile(archive)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace").strip()


# --------------------------------------------------------------------------------------------
# Executor side
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    """The function `mapInArrow` runs per task (pickled with its settings)."""

    archive_name: str
    binary: Optional[str]
    binary_name: Optional[str]
    input_cols: Sequence[str]
    result_type: str
    output_names: Sequence[str]
    params: Optional[str]
    batch_size: int
    threads: Optional[int]
    cache_dir: Optional[str]

    def __call__(self, batches: Iterator) -> Iterator:
        from pyspark import SparkFiles, TaskContext

        archive = SparkFiles.get(self.archive_name)
        binary = self.binary or _executable(SparkFiles.get(self.binary_name))
        threads = self.threads
        if threads is None:
            context = TaskContext.get()
            threads = max(1, int(context.cpus())) if context is not None else 1
        command = [binary, "predict", "-m", archive, "--content-type", "jsonl",
                   "--threads", str(threads), "--batch-size", str(self.batch_size)]
        if self.params is not None:
            command += ["--params", self.params]
        env = dict(os.environ)
        if self.cache_dir:
            env["MLPACK_CACHE_DIR"] = self.cache_dir
        with _Child(command, env) as child:
            yield from child.score(batches, self.input_cols, self.result_type, self.output_names)


def _executable(path: str) -> str:
    """A shipped binary, with its run bit (Spark keeps it for files, but a copy may not)."""
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


_END = object()


class _Child:
    """One `mlpack predict --content-type jsonl` process: a writer thread feeds it the task's rows
    while this thread reads one answer line per row, in order, and builds the output batches."""

    def __init__(self, command, env):
        self.command = command
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, env=env)
        self.batches: "queue.Queue" = queue.Queue(maxsize=_QUEUE_DEPTH)
        self.input_error: Optional[BaseException] = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()
        return False

    def score(self, batches: Iterable, input_cols: Sequence[str], result_type: str,
              output_names: Sequence[str]) -> Iterator:
        import pyarrow as pa

        convert = _CONVERTERS[result_type]
        arrow_type = _ARROW_TYPES[result_type]()
        writer = threading.Thread(target=self._write, args=(batches, input_cols), daemon=True,
                                  name="mlpack-spark-writer")
        writer.start()
        row = 0
        while True:
            batch = self.batches.get()
            if batch is _END:
                break
            values, errors = [], []
            for _ in range(batch.num_rows):
                row += 1
                line = self.process.stdout.readline()
                if not line:
                    raise self._died(f"ended its output at row {row}")
                value, error = _answer(line, row, convert)
                values.append(value)
                errors.append(error)
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + [pa.array(values, type=arrow_type), pa.array(errors, type=pa.string())],
                names=list(batch.schema.names) + list(output_names))
        writer.join()
        if self.input_error is not None:
            raise self.input_error
        extra = self.process.stdout.readline()
        if extra:
            raise self._died(f"wrote more lines than the {row} rows it was given: {_decode(extra)[:200]}")
        code = self.process.wait()
        # 1 is `predict`'s answer when some lines were refused; those rows carry their errors.
        if code not in (0, 1):
            raise self._died(f"exited with {_exit_text(code)} after answering all {row} rows")

    def _write(self, batches: Iterable, input_cols: Sequence[str]) -> None:
        stdin = self.process.stdin
        try:
            for batch in batches:
                # Queued before its lines are written: the reader never waits on a batch whose
                # lines are stuck behind a full pipe.
                self.batches.put(batch)
                rows = batch.select(list(input_cols)).to_pylist()
                stdin.write(b"".join(_record_line(record) for record in rows))
                stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # The child died; the reader reports it with its stderr.
        except BaseException as error:  # The rows' own stream failed: the task must fail with it.
            self.input_error = error
        finally:
            try:
                stdin.close()
            except OSError:
                pass
            self.batches.put(_END)

    def _died(self, what: str) -> MLPackChildError:
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - _STDERR_TAIL))
        tail = _decode(self.stderr.read())
        return MLPackChildError(
            f"mlpack predict child {what} ({_exit_text(code)}); stderr: {tail or '(empty)'}; command: {' '.join(self.command)}")


def _exit_text(code: Optional[int]) -> str:
    if code is None:
        return "still running"
    return f"signal {-code}" if code < 0 else f"exit code {code}"


def _record_line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, default=_json_value, allow_nan=True).encode("utf-8") + b"\n"


def _json_value(value):
    """JSON for the Arrow values `json` does not know, as MLflow's scoring protocol writes them."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"a value of type {type(value).__name__} has no JSON form")


def _answer(line: bytes, row: int, convert):
    """(prediction, None) or (None, error message) for one answer line."""
    try:
        answer = json.loads(line)
    except ValueError as error:
        return None, f"mlpack answered row {row} with a line that is not JSON: {error}"
    if isinstance(answer, dict) and "error_code" in answer and "message" in answer:
        return None, f"{answer['error_code']}: {answer['message']}"
    try:
        return convert(answer), None
    except (TypeError, ValueError) as error:
        return None, str(error)


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {json.dumps(value)[:80]}")
    return float(value)


def _scalar(value) -> float:
    # A model that answers one value per row as a one-element list (a [-1, 1] tensor) or a record.
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    elif isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, list):
        raise ValueError(f"expected one number per row, got a list of {len(value)}; use result_type='array<float>'")
    return _number(value)


def _float32(value) -> float:
    number = _scalar(value)
    if math.isfinite(number) and abs(number) > 3.4028234663852886e38:
        raise ValueError(f"{number} does not fit a float")
    return number


def _vector(value) -> list:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    if not isinstance(value, list):
        raise TypeError(f"expected a list of numbers, got {json.dumps(value)[:80]}")
    return [_number(item) for item in value]


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


_CONVERTERS = {
    "double": _scalar,
    "float": _float32,
    "string": _json_text,
    "array<double>": _vector,
    "array<float>": _vector,
}


def _arrow(name):
    def make():
        import pyarrow as pa
        return {
            "double": pa.float64(),
            "float": pa.float32(),
            "string": pa.string(),
            "array<double>": pa.list_(pa.float64()),
            "array<float>": pa.list_(pa.float32()),
        }[name]
    return make


_ARROW_TYPES = {name: _arrow(name) for name in RESULT_TYPES}
