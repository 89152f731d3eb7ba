"""Driver of bench/run.sh: runs each engine in its own process (for peak RSS and start-up time) and
prints a comparison. Engines: mlpack (release `mlpack-bench`), sentence-transformers on torch, and
ONNX Runtime on the same BERT exported to ONNX (tokenized with HF `tokenizers`, mean pooling and
L2 normalization in numpy, as sentence-transformers does)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

THREADS = 2
BATCHES = [1, 8, 32, 128]
SHORT = "The cat sits on the mat."


def child_torch(a):
    import torch
    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(a.model, device="cpu")
    if a.first:
        model.encode([a.first])
        print("ready", flush=True)
        return
    sentences, long_text = load_inputs(a)
    model.encode(sentences[:64], batch_size=32)
    emit(a, lambda texts, b: model.encode(texts, batch_size=b), sentences, long_text,
         {"torch": torch.__version__, "threads": torch.get_num_threads()})


def child_onnx(a):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tok.enable_truncation(256)
    tok.enable_padding()
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(a.onnx, so, providers=["CPUExecutionProvider"])

    def encode(texts, b):
        out = []
        for i in range(0, len(texts), b):
            enc = tok.encode_batch(texts[i:i + b])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask,
                                     "token_type_ids": np.zeros_like(ids)})[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out)

    if a.first:
        encode([a.first], 1)
        print("ready", flush=True)
        return
    sentences, long_text = load_inputs(a)
    encode(sentences[:64], 32)
    emit(a, encode, sentences, long_text, {"onnxruntime": ort.__version__})


def load_inputs(a):
    with open(a.sentences, encoding="utf-8") as f:
        sentences = [l for l in f.read().split("\n") if l][: a.count]
    with open(a.long_text, encoding="utf-8") as f:
        long_text = f.read().strip("\n")
    return sentences, long_text


def emit(a, encode, sentences, long_text, extra):
    res = {"throughput": {}, **extra}
    for b in BATCHES:
        t = time.perf_counter()
        encode(sentences, b)
        dt = time.perf_counter() - t
        res["throughput"][str(b)] = {"seconds": dt, "sentences_per_s": len(sentences) / dt}
    for name, text in (("latency_short", SHORT), ("latency_long", long_text)):
        times = []
        for _ in range(30):
            t = time.perf_counter()
            encode([text], 1)
            times.append(time.perf_counter() - t)
        times.sort()
        res[name] = {"median_ms": times[len(times) // 2] * 1000, "min_ms": times[0] * 1000}
    res["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(res), flush=True)


def peak_rss_mb():
    """VmHWM of this process (ru_maxrss of a child would include its parent's pre-exec pages)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


def run_child(cmd):
    """Runs cmd and returns its last stdout line parsed as JSON."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed with {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def time_to_first(cmd, runs=3):
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        dt = time.perf_counter() - t
        p.wait()
        if not line.startswith("ready"):
            raise SystemExit(f"{cmd[:3]}: no embedding")
        best = min(best, dt)
    return best


def export_onnx(model_dir, path):
    import torch
    from transformers import AutoModel
    bert = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    m = Wrapper(bert)
    ids = torch.ones(2, 16, dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            m, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
            opset_version=17, dynamo=False)


def long_text_of(model_dir, sentences, target=200):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_truncation()
    words = " ".join(sentences).split(" ")
    lo, hi = 1, len(words)
    while lo < hi:  # fewest words giving >= target tokens
        mid = (lo + hi) // 2
        if len(tok.encode(" ".join(words[:mid])).ids) >= target:
            hi = mid
        else:
            lo = mid + 1
    return " ".join(words[:lo])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--mlpack-bench")
    ap.add_argument("--engine", choices=["torch", "onnx"])
    ap.add_argument("--onnx")
    ap.add_argument("--long-text")
    ap.add_argument("--first")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--export-onnx")
    a = ap.parse_args()
    if a.export_onnx:
        return export_onnx(a.model, a.export_onnx)
    if a.engine == "torch":
        return child_torch(a)
    if a.engine == "onnx":
        return child_onnx(a)

    count = 400 if a.quick else 2000
    work = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache")
    os.makedirs(work, exist_ok=True)
    onnx_path = os.path.join(work, "all-MiniLM-L6-v2.onnx")
    if not os.path.exists(onnx_path):  # in a child, so this process stays small
        subprocess.run([sys.executable, os.path.abspath(__file__), "--model", a.model, "--sentences", a.sentences,
                        "--export-onnx", onnx_path], check=True)
    with open(a.sentences, encoding="utf-8") as f:
        sentences = [l for l in f.read().split("\n") if l][:count]
    sentences_file = os.path.join(work, f"sentences-{count}.txt")
    with open(sentences_file, "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    long_file = os.path.join(work, "long.txt")
    with open(long_file, "w", encoding="utf-8") as f:
        f.write(long_text_of(a.model, sentences) + "\n")

    load_before = os.getloadavg()
    me = [sys.executable, os.path.abspath(__file__), "--model", a.model, "--sentences", sentences_file,
          "--long-text", long_file, "--count", str(count), "--onnx", onnx_path]
    results = {}
    results["mlpack"] = run_child([a.mlpack_bench, "run", a.model, sentences_file, long_file, str(THREADS),
                                   ",".join(map(str, BATCHES)), "automatic"])
    for mode in ["blas", "splitBatch"]:
        results[f"mlpack[{mode}]"] = run_child(
            [a.mlpack_bench, "run", a.model, sentences_file, long_file, str(THREADS), "1,32,128", mode])
    for engine in ["torch", "onnx"]:
        results[engine] = run_child(me + ["--engine", engine])
    results["mlpack"]["first_s"] = time_to_first([a.mlpack_bench, "first", a.model, SHORT])
    for engine in ["torch", "onnx"]:
        results[engine]["first_s"] = time_to_first(me + ["--engine", engine, "--first", SHORT])
    load_after = os.getloadavg()

    m, t, o = results["mlpack"], results["torch"], results["onnx"]
    print(f"\n{count} sentences, {m['tokens']} tokens, {m['matmul_gflop']:.1f} GFLOP of matmuls; "
          f"{THREADS} threads; OpenBLAS core {m['blas_core']}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("\nthroughput, sentences/s")
    print(f"{'batch':>6} {'mlpack':>9} {'torch':>9} {'onnxrt':>9} {'vs torch':>9} {'vs ort':>8} {'mlpack GFLOP/s':>15}")
    for b in map(str, BATCHES):
        ms, ts, os_ = (r["throughput"][b]["sentences_per_s"] for r in (m, t, o))
        print(f"{b:>6} {ms:9.1f} {ts:9.1f} {os_:9.1f} {ms / ts:8.2f}x {ms / os_:7.2f}x {m['throughput'][b]['gflops']:15.1f}")
    for mode in ["blas", "splitBatch"]:
        r = results[f"mlpack[{mode}]"]["throughput"]
        print(f"  mlpack threading={mode}: " + ", ".join(f"batch {b}: {r[b]['sentences_per_s']:.1f}/s" for b in r))
    print("\nsingle-sentence latency, median ms (min)")
    for name, label in (("latency_short", f"short ({m['latency_short']['tokens']:.0f} tokens)"),
                        ("latency_long", f"long ({m['latency_long']['tokens']:.0f} tokens)")):
        print(f"  {label:22} mlpack {m[name]['median_ms']:8.2f} ({m[name]['min_ms']:.2f})  torch {t[name]['median_ms']:8.2f}"
              f"  onnxrt {o[name]['median_ms']:8.2f}  mlpack/onnxrt {m[name]['median_ms'] / o[name]['median_ms']:.2f}")
    print("\npeak RSS (MB), time from process start to first embedding (s, best of 3)")
    for k in ("mlpack", "torch", "onnx"):
        print(f"  {k:7} {results[k]['peak_rss_mb']:8.1f} MB   {results[k]['first_s']:.3f} s")
    ceilings = m["sgemm_gflops_by_m"]
    tokens32 = sorted(ceilings, key=int)[1]
    frac = m["throughput"]["32"]["gflops"] / ceilings[tokens32]
    print(f"\nsgemm ceiling (OpenBLAS, {THREADS} threads, the model's linear shapes) by M: "
          + ", ".join(f"M={k}: {v:.1f} GFLOP/s" for k, v in sorted(ceilings.items(), key=lambda kv: int(kv[0]))))
    print(f"batch 32: mlpack reaches {m['throughput']['32']['gflops']:.1f} GFLOP/s = {frac:.0%} of the M={tokens32} ceiling")
    print("\ntargets: batch 32 >= 1.5x torch: %s; >= 1.3x onnxrt: %s; short latency <= 0.6x onnxrt: %s; >= 75%% of sgemm: %s" % (
        m["throughput"]["32"]["sentences_per_s"] >= 1.5 * t["throughput"]["32"]["sentences_per_s"],
        m["throughput"]["32"]["sentences_per_s"] >= 1.3 * o["throughput"]["32"]["sentences_per_s"],
        m["latency_short"]["median_ms"] <= 0.6 * o["latency_short"]["median_ms"], frac >= 0.75))
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
