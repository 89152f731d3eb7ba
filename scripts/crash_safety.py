#!/usr/bin/env python3
"""Crash-safety check of mlpack's writes (run by scripts/test-crash-safety.sh).

For each of `save`, `pack`, `unpack`, `log` (local SQLite store) and `predict -o`: measure the
command's normal duration, then run it RUNS times, each killed with SIGKILL after a random delay
within that duration. After every kill the target must be absent, or hold its old contents, or be
complete and valid (`mlpack validate`, byte-equal to a reference where the output is
deterministic); for `log` the database must pass `PRAGMA integrity_check`. Temporaries left by the
kills (`.<name>.mlpack-tmp-*`, listed after each kill) must all be gone after one more run that is
not killed. Exits 1 on the first violation, printing what it found.
"""
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

MLPACK = os.environ["MLPACK_BIN"]
RUNS = int(os.environ.get("CRASH_RUNS", "50"))
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(REPO, "fixtures/embeddings/tiny-bert/model")
PAIRS = os.path.join(REPO, "fixtures/tutorial/pairs.json")
MARKER = ".mlpack-tmp-"

PASSES = {"tiny", "minilm"}
rng = random.Random(int(os.environ.get("CRASH_SEED", "14")))
work = tempfile.mkdtemp(prefix="mlpack-crash-")
# Every temporary mlpack makes in $TMPDIR lands here, so leftovers can be listed exactly.
tmpdir = os.path.join(work, "tmp")
os.makedirs(tmpdir)
env = dict(os.environ, TMPDIR=tmpdir, MLPACK_CACHE_DIR=os.path.join(work, "cache"),
           MLFLOW_TRACKING_URI="sqlite:///" + os.path.join(work, "mlflow.db"))
failures = []


def run(args, check=True):
    p = subprocess.run([MLPACK] + args, cwd=work, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("setup failed: mlpack %s\n%s" % (" ".join(args), p.stderr))
    return p


def fail(message):
    failures.append(message)
    print("FAIL: " + message, flush=True)


# What each pass directory holds on purpose; anything else there is a leftover.
EXPECTED = {"ref-model", "old-model", "ref.zip", "old.zip", "ref-unpacked", "old-unpacked", "small-model",
            "saved", "packed.zip", "unpacked", "predictions.json"}


def leftovers():
    """Whatever a run may have left: every entry of $TMPDIR, every unexpected entry of a pass
    directory (whatever its name: mlpack's `.<name>.mlpack-tmp-*` or any other temporary), and
    every hidden entry anywhere else (model directories, the artifact store)."""
    found = [os.path.join("tmp", name) for name in os.listdir(tmpdir)]
    for root, dirs, files in os.walk(work):
        relative = os.path.relpath(root, work)
        if relative == "tmp" or relative.startswith("tmp" + os.sep):
            continue
        for name in dirs + files:
            path = os.path.normpath(os.path.join(relative, name))
            if relative in PASSES and name not in EXPECTED:
                found.append(path)
            elif relative not in PASSES and name.startswith("."):
                found.append(path)
    return sorted(found)


def tree_digest(path):
    """sha256 of every file under a directory (relative path → digest), or of one file."""
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    out = {}
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            with open(full, "rb") as f:
                out[os.path.relpath(full, path)] = hashlib.sha256(f.read()).hexdigest()
    return out


def validate(path):
    p = run(["validate", path], check=False)
    return p.returncode == 0, (p.stdout + p.stderr).strip().splitlines()[-1:] if p.returncode else ""


def duration(args, prepare, repeat=3):
    """The command's normal duration: the longest of three uninterrupted runs."""
    times = []
    for _ in range(repeat):
        prepare()
        start = time.monotonic()
        run(args)
        times.append(time.monotonic() - start)
    return max(times)


def killed_run(args, seconds):
    """Starts mlpack, kills it with SIGKILL after a random delay in [0, seconds]; True if killed."""
    p = subprocess.Popen([MLPACK] + args, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=rng.uniform(0, seconds))
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def campaign(name, args, seconds, prepare, check, final_check, ignored=None):
    ignored = ignored or abandoned
    outcomes = {}
    killed = 0
    seen_leftovers = set()
    before = set(leftovers())  # what earlier campaigns left (abandoned PENDING models' artifacts)
    for i in range(RUNS):
        prepare(i)
        if killed_run(args, seconds):
            killed += 1
        state = check(i)
        outcomes[state] = outcomes.get(state, 0) + 1
        seen_leftovers.update(set(leftovers()) - before)
    # One more run, not killed: it must succeed and remove what the kills left.
    prepare(RUNS)
    run(args)
    final_check()
    remaining = [path for path in leftovers() if not ignored(path)]
    skipped = [path for path in set(leftovers()) - before if ignored(path)]
    if remaining:
        fail("%s: temporaries left after a successful run: %s" % (name, remaining))
    print("%-8s %2d runs, %2d killed (delay 0-%.2f s); outcomes %s; temporaries left by kills: %d (%s); after the next run: %d%s"
          % (name, RUNS, killed, seconds, json.dumps(outcomes, sort_keys=True), len(seen_leftovers),
             ", ".join(sorted({os.path.basename(x).split(MARKER)[0] + MARKER + "*" for x in seen_leftovers})) or "none",
             len(remaining), " (+%d in artifact directories of abandoned PENDING models, skipped by every reader)" % len(skipped) if skipped else ""),
          flush=True)
    return killed


def abandoned(path):
    """A temporary inside the artifact directory of a logged model that never became READY (its
    `log` was killed): MLflow's client leaves such partial models too; mlpack's listings skip it."""
    db = os.path.join(work, "mlflow.db")
    if not os.path.exists(db):
        return False
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT artifact_location, status FROM logged_models").fetchall()
    ready = connection.execute("SELECT status FROM logged_models ORDER BY creation_timestamp_ms DESC LIMIT 1").fetchone()[0]
    connection.close()
    full = os.path.join(work, path)
    for location, status in rows:
        location = location[len("file://"):] if location.startswith("file://") else location
        if full.startswith(location.rstrip("/") + "/"):
            return status != ready
    return False


def run_pass(label, model_dir, runs):
    """The five campaigns with `model_dir` as the model saved, packed, unpacked and logged."""
    global RUNS
    RUNS = runs
    base = os.path.join(work, label)
    os.makedirs(base)
    print("-- %s: %s, %d runs per command" % (label, model_dir, runs), flush=True)
    # References: a model saved from the source (save), its archive (pack), the archive of another
    # model as the "old" contents, an unpacked copy, a prediction.
    ref_model = os.path.join(base, "ref-model")
    run(["save", "--flavor", "similarity", "--source", model_dir, "-o", ref_model])
    old_model = os.path.join(base, "old-model")
    run(["save", "--flavor", "sentence_transformers", "--source", TINY, "-o", old_model])
    ref_zip, old_zip = os.path.join(base, "ref.zip"), os.path.join(base, "old.zip")
    run(["pack", ref_model, "-o", ref_zip])
    run(["pack", old_model, "-o", old_zip])
    ref_zip_digest, old_zip_digest = tree_digest(ref_zip), tree_digest(old_zip)
    ref_unpacked, old_unpacked = os.path.join(base, "ref-unpacked"), os.path.join(base, "old-unpacked")
    run(["unpack", ref_zip, "-o", ref_unpacked])
    run(["unpack", old_zip, "-o", old_unpacked])
    ref_tree, old_tree = tree_digest(ref_unpacked), tree_digest(old_unpacked)
    small_model = os.path.join(base, "small-model")
    if model_dir != TINY:
        run(["save", "--flavor", "similarity", "--source", TINY, "-o", small_model])
    else:
        small_model = ref_model
    ref_prediction = run(["predict", "-m", small_model, "-i", PAIRS]).stdout
    old_text = "old contents\n"

    # save: the target is absent or a complete model (it refuses an existing target).
    target = os.path.join(base, "saved")

    def prepare_save(i):
        shutil.rmtree(target, ignore_errors=True)

    def check_save(i):
        if not os.path.exists(target):
            return "absent"
        ok, why = validate(target)
        if not ok:
            fail("save run %d: %s exists but does not validate: %s" % (i, target, why))
            return "invalid"
        return "complete"

    save_args = ["save", "--flavor", "similarity", "--source", model_dir, "-o", target]
    t = duration(save_args, lambda: prepare_save(0))
    campaign("save", save_args, t, prepare_save, check_save, lambda: check_save(RUNS) == "complete" or fail("save: final run"))

    # pack --force over an old archive: old bytes or the reference bytes (packing is deterministic).
    archive = os.path.join(base, "packed.zip")

    def prepare_pack(i):
        shutil.copyfile(old_zip, archive)

    def check_pack(i):
        if not os.path.exists(archive):
            fail("pack run %d: %s disappeared" % (i, archive))
            return "absent"
        digest = tree_digest(archive)
        if digest == old_zip_digest:
            return "old"
        if digest != ref_zip_digest:
            fail("pack run %d: %s is neither the old nor the complete archive" % (i, archive))
            return "invalid"
        return "complete"

    pack_args = ["pack", ref_model, "-o", archive, "--force"]
    t = duration(pack_args, lambda: prepare_pack(0))
    ok_final = lambda: (check_pack(RUNS) == "complete" and validate(archive)[0]) or fail("pack: final run")
    campaign("pack", pack_args, t, prepare_pack, check_pack, ok_final)

    # unpack --force over an old model directory: the old tree or the reference tree.
    unpacked = os.path.join(base, "unpacked")

    def prepare_unpack(i):
        shutil.rmtree(unpacked, ignore_errors=True)
        shutil.copytree(old_unpacked, unpacked)

    def check_unpack(i):
        if not os.path.exists(unpacked):
            return "absent"
        tree = tree_digest(unpacked)
        if tree == old_tree:
            return "old"
        if tree != ref_tree:
            fail("unpack run %d: %s is neither the old nor the complete model (%d files)" % (i, unpacked, len(tree)))
            return "invalid"
        return "complete"

    unpack_args = ["unpack", ref_zip, "-o", unpacked, "--force"]
    t = duration(unpack_args, lambda: prepare_unpack(0))
    campaign("unpack", unpack_args, t, prepare_unpack, check_unpack,
             lambda: (check_unpack(RUNS) == "complete" and validate(unpacked)[0]) or fail("unpack: final run"))

    # log into the local store: the database opens and passes integrity_check after every kill.
    db = os.path.join(work, "mlflow.db")
    log_args = ["log", "--experiment", "crash-" + label, "--name", "crash", "-m", ref_model]

    def check_log(i):
        if not os.path.exists(db):
            return "no database"
        try:
            connection = sqlite3.connect(db)
            result = connection.execute("PRAGMA integrity_check").fetchall()
            states = connection.execute("SELECT status, count(*) FROM logged_models GROUP BY status").fetchall()
            connection.close()
        except sqlite3.Error as e:
            fail("log run %d: the database does not open: %s" % (i, e))
            return "unreadable"
        if result != [("ok",)]:
            fail("log run %d: integrity_check: %s" % (i, result))
            return "corrupt"
        return "ok"

    t = duration(log_args, lambda: None)
    campaign("log", log_args, t, lambda i: None, check_log, lambda: check_log(RUNS) == "ok" or fail("log: final run"))
    listed = run(["models", "list", "--experiment", "crash-" + label]).stdout
    print("         models list after the kills: %d lines; models by status: %s" % (
        len(listed.splitlines()),
        dict(sqlite3.connect(db).execute("SELECT status, count(*) FROM logged_models GROUP BY status").fetchall())), flush=True)

    # predict -o over an old file: the old contents or exactly the reference prediction.
    output = os.path.join(base, "predictions.json")

    def prepare_predict(i):
        with open(output, "w") as f:
            f.write(old_text)

    def check_predict(i):
        if not os.path.exists(output):
            fail("predict run %d: %s disappeared" % (i, output))
            return "absent"
        with open(output) as f:
            text = f.read()
        if text == old_text:
            return "old"
        if text.strip() != ref_prediction.strip():
            fail("predict run %d: %s is neither the old nor the complete answer: %r" % (i, output, text[:200]))
            return "invalid"
        json.loads(text)
        return "complete"

    predict_args = ["predict", "-m", small_model, "-i", PAIRS, "-o", output]
    t = duration(predict_args, lambda: prepare_predict(0))
    campaign("predict", predict_args, t, prepare_predict, check_predict,
             lambda: check_predict(RUNS) == "complete" or fail("predict: final run"))


def main():
    print("mlpack: %s; work directory %s" % (MLPACK, work), flush=True)
    run_pass("tiny", os.environ.get("CRASH_MODEL") or TINY, RUNS)
    # The real model (90 MB; test.sh exports MLPACK_MINILM_DIR), so that kills land in the middle
    # of large writes (copying, hashing, deflating, extracting model.safetensors).
    big = os.environ.get("MLPACK_MINILM_DIR")
    if big and os.path.exists(os.path.join(big, "model.safetensors")):
        run_pass("minilm", big, int(os.environ.get("CRASH_BIG_RUNS", str(RUNS))))
    else:
        print("-- minilm: skipped (MLPACK_MINILM_DIR is not set to the real model's directory)", flush=True)
    if failures:
        print("%d failures; work directory kept: %s" % (len(failures), work))
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("crash safety: all checks passed")


if __name__ == "__main__":
    main()
