"""Driver of bench/run.sh: runs each engine in its own process (for peak RSS and start-up time) and
prints a comparison. Engines: mlpack (release `mlpack-bench`) in Float32 and int8, sentence-transformers
on torch, and ONNX Runtime on the same BERT exported to ONNX three ways: as exported, fused by
`onnxruntime.transformers.optimizer` (model_type bert), and that fused graph quantized by
`quantize_dynamic` (int8, per channel). ONNX Runtime tokenizes with HF `tokenizers` and pools (mean,
L2 normalization) in numpy, as sentence-transformers does. Each engine's embeddings of the 300
fixture texts are compared with sentence-transformers' (quality), and `mlpack predict` is timed end
to end on the 2,000 sentences with default flags.

Any sentence-transformers directory of mean pooling + Normalize (all-MiniLM-L6-v2 by default in
run.sh, all-mpnet-base-v2 with `run.sh --model-name all-mpnet-base-v2`): the ONNX graph takes
token_type_ids only when the model's forward does (not MPNet, DistilBERT), ONNX Runtime tokenizes
with the model's max_seq_length and pad token, and the exported graphs and mlpack's saved model are
cached per model (bench/.cache/<model name>/)."""
import argparse
import json
import os
import platform
import re
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


def max_seq_length_of(model_dir):
    """sentence-transformers' truncation length: sentence_bert_config.json max_seq_length, else
    tokenizer_config.json model_max_length (capped by the position table like the model's)."""
    for name, key in (("sentence_bert_config.json", "max_seq_length"), ("tokenizer_config.json", "model_max_length")):
        path = os.path.join(model_dir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                value = json.load(f).get(key)
            if isinstance(value, int) and 1 <= value <= 1 << 20:
                return value
    raise SystemExit(f"{model_dir}: no max_seq_length in sentence_bert_config.json or tokenizer_config.json")


def pad_token_of(model_dir, tok):
    """The pad token (tokenizer_config.json pad_token) and its id: RoBERTa-style models pad with
    <pad> = 1, not 0."""
    path = os.path.join(model_dir, "tokenizer_config.json")
    token = "[PAD]"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            value = json.load(f).get("pad_token", token)
        token = value.get("content", token) if isinstance(value, dict) else value
    pad_id = tok.token_to_id(token)
    if pad_id is None:
        raise SystemExit(f"{model_dir}: pad token {token!r} is not in tokenizer.json")
    return token, pad_id


def child_onnx(a):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tok.enable_truncation(max_seq_length_of(a.model))
    pad_token, pad_id = pad_token_of(a.model, tok)
    tok.enable_padding(pad_id=pad_id, pad_token=pad_token)
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(a.onnx, so, providers=["CPUExecutionProvider"])
    with_token_types = "token_type_ids" in {i.name for i in sess.get_inputs()}

    def encode(texts, b):
        out = []
        for i in range(0, len(texts), b):
            enc = tok.encode_batch(texts[i:i + b])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if with_token_types:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = sess.run(None, feed)[0]
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
    # Latency: warm-up calls first (the throughput runs before leave caches and thread pools in
    # another state), then the median of many calls: 100 for the short sentence, 30 for the long.
    for name, text, warm, reps in (("latency_short", SHORT, 10, 100), ("latency_long", long_text, 3, 30)):
        for _ in range(warm):
            encode([text], 1)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            encode([text], 1)
            times.append(time.perf_counter() - t)
        times.sort()
        res[name] = {"median_ms": times[len(times) // 2] * 1000, "min_ms": times[0] * 1000}
    if a.cases:
        import numpy as np
        with open(a.cases, encoding="utf-8") as f:
            texts = json.load(f)
        np.save(a.embed_out, np.asarray(encode(texts, 32), dtype=np.float32))
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
    """The encoder's last hidden state as ONNX, with token_type_ids as an input only when the model's
    forward takes them (MPNet and DistilBERT have none)."""
    import inspect

    import torch
    from transformers import AutoModel
    bert = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    with_token_types = "token_type_ids" in inspect.signature(bert.forward).parameters

    class Wrapper(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, *token_type_ids):
            extra = {"token_type_ids": token_type_ids[0]} if token_type_ids else {}
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    m = Wrapper(bert)
    ids = torch.full((2, 16), 5, dtype=torch.long)
    inputs = (ids, torch.ones_like(ids)) + ((torch.zeros_like(ids),) if with_token_types else ())
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if with_token_types else [])
    with torch.no_grad():
        torch.onnx.export(
            m, inputs, path, input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]},
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


def optimize_onnx(model_dir, src, fused, quantized):
    """The fused fp32 graph (onnxruntime.transformers.optimizer, model_type bert: its BERT fusions are
    the ones for every encoder here, MPNet included) and its dynamic int8 quantization (per channel),
    as ONNX Runtime's own BERT recipe makes them. Heads and width from the model's config."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig
    cfg = AutoConfig.from_pretrained(model_dir)
    opt = optimize_model(src, model_type="bert", num_heads=cfg.num_attention_heads, hidden_size=cfg.hidden_size,
                         opt_level=1)
    opt.save_model_to_file(fused)
    import onnx
    # The fused graph's contrib operators have no shape inference: their outputs are Float32.
    quantize_dynamic(fused, quantized, per_channel=True, weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def machine():
    """CPU model, the ISA extensions that matter to the kernels, and the kernel's view of cores."""
    model, flags = platform.processor() or "?", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model in ("?", "", "x86_64"):
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    wanted = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8"]
    return model, [f for f in wanted if f in flags], os.cpu_count()


def cosines(reference, embeddings):
    import numpy as np
    a = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    b = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-30)
    c = (a * b).sum(1)
    return float(c.min()), float(c.mean())


def predict_end_to_end(mlpack, model_dir, sentences, work, precision):
    """`mlpack predict` of the sentences, default flags (all cores), process start to exit, best of 3."""
    saved = os.path.join(work, "embedder")
    if not os.path.exists(saved):
        subprocess.run([mlpack, "save", "--flavor", "sentence_transformers", "--source", model_dir, "-o", saved],
                       check=True, stdout=subprocess.DEVNULL)
    body = os.path.join(work, "predict-input.json")
    with open(body, "w", encoding="utf-8") as f:
        json.dump({"inputs": sentences}, f)
    extra = [] if precision == "fp32" else ["--precision", precision]
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        p = subprocess.run([mlpack, "predict", "-m", saved, "-i", body, "-o", os.path.join(work, "predict-out.json")] + extra,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t
        if p.returncode != 0:
            raise SystemExit(f"mlpack predict failed: {p.stderr[-500:]}")
        best = min(best, dt)
    with open(os.path.join(work, "predict-out.json"), encoding="utf-8") as f:
        out = json.load(f)
    rows = out["predictions"] if isinstance(out, dict) else out
    if len(rows) != len(sentences):
        raise SystemExit(f"mlpack predict returned {len(rows)} rows for {len(sentences)} sentences")
    return best


def serve_latency(mlpack, work, precision, requests=200):
    """p50 / p99 (ms) of one short sentence through `mlpack serve` (HTTP on loopback included), one
    request at a time from one keep-alive client, after 20 warm-up requests."""
    import http.client
    saved = os.path.join(work, "embedder")
    extra = [] if precision == "fp32" else ["--precision", precision]
    p = subprocess.Popen([mlpack, "serve", "-m", saved, "--port", "0"] + extra, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    try:
        port = None
        while port is None:
            line = p.stderr.readline()
            if not line:
                raise SystemExit("mlpack serve exited before listening")
            m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
        # Keep draining its log so a full pipe never stalls it.
        import threading
        threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        body = json.dumps({"inputs": [SHORT]})
        times = []
        for i in range(requests + 20):
            t = time.perf_counter()
            conn.request("POST", "/invocations", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"mlpack serve answered {r.status}")
            if i >= 20:
                times.append(time.perf_counter() - t)
        times.sort()
        return times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--model-name", help="names the per-model cache (default: the model directory's name)")
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--mlpack-bench")
    ap.add_argument("--mlpack")
    ap.add_argument("--cases")
    ap.add_argument("--reference")
    ap.add_argument("--embed-out")
    ap.add_argument("--engine", choices=["torch", "onnx"])
    ap.add_argument("--onnx")
    ap.add_argument("--long-text")
    ap.add_argument("--first")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--export-onnx")
    ap.add_argument("--optimize-onnx", nargs=3)
    a = ap.parse_args()
    if a.export_onnx:
        return export_onnx(a.model, a.export_onnx)
    if a.optimize_onnx:
        return optimize_onnx(a.model, *a.optimize_onnx)
    if a.engine == "torch":
        return child_torch(a)
    if a.engine == "onnx":
        return child_onnx(a)

    import numpy as np
    count = 400 if a.quick else 2000
    model_name = a.model_name or os.path.basename(os.path.normpath(a.model))
    if not re.fullmatch(r"[A-Za-z0-9._-]+", model_name):
        raise SystemExit(f"--model-name {model_name!r}: letters, digits, '.', '_' and '-' only")
    work = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache", model_name)
    os.makedirs(work, exist_ok=True)
    onnx_plain = os.path.join(work, f"{model_name}.onnx")
    onnx_fused = os.path.join(work, f"{model_name}.fused.onnx")
    onnx_int8 = os.path.join(work, f"{model_name}.fused.int8.onnx")
    me0 = [sys.executable, os.path.abspath(__file__), "--model", a.model, "--sentences", a.sentences]
    if not os.path.exists(onnx_plain):  # in a child, so this process stays small
        subprocess.run(me0 + ["--export-onnx", onnx_plain], check=True)
    if not os.path.exists(onnx_int8):
        subprocess.run(me0 + ["--optimize-onnx", onnx_plain, onnx_fused, onnx_int8], check=True)
    with open(a.sentences, encoding="utf-8") as f:
        sentences = [l for l in f.read().split("\n") if l][:count]
    sentences_file = os.path.join(work, f"sentences-{count}.txt")
    with open(sentences_file, "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    long_file = os.path.join(work, "long.txt")
    with open(long_file, "w", encoding="utf-8") as f:
        f.write(long_text_of(a.model, sentences) + "\n")
    cases_file = os.path.join(work, "cases.json")
    with open(a.cases, encoding="utf-8") as f:
        texts = [json.loads(l)["text"] for l in f if l.strip()]
    with open(cases_file, "w", encoding="utf-8") as f:
        json.dump(texts, f)
    reference = np.load(a.reference)

    load_before = os.getloadavg()
    me = me0[:3] + [a.model, "--sentences", sentences_file, "--long-text", long_file, "--count", str(count),
                    "--cases", cases_file]
    engines = {  # name: (command, first-embedding command, embeddings of the cases)
        "mlpack fp32": [a.mlpack_bench, "run", a.model, sentences_file, long_file, str(THREADS), ",".join(map(str, BATCHES)),
                        "automatic", "fp32"],
        "mlpack int8": [a.mlpack_bench, "run", a.model, sentences_file, long_file, str(THREADS), ",".join(map(str, BATCHES)),
                        "automatic", "int8"],
        "torch": me + ["--engine", "torch"],
        "ort": me + ["--engine", "onnx", "--onnx", onnx_plain],
        "ort fused": me + ["--engine", "onnx", "--onnx", onnx_fused],
        "ort int8": me + ["--engine", "onnx", "--onnx", onnx_int8],
    }
    results, quality = {}, {}
    for name, cmd in engines.items():
        out = os.path.join(work, f"emb-{name.replace(' ', '-')}.npy")
        if name.startswith("mlpack"):
            results[name] = run_child(cmd)
            precision = name.split()[1]
            raw = os.path.join(work, "emb.f32")
            subprocess.run([a.mlpack_bench, "embed", a.model, cases_file, precision, raw], check=True, stdout=subprocess.DEVNULL)
            emb = np.fromfile(raw, dtype="<f4").reshape(len(texts), -1)
            results[name]["first_s"] = time_to_first([a.mlpack_bench, "first", a.model, SHORT, precision])
        else:
            results[name] = run_child(cmd + ["--embed-out", out])
            emb = np.load(out)
            results[name]["first_s"] = time_to_first(cmd + ["--first", SHORT])
        quality[name] = cosines(reference, emb)
    e2e, served = {}, {}
    if a.mlpack:
        for precision in ("fp32", "int8"):
            e2e[precision] = predict_end_to_end(a.mlpack, a.model, sentences, work, precision)
            served[precision] = serve_latency(a.mlpack, work, precision)
    load_after = os.getloadavg()

    cpu, isa, cores = machine()
    m = results["mlpack fp32"]
    print(f"\nmodel: {model_name} ({a.model})")
    print(f"machine: {cpu}; ISA {' '.join(isa)}; {cores} CPUs; OpenBLAS core {m['blas_core']}; "
          f"Float32 kernel {m['f32_kernel']}; int8 kernel {results['mlpack int8']['int8_kernel']}")
    print(f"{count} sentences, {m['tokens']} tokens, {m['matmul_gflop']:.1f} GFLOP of matmuls; {THREADS} threads; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    names = list(engines)
    print("\nthroughput, sentences/s")
    print(f"{'batch':>6} " + " ".join(f"{n:>12}" for n in names))
    for b in map(str, BATCHES):
        print(f"{b:>6} " + " ".join(f"{results[n]['throughput'][b]['sentences_per_s']:12.1f}" for n in names))
    print("\nsingle-sentence latency, median ms")
    for key, label in (("latency_short", f"short ({m['latency_short']['tokens']:.0f} tokens)"),
                       ("latency_long", f"long ({m['latency_long']['tokens']:.0f} tokens)")):
        print(f"  {label:20} " + "  ".join(f"{n} {results[n][key]['median_ms']:.2f}" for n in names))
    for p, (p50, p99) in served.items():
        print(f"  through mlpack serve ({p}, HTTP on loopback, one request at a time): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print("\none sequence of M tokens: median ms (GFLOP/s of its matmuls)")
    for n in ("mlpack fp32", "mlpack int8"):
        r = results[n]["single_sequence"]
        print(f"  {n:12} " + "  ".join(f"M={k}: {v['median_ms']:.2f} ms ({v['gflops']:.1f})"
                                         for k, v in sorted(r.items(), key=lambda kv: int(kv[0]))))
    print("\nquality: cosine with sentence-transformers over the 300 fixture texts (min / mean); peak RSS; start to first embedding")
    for n in names:
        print(f"  {n:12} {quality[n][0]:.5f} / {quality[n][1]:.5f}   {results[n]['peak_rss_mb']:7.1f} MB   {results[n]['first_s']:.3f} s")
    if e2e:
        st32 = results["torch"]["throughput"]["32"]["sentences_per_s"]
        for p, t in e2e.items():
            print(f"\nmlpack predict, {count} sentences, default flags{'' if p == 'fp32' else ' --precision ' + p}: "
                  f"{t:.2f} s = {count / t:.1f} sentences/s end to end = {count / t / st32:.2f}x sentence-transformers encode(batch_size=32)")

    def ratio(x, y, b):
        return results[x]["throughput"][b]["sentences_per_s"] / results[y]["throughput"][b]["sentences_per_s"]

    def lat(x, y, key="latency_short"):
        return results[x][key]["median_ms"] / results[y][key]["median_ms"]

    print("\ntargets (ratio, target, met)")
    rows = [
        ("fp32 batch 1 vs ORT fused fp32", ratio("mlpack fp32", "ort fused", "1"), 1.2, True),
        ("fp32 batch 32 vs ORT fused fp32", ratio("mlpack fp32", "ort fused", "32"), 1.3, True),
        ("fp32 short p50 / ORT fused fp32", lat("mlpack fp32", "ort fused"), 0.8, False),
        ("int8 batch 32 vs ORT int8", ratio("mlpack int8", "ort int8", "32"), 1.2, True),
        ("int8 short p50 / ORT int8", lat("mlpack int8", "ort int8"), 1.0, False),
    ]
    if served:
        rows.append(("fp32 serve p50 / ORT fused in-process", served["fp32"][0] / results["ort fused"]["latency_short"]["median_ms"], 1.0, False))
        rows.append(("int8 serve p50 / ORT int8 in-process", served["int8"][0] / results["ort int8"]["latency_short"]["median_ms"], 1.0, False))
    if e2e:
        rows.append(("predict 2,000 vs ST encode(32)", count / e2e["fp32"] / results["torch"]["throughput"]["32"]["sentences_per_s"], 1.5, True))
    rows.append(("int8 peak RSS / fp32", results["mlpack int8"]["peak_rss_mb"] / m["peak_rss_mb"], 1.0, False))
    for label, v, target, higher in rows:
        ok = v >= target if higher else v <= target
        print(f"  {label:34} {v:6.2f}  {'>=' if higher else '<='} {target}  {'yes' if ok else 'NO'}")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({"model": model_name, "results": results, "quality": quality, "predict_seconds": e2e, "serve_ms": served,
                   "machine": {"cpu": cpu, "isa": isa, "cpus": cores}}, f, indent=1)


if __name__ == "__main__":
    main()
