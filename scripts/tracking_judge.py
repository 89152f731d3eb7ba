#!/usr/bin/env python3
"""The judge of scripts/test-tracking.sh: Python MLflow 3.17.2 (MlflowClient) checks what mlpack logged,
logs models the Python way for mlpack to load, and dumps what it sees for the list commands.

Every check prints one line, `ok: …` or `FAIL: …`; the process exits 1 if any check failed.
Subcommands that need MLflow import it lazily (the import costs seconds), so the helpers
(`compare-lists`, `fault-state`, `proxy`) start at once.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

FAILURES = []

# The MLmodel keys log_model rewrites; every other key must be the saved directory's.
LOG_KEYS = ("artifact_path", "model_id", "model_uuid", "run_id")
# What Python's download of a models:/ URI adds to the model's files.
DOWNLOAD_EXTRAS = {"registered_model_meta"}


def ok(message):
    print(f"ok: {message}", flush=True)


def fail(message):
    FAILURES.append(message)
    print(f"FAIL: {message}", flush=True)


def check(condition, message, detail=""):
    if condition:
        ok(message)
    else:
        fail(f"{message}{': ' + detail if detail else ''}")
    return bool(condition)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree(root, skip=()):
    """{relative path: (size, sha256)} of every regular file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if rel in skip:
                continue
            out[rel] = (os.path.getsize(full), sha256(full))
    return out


def diff(a, b):
    """A short description of how two {path: …} maps differ."""
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return f"only in store {only_a[:5]}, only local {only_b[:5]}, different {changed[:5]}"


def load_yaml(path):
    import yaml

    with open(path) as f:
        return yaml.safe_load(f)


# ---------------------------------------------------------------- MLflow-side checks


def check_logged(client, info, local_dir, *, label, expect_params=None, expect_tags=None,
                 register=None, alias=None, local_store=False):
    """The checks of one model mlpack logged (`info`: `mlpack log --json`)."""
    import mlflow
    from mlflow.entities import LoggedModelStatus
    from mlflow.models import Model

    model_id, run_id = info["model_id"], info["run_id"]
    check(info.get("model_uri") == f"models:/{model_id}", f"{label}: mlpack printed model_uri models:/{model_id}", info.get("model_uri"))
    check(info.get("run_uri") == f"runs:/{run_id}/{info['name']}", f"{label}: mlpack printed run_uri runs:/{run_id}/{info['name']}", info.get("run_uri"))
    model = client.get_logged_model(model_id)
    check(model.status == LoggedModelStatus.READY, f"{label}: logged model {model_id} is READY", str(model.status))
    check(model.source_run_id == run_id, f"{label}: source_run_id is the run mlpack printed", f"{model.source_run_id} != {run_id}")
    check(model.name == info["name"], f"{label}: logged model name {info['name']!r}", model.name)
    check(model.experiment_id == info["experiment_id"], f"{label}: logged model in experiment {info['experiment_id']}", model.experiment_id)
    check(model.artifact_location == info["artifact_location"], f"{label}: artifact_location as mlpack printed", f"{model.artifact_location} != {info['artifact_location']}")
    experiment = client.get_experiment(model.experiment_id)
    check(experiment.name == info["experiment"], f"{label}: experiment {info['experiment']!r}", experiment.name)
    if local_store:
        root = os.path.realpath("mlruns")
        check(os.path.realpath(model.artifact_location).startswith(root + os.sep)
              and model.artifact_location.endswith(f"/models/{model_id}/artifacts") and os.path.isabs(model.artifact_location),
              f"{label}: artifacts at <cwd>/mlruns/<exp>/models/{model_id}/artifacts (absolute, no file://)", model.artifact_location)
    else:
        check(model.artifact_location == f"mlflow-artifacts:/{model.experiment_id}/models/{model_id}/artifacts",
              f"{label}: artifact_location mlflow-artifacts:/<exp>/models/<id>/artifacts", model.artifact_location)
    for key, value in (expect_params or {}).items():
        check(model.params.get(key) == value, f"{label}: model param {key}={value}", repr(model.params.get(key)))
    for key, value in (expect_tags or {}).items():
        check(model.tags.get(key) == value, f"{label}: model tag {key}={value}", repr(model.tags.get(key)))

    run = client.get_run(run_id)
    check(run.info.status == "FINISHED", f"{label}: run {run_id} FINISHED", run.info.status)
    check(run.info.end_time is not None and run.info.end_time >= run.info.start_time, f"{label}: run has end_time >= start_time",
          f"{run.info.start_time} → {run.info.end_time}")
    check(run.info.experiment_id == model.experiment_id, f"{label}: run in the model's experiment", run.info.experiment_id)
    outputs = [o.model_id for o in (run.outputs.model_outputs if run.outputs else [])]
    check(outputs == [model_id], f"{label}: run.outputs.model_outputs lists the model (and only it)", str(outputs))
    for key, value in (expect_params or {}).items():
        check(run.data.params.get(key) == value, f"{label}: run param {key}={value}", repr(run.data.params.get(key)))
    for key, value in (expect_tags or {}).items():
        check(run.data.tags.get(key) == value, f"{label}: run tag {key}={value}", repr(run.data.tags.get(key)))
    check(run.data.tags.get("mlflow.source.type") == "LOCAL", f"{label}: run tag mlflow.source.type=LOCAL", repr(run.data.tags.get("mlflow.source.type")))
    check(bool(run.data.tags.get("mlflow.runName")) and run.data.tags.get("mlflow.runName") == run.info.run_name,
          f"{label}: run tag mlflow.runName = run name", f"{run.data.tags.get('mlflow.runName')!r} vs {run.info.run_name!r}")
    # MLflow's own user tag: getpass.getuser() (which falls back to the password database when $USER is unset).
    import getpass

    check(run.data.tags.get("mlflow.user") == getpass.getuser(), f"{label}: run tag mlflow.user = {getpass.getuser()!r} (what MLflow's getpass.getuser() gives here)",
          f"got {run.data.tags.get('mlflow.user')!r}")

    # Listing: every file of the local directory, same sizes (MLmodel is rewritten, so only present).
    listed = {}

    def walk(path=None):
        for f in client.list_logged_model_artifacts(model_id, path):
            if f.is_dir:
                walk(f.path)
            else:
                listed[f.path] = f.file_size

    walk()
    local = tree(local_dir)
    want = {k: v[0] for k, v in local.items() if k != "MLmodel"}
    got = {k: v for k, v in listed.items() if k != "MLmodel"}
    check(got == want and "MLmodel" in listed, f"{label}: artifact listing (recursive) = local directory, {len(local)} files, sizes",
          diff(got, want))

    # Download by URI: same bytes, MLmodel aside.
    with tempfile.TemporaryDirectory() as dst:
        path = mlflow.artifacts.download_artifacts(f"models:/{model_id}", dst_path=dst)
        downloaded = tree(path, skip=DOWNLOAD_EXTRAS)
        same = {k: v for k, v in downloaded.items() if k != "MLmodel"} == {k: v for k, v in local.items() if k != "MLmodel"}
        check(same and "MLmodel" in downloaded, f"{label}: download_artifacts('models:/{model_id}') = local files, sha256 (MLmodel aside)",
              diff({k: v for k, v in downloaded.items() if k != "MLmodel"}, {k: v for k, v in local.items() if k != "MLmodel"}))
        extras = set(os.listdir(path)) - set(os.listdir(local_dir))
        check(extras <= DOWNLOAD_EXTRAS, f"{label}: download holds nothing but the model's files (and MLflow's registered_model_meta)", str(extras))
        remote_mlmodel = load_yaml(os.path.join(path, "MLmodel"))
    if local_store:
        on_disk = tree(model.artifact_location)
        check({k: v for k, v in on_disk.items() if k != "MLmodel"} == {k: v for k, v in local.items() if k != "MLmodel"},
              f"{label}: files under {model.artifact_location} = local files, sha256", diff(on_disk, local))

    # MLmodel: the four keys log_model rewrites, every other key unchanged.
    loaded = Model.load(f"models:/{model_id}")
    expected = {"artifact_path": model.artifact_location, "model_id": model_id, "model_uuid": model_id, "run_id": run_id}
    for key, value in expected.items():
        check(getattr(loaded, key, None) == value, f"{label}: Model.load('models:/…').{key} = {value}", repr(getattr(loaded, key, None)))
    original = load_yaml(os.path.join(local_dir, "MLmodel"))
    rest_remote = {k: v for k, v in remote_mlmodel.items() if k not in LOG_KEYS}
    rest_local = {k: v for k, v in original.items() if k not in LOG_KEYS}
    check(rest_remote == rest_local, f"{label}: every other MLmodel key equals the local MLmodel's ({len(rest_local)} keys)",
          diff(rest_remote, rest_local))
    for key in LOG_KEYS:
        check(remote_mlmodel.get(key) == expected[key], f"{label}: uploaded MLmodel {key} = {expected[key]}", repr(remote_mlmodel.get(key)))

    # Registry.
    if register:
        registered = info.get("registered_model") or {}
        version = registered.get("version")
        check(version == "1" and registered.get("name") == register, f"{label}: mlpack reports {register} version 1", str(registered))
        mv = client.get_model_version(register, version or "1")
        check(mv.source == f"models:/{model_id}", f"{label}: {register}/1 source = models:/{model_id}", mv.source)
        check(mv.run_id == run_id, f"{label}: {register}/1 run_id", repr(mv.run_id))
        check(mv.status == "READY", f"{label}: {register}/1 status READY", mv.status)
        if alias:
            check(alias in registered.get("aliases", []), f"{label}: mlpack reports alias {alias}", str(registered.get("aliases")))
            by_alias = client.get_model_version_by_alias(register, alias)
            check(by_alias.version == mv.version, f"{label}: alias {register}@{alias} → version {mv.version}", by_alias.version)
        with tempfile.TemporaryDirectory() as dst:
            path = mlflow.artifacts.download_artifacts(f"models:/{register}/{version or '1'}", dst_path=dst)
            d = tree(path, skip=DOWNLOAD_EXTRAS | {"MLmodel"})
            check(d == tree(local_dir, skip={"MLmodel"}), f"{label}: download_artifacts('models:/{register}/1') = local files", diff(d, tree(local_dir, skip={"MLmodel"})))
    return model


def py_log(client, local_dir, *, experiment, name, register=None, alias=None, params=None, tags=None):
    """Logs a saved model directory the way Python's log_model does, through the public client API:
    experiment → run → logged model (PENDING) → outputs → MLmodel rewritten → files → READY → run FINISHED;
    then registers it. Returns ids and the seconds each stage took."""
    import mlflow
    from mlflow.entities import LoggedModelOutput, LoggedModelStatus
    from mlflow.models import Model

    t0 = time.perf_counter()
    exp = client.get_experiment_by_name(experiment)
    experiment_id = exp.experiment_id if exp else client.create_experiment(experiment)
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    if params or tags:
        client.log_batch(run_id, params=[mlflow.entities.Param(k, v) for k, v in (params or {}).items()],
                         tags=[mlflow.entities.RunTag(k, v) for k, v in (tags or {}).items()])
    model = client.create_logged_model(experiment_id, name=name, source_run_id=run_id, params=params, tags=tags)
    client.log_outputs(run_id, [LoggedModelOutput(model.model_id, 0)])
    with tempfile.TemporaryDirectory() as staging:
        copy = os.path.join(staging, "model")
        shutil.copytree(local_dir, copy)
        mlmodel = Model.load(os.path.join(copy, "MLmodel"))
        mlmodel.artifact_path = model.artifact_location
        mlmodel.model_id = model.model_id
        mlmodel.model_uuid = model.model_id
        mlmodel.run_id = run_id
        mlmodel.save(os.path.join(copy, "MLmodel"))
        client.log_model_artifacts(model.model_id, copy)
    client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    client.set_terminated(run_id, "FINISHED")
    seconds = time.perf_counter() - t0
    out = {"model_id": model.model_id, "run_id": run_id, "name": name, "experiment_id": experiment_id,
           "artifact_location": model.artifact_location, "seconds": seconds}
    if register:
        version = mlflow.register_model(f"models:/{model.model_id}", register)
        out["version"] = version.version
        if alias:
            client.set_registered_model_alias(register, alias, version.version)
    return out


def snapshot(client):
    """What Python sees: active experiments and every logged model (for `mlpack … list --json`)."""
    experiments = client.search_experiments()
    models = []
    token = None
    while True:
        page = client.search_logged_models(experiment_ids=[e.experiment_id for e in experiments], page_token=token)
        models.extend(page)
        token = page.token
        if not token:
            break
    return {
        "experiments": [{"experiment_id": e.experiment_id, "name": e.name, "artifact_location": e.artifact_location,
                         "lifecycle_stage": e.lifecycle_stage, "creation_time": e.creation_time} for e in experiments],
        "models": [{"model_id": m.model_id, "name": m.name, "experiment_id": m.experiment_id, "status": str(m.status),
                    "source_run_id": m.source_run_id, "artifact_location": m.artifact_location,
                    "creation_timestamp_ms": m.creation_timestamp} for m in models],
    }


def no_pending(client, label):
    snap = snapshot(client)
    pending = [m["model_id"] for m in snap["models"] if m["status"] not in ("READY", "LoggedModelStatus.READY")
               and m["name"] not in ("pending_on_purpose", "failed_on_purpose")]
    check(not pending, f"{label}: no logged model left PENDING or FAILED (apart from the two made on purpose)", str(pending))
    return snap


# ---------------------------------------------------------------- subcommands


def cmd_server(a):
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import LoggedModelStatus

    mlflow.set_tracking_uri(a.uri)
    client = MlflowClient()
    info = json.load(open(a.mlpack_log))
    info.setdefault("name", "similarity")
    check_logged(client, info, a.dir, label="server/mlpack-logged", expect_params={"k": "v"}, expect_tags={"t": "x"},
                 register="similarity", alias="champion")

    # The other direction: the same directory logged and registered by Python.
    out = py_log(client, a.dir, experiment="PyLogged", name="py_sim", register="pyreg", alias="prod",
                 params={"origin": "python"}, tags={"by": "judge"})
    model = client.get_logged_model(out["model_id"])
    check(model.status == LoggedModelStatus.READY, f"server/python-logged: {out['model_id']} READY (registered pyreg/{out['version']} @prod)", str(model.status))

    # A deleted experiment (mlpack must refuse to log into it), a PENDING and a FAILED model (mlpack must refuse to load them).
    gone = client.create_experiment("Deleted Experiment")
    client.delete_experiment(gone)
    out["deleted_experiment"] = "Deleted Experiment"
    exp = client.get_experiment_by_name("PyLogged").experiment_id
    out["pending_model_id"] = client.create_logged_model(exp, name="pending_on_purpose").model_id
    failed = client.create_logged_model(exp, name="failed_on_purpose").model_id
    client.finalize_logged_model(failed, LoggedModelStatus.FAILED)
    out["failed_model_id"] = failed

    out["snapshot"] = no_pending(client, "server")
    json.dump(out, open(a.out, "w"), indent=1)


def cmd_local_check(a):
    """In the directory of a local store mlpack wrote: MLflow opens it and sees the model."""
    import sqlite3

    import mlflow
    from mlflow import MlflowClient

    os.chdir(a.store)
    con = sqlite3.connect("mlflow.db")
    integrity = con.execute("PRAGMA integrity_check").fetchall()
    check(integrity == [("ok",)], f"{a.label}: PRAGMA integrity_check of mlflow.db", str(integrity[:3]))
    version = con.execute("SELECT version_num FROM alembic_version").fetchall()
    check(version == [("dc11669786a5",)], f"{a.label}: alembic_version dc11669786a5 (MLflow 3.17.2's head)", str(version))
    con.close()
    mlflow.set_tracking_uri("sqlite:///mlflow.db")
    client = MlflowClient()
    info = json.load(open(a.mlpack_log))
    info.setdefault("name", "similarity")
    found = mlflow.search_logged_models(experiment_ids=[info["experiment_id"]], filter_string=f"name = '{info['name']}'", output_format="list")
    check([m.model_id for m in found if str(m.status).endswith("READY")] == [info["model_id"]],
          f"{a.label}: mlflow.search_logged_models finds {info['model_id']} READY", str([(m.model_id, str(m.status)) for m in found]))
    check_logged(client, info, a.dir, label=a.label, register=a.register, alias=a.alias, local_store=True)
    snap = no_pending(client, a.label)
    if a.out:
        json.dump({"snapshot": snap}, open(a.out, "w"), indent=1)


def cmd_local_pylog(a):
    """Creates a local store with Python MLflow (in a.store) and logs + registers the directory there."""
    import mlflow
    from mlflow import MlflowClient

    os.makedirs(a.store, exist_ok=True)
    os.chdir(a.store)
    mlflow.set_tracking_uri("sqlite:///mlflow.db")
    client = MlflowClient()
    out = py_log(client, a.dir, experiment="PyLogged", name="py_sim", register="pyreg", alias="prod")
    check(os.path.isfile(os.path.join(out["artifact_location"], "MLmodel")), f"{a.label}: Python wrote {out['artifact_location']}/MLmodel")
    json.dump(out, open(a.out, "w"), indent=1)


def cmd_time_pylog(a):
    """Figures: Python's log_model-equivalent of a directory, from process start (a.t0, epoch seconds,
    taken by the caller just before starting Python) and then twice more in process; three downloads
    of a models:/ URI into fresh directories."""
    t_import = time.perf_counter()
    import mlflow
    from mlflow import MlflowClient

    imported = time.perf_counter() - t_import
    mlflow.set_tracking_uri(a.uri)
    client = MlflowClient()
    logs = [py_log(client, a.dir, experiment="Figures", name="py_big")["seconds"]]
    end_to_end = time.time() - a.t0
    logs += [py_log(client, a.dir, experiment="Figures", name="py_big")["seconds"] for _ in range(2)]
    downloads = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as dst:
            t = time.perf_counter()
            mlflow.artifacts.download_artifacts(f"models:/{a.download_model_id}", dst_path=dst)
            downloads.append(time.perf_counter() - t)
    json.dump({"import": imported, "logs": logs, "end_to_end": end_to_end, "downloads": downloads}, open(a.out, "w"))


def cmd_compare_lists(a):
    """`mlpack models list --json` / `experiments list --json` against the judge's snapshot."""
    snap = json.load(open(a.snapshot))
    snap = snap.get("snapshot", snap)
    ours = json.load(open(a.models))
    status = lambda s: s.replace("LoggedModelStatus.", "").replace("LOGGED_MODEL_", "").replace("UPLOAD_", "")
    keys = ("model_id", "name", "experiment_id", "source_run_id", "artifact_location", "creation_timestamp_ms")
    # No source run: the REST answer has no field; Python's entity says '', mlpack's JSON null.
    field = lambda m, k: (m.get(k) or None) if k == "source_run_id" else m.get(k)
    theirs = {m["model_id"]: tuple(field(m, k) for k in keys) + (status(m["status"]),) for m in snap["models"]}
    mine = {m["model_id"]: tuple(field(m, k) for k in keys) + (status(m.get("status", "")),) for m in ours}
    check(mine == theirs, f"{a.label}: `mlpack models list --json` = MlflowClient.search_logged_models ({len(theirs)} models: id, name, experiment, run, location, created, status)",
          diff(mine, theirs))
    created = [m.get("creation_timestamp_ms") for m in ours]
    check(created == sorted(created, reverse=True), f"{a.label}: models list is newest first", str(created))
    check(all(m.get("model_uri") == f"models:/{m['model_id']}" for m in ours), f"{a.label}: models list gives each model_uri")
    if a.experiments:
        exps = json.load(open(a.experiments))
        ekeys = ("experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time")
        theirs = {e["experiment_id"]: tuple(e[k] for k in ekeys) for e in snap["experiments"]}
        mine = {e["experiment_id"]: tuple(e.get(k) for k in ekeys) for e in exps}
        check(mine == theirs, f"{a.label}: `mlpack experiments list --json` = MlflowClient.search_experiments ({len(theirs)} active)", diff(mine, theirs))
    if a.models_in and a.experiment_id:
        sub = json.load(open(a.models_in))
        want = sorted(m["model_id"] for m in snap["models"] if m["experiment_id"] == a.experiment_id)
        check(sorted(m["model_id"] for m in sub) == want, f"{a.label}: `mlpack models list --experiment …` = that experiment's models", str(sub))


def rest(base, method, endpoint, body=None, query=None):
    """One call of the MLflow REST API with the standard library (no MLflow import)."""
    import urllib.parse
    import urllib.request

    url = f"{base}/api/2.0/mlflow/{endpoint}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def cmd_fault_state(a):
    """After an upload fault: the state of the experiment's models and runs, read by REST (server up)
    or straight from the server's SQLite file (server killed)."""
    if a.db:
        import sqlite3

        con = sqlite3.connect(a.db)
        names = {1: "PENDING", 2: "READY", 3: "FAILED"}
        rows = con.execute("SELECT m.model_id, m.status, r.status FROM logged_models m JOIN experiments e ON e.experiment_id = m.experiment_id "
                           "LEFT JOIN runs r ON r.run_uuid = m.source_run_id WHERE e.name = ?", (a.experiment,)).fetchall()
        state = [(mid, names.get(s, s), rs) for mid, s, rs in rows]
    else:
        exp = rest(a.uri, "GET", "experiments/get-by-name", query={"experiment_name": a.experiment})["experiment"]["experiment_id"]
        models = rest(a.uri, "POST", "logged-models/search", {"experiment_ids": [exp]}).get("models", [])
        state = []
        for m in models:
            run_id = m["info"].get("source_run_id")
            run_status = rest(a.uri, "GET", "runs/get", query={"run_id": run_id})["run"]["info"]["status"] if run_id else None
            state.append((m["info"]["model_id"], m["info"]["status"].replace("LOGGED_MODEL_", "").replace("UPLOAD_", ""), run_status))
    if a.expect:
        model_status, run_status = a.expect.split("/")
        check(len(state) == 1 and state[0][1] == model_status and state[0][2] == run_status,
              f"{a.label}: the logged model is {model_status} and its run {run_status}", str(state))
    else:
        print(json.dumps(state))


def cmd_proxy(a):
    """A TCP proxy to the tracking server that, at the first artifact upload (PUT …/mlflow-artifacts/…),
    either drops the connection (mode drop) or stalls it (mode stall) until the file a.release exists.
    Writes its port to a.port_file and touches a.marker when it hits the upload."""
    import socket
    import struct
    import threading

    needle = b"PUT /api/2.0/mlflow-artifacts/"
    hit = threading.Event()

    def reset(sock):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass

    def pump(src, dst, inspect):
        tail = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if inspect and needle in tail + data:
                    hit.set()
                    open(a.marker, "w").close()
                    if a.mode == "stall":
                        while not os.path.exists(a.release):
                            time.sleep(0.05)
                    reset(src)
                    reset(dst)
                    return
                tail = data[-len(needle):]
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def handle(client):
        try:
            upstream = socket.create_connection(("127.0.0.1", a.upstream))
        except OSError:
            reset(client)
            return
        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()
        pump(client, upstream, True)

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--uri", required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--mlpack-log", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_server)
    s = sub.add_parser("local-check")
    s.add_argument("--store", required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--mlpack-log", required=True)
    s.add_argument("--label", required=True)
    s.add_argument("--register")
    s.add_argument("--alias")
    s.add_argument("--out")
    s.set_defaults(fn=cmd_local_check)
    s = sub.add_parser("local-pylog")
    s.add_argument("--store", required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--label", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_local_pylog)
    s = sub.add_parser("time-pylog")
    s.add_argument("--uri", required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--t0", type=float, required=True)
    s.add_argument("--download-model-id", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_time_pylog)
    s = sub.add_parser("compare-lists")
    s.add_argument("--label", required=True)
    s.add_argument("--snapshot", required=True)
    s.add_argument("--models", required=True)
    s.add_argument("--experiments")
    s.add_argument("--models-in")
    s.add_argument("--experiment-id")
    s.set_defaults(fn=cmd_compare_lists)
    s = sub.add_parser("fault-state")
    s.add_argument("--label", default="faults")
    s.add_argument("--uri")
    s.add_argument("--db")
    s.add_argument("--experiment", required=True)
    s.add_argument("--expect")
    s.set_defaults(fn=cmd_fault_state)
    s = sub.add_parser("proxy")
    s.add_argument("--upstream", type=int, required=True)
    s.add_argument("--mode", choices=["drop", "stall"], required=True)
    s.add_argument("--port-file", required=True)
    s.add_argument("--marker", required=True)
    s.add_argument("--release", default="")
    s.set_defaults(fn=cmd_proxy)
    a = p.parse_args()
    try:
        a.fn(a)
    except Exception as e:  # a crash of the judge is a failure, with its cause
        import traceback

        traceback.print_exc()
        fail(f"{a.cmd}: judge crashed: {type(e).__name__}: {e}")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
