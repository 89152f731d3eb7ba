#!/usr/bin/env python3
"""MLflow both ways for every encoder family mlpack runs (issue 15, part 5); run by
scripts/check-mlflow-families.sh, which provides a venv with mlflow==3.17.2 and sentence-transformers.

For each tiny fixture model (fixtures/embeddings/tiny-<arch>; RoBERTa and XLM-RoBERTa also with
their native byte-level BPE / Unigram tokenizer.json) and, with --real-mpnet, all-mpnet-base-v2:

  mlpack -> MLflow   `mlpack save --flavor sentence_transformers`, then `mlflow.pyfunc.load_model`
                     and `mlflow.sentence_transformers.load_model` load it; their predictions on the
                     fixture texts must equal `mlpack predict`'s (max |delta| <= 1e-5), and Python's
                     token ids must be the fixture's reference ids (the model's own tokenizer).
  MLflow -> mlpack   `mlflow.sentence_transformers.save_model` of the same model, then `mlpack validate`
                     passes, `mlpack load --json` names the architecture and tokenizer type, and
                     `mlpack predict` equals sentence-transformers' encode (max |delta| <= 1e-5).

Both directions are also compared with the fixture's reference embeddings (sentence-transformers at
fixture time). Prints one line per family and direction; exits 1 if any check fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMB = os.path.join(ROOT, "fixtures", "embeddings")
TOLERANCE = 1e-5

# name, fixture dir, native tokenizer (None: the WordPiece tokenizer.json of model/), model_type, tokenizer type
FAMILIES = [
    ("bert", "tiny-bert", None, "bert", "WordPiece"),
    ("mpnet", "tiny-mpnet", None, "mpnet", "WordPiece"),
    ("distilbert", "tiny-distilbert", None, "distilbert", "WordPiece"),
    ("roberta", "tiny-roberta", None, "roberta", "WordPiece"),
    ("roberta+bpe", "tiny-roberta", "native", "roberta", "BPE"),
    ("xlm-roberta", "tiny-xlm-roberta", None, "xlm-roberta", "WordPiece"),
    ("xlm-roberta+unigram", "tiny-xlm-roberta", "native", "xlm-roberta", "Unigram"),
]


class Failure(Exception):
    pass


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd[:4])} ... exited {p.returncode}: {p.stderr.strip()[-600:]}")
    return p.stdout


def mlpack_predict(mlpack, model, texts):
    out = run([mlpack, "predict", "-m", model, "--threads", "2"], stdin=json.dumps({"inputs": texts}))
    return np.asarray(json.loads(out)["predictions"], dtype=np.float64)


def worst(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise Failure(f"shapes differ: {a.shape} vs {b.shape}")
    return float(np.abs(a - b).max())


def source_dir(fixture, native, work):
    """The sentence-transformers directory: model/, with native/tokenizer.json in place of the
    WordPiece one when `native`."""
    model = os.path.join(EMB, fixture, "model")
    if not native:
        return model
    dst = os.path.join(work, f"src-{fixture}-{native}")
    shutil.copytree(model, dst)
    shutil.copy(os.path.join(EMB, fixture, native, "tokenizer.json"), os.path.join(dst, "tokenizer.json"))
    return dst


def cases_of(fixture, native):
    if fixture == "tiny-bert":
        path = os.path.join(EMB, fixture, "reference.jsonl")
    else:
        path = os.path.join(EMB, fixture, native or "", "reference.jsonl")
    with open(path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    ref_path = os.path.join(os.path.dirname(path), "reference_mean.npy")
    return cases, np.load(ref_path)


def python_ids(st_model, texts):
    features = st_model.tokenize(texts)
    ids, mask = features["input_ids"], features["attention_mask"]
    return [ids[i][mask[i].bool()].tolist() for i in range(len(texts))]


def check_family(args, name, src, cases, ref, model_type, tokenizer_type, work):
    import mlflow
    import mlflow.sentence_transformers
    from sentence_transformers import SentenceTransformer

    texts = [c["text"] for c in cases]
    ref_ids = [c["input_ids"] for c in cases] if cases and "input_ids" in cases[0] else None
    results = []
    example = os.path.join(work, f"{name}-example.json")
    with open(example, "w", encoding="utf-8") as f:
        json.dump(texts[:2], f)

    # mlpack -> MLflow
    saved = os.path.join(work, f"{name}-mlpack")
    run([args.mlpack, "save", "--flavor", "sentence_transformers", "--source", src, "-o", saved,
         "--input-example", example])
    ours = mlpack_predict(args.mlpack, saved, texts)
    pyfunc = mlflow.pyfunc.load_model(saved)
    via_pyfunc = np.asarray(pyfunc.predict(texts))
    st = mlflow.sentence_transformers.load_model(saved)
    via_st = st.encode(texts, batch_size=16)
    d = max(worst(ours, via_pyfunc), worst(ours, via_st))
    notes = []
    if ref_ids is not None:
        got = python_ids(st, texts)
        bad = sum(1 for g, r in zip(got, ref_ids) if g != r)
        notes.append(f"python ids {len(texts) - bad}/{len(texts)} = reference")
        if bad:
            raise Failure(f"{name}: MLflow's tokenizer gives other ids than the reference for {bad} texts")
    d_ref = worst(ours, ref) if ref is not None else None
    results.append(("mlpack -> MLflow", d, d_ref, notes))

    # MLflow -> mlpack
    logged = os.path.join(work, f"{name}-mlflow")
    model = SentenceTransformer(src, device="cpu")
    mlflow.sentence_transformers.save_model(
        model, path=logged, input_example=texts[:2],
        pip_requirements=["sentence-transformers", "torch", "transformers"])
    validate = subprocess.run([args.mlpack, "validate", logged], capture_output=True, text=True)
    if validate.returncode != 0:
        raise Failure(f"{name}: mlpack validate failed: {validate.stdout[-600:]}{validate.stderr[-600:]}")
    details = json.loads(run([args.mlpack, "load", logged, "--json", "--threads", "1"])).get("model_details", {})
    if details.get("architecture") != model_type or details.get("tokenizer") != tokenizer_type:
        raise Failure(f"{name}: mlpack load reports {details}, expected {model_type} / {tokenizer_type}")
    ours = mlpack_predict(args.mlpack, logged, texts)
    theirs = model.encode(texts, batch_size=16)
    via_pyfunc = np.asarray(mlflow.pyfunc.load_model(logged).predict(texts))
    d = max(worst(ours, theirs), worst(ours, via_pyfunc))
    d_ref = worst(ours, ref) if ref is not None else None
    results.append(("MLflow -> mlpack", d, d_ref, [f"validate ok, load: {model_type} / {tokenizer_type}"]))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlpack", required=True)
    ap.add_argument("--real-mpnet", help="an all-mpnet-base-v2 sentence-transformers directory (also checked)")
    ap.add_argument("--real-cases", type=int, default=40, help="fixture texts for the real model")
    ap.add_argument("--only", help="comma-separated family names")
    args = ap.parse_args()

    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.getLogger("mlflow").setLevel(logging.ERROR)

    plan = []
    for name, fixture, native, model_type, tokenizer_type in FAMILIES:
        if args.only and name not in args.only.split(","):
            continue
        plan.append((name, fixture, native, model_type, tokenizer_type))
    failed = 0
    lines = []
    with tempfile.TemporaryDirectory(prefix="mlpack-families-") as work:
        jobs = []
        for name, fixture, native, model_type, tokenizer_type in plan:
            cases, ref = cases_of(fixture, native)
            jobs.append((name, lambda f=fixture, n=native: source_dir(f, n, work), cases, ref, model_type, tokenizer_type))
        if args.real_mpnet and (not args.only or "all-mpnet-base-v2" in args.only.split(",")):
            with open(os.path.join(EMB, "embedding_cases.jsonl"), encoding="utf-8") as f:
                all_cases = [json.loads(line) for line in f if line.strip()]
            n = min(args.real_cases, len(all_cases))
            ref = np.load(os.path.join(EMB, "all-mpnet-base-v2", "embeddings.npy"))[:n]
            with open(os.path.join(EMB, "all-mpnet-base-v2", "reference.jsonl"), encoding="utf-8") as f:
                ids = [json.loads(line) for line in f if line.strip()][:n]
            cases = [{"id": c["id"], "text": c["text"], "input_ids": r["input_ids"]} for c, r in zip(all_cases[:n], ids)]
            assert all(c["id"] == r["id"] for c, r in zip(all_cases[:n], ids))
            jobs.append(("all-mpnet-base-v2", lambda: args.real_mpnet, cases, ref, "mpnet", "WordPiece"))
        for name, src, cases, ref, model_type, tokenizer_type in jobs:
            try:
                results = check_family(args, name, src(), cases, ref, model_type, tokenizer_type, work)
            except Failure as e:
                failed += 1
                lines.append(f"FAIL {name}: {e}")
                print(lines[-1], flush=True)
                continue
            for direction, d, d_ref, notes in results:
                ok = d <= TOLERANCE and (d_ref is None or d_ref <= TOLERANCE)
                failed += 0 if ok else 1
                ref_text = f", vs fixture reference {d_ref:.2e}" if d_ref is not None else ""
                lines.append(f"{'ok  ' if ok else 'FAIL'} {name:20s} {direction}: {len(cases)} texts, max |Δ| {d:.2e}"
                             f"{ref_text}; {'; '.join(notes)}")
                print(lines[-1], flush=True)
    print(f"{len(lines) - failed} ok, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
