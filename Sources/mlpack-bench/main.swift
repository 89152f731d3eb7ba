// mlpack-bench: times mlpack's sentence encoder for bench/run.sh (not part of the mlpack CLI).
//
//   mlpack-bench first MODEL_DIR TEXT [PRECISION]
//       load the model, embed TEXT, print "ready <dimension>" (the script times process start → line)
//   mlpack-bench run MODEL_DIR SENTENCES_FILE LONG_TEXT_FILE THREADS BATCHES THREADING [PRECISION]
//       print one JSON object: throughput per batch size, single-sentence latencies, sgemm ceilings
//       (PRECISION: fp32, the default, or int8)
//   mlpack-bench embed MODEL_DIR TEXTS_JSON PRECISION OUT
//       embed the texts of a JSON array (2 threads, batch 32), write them to OUT as little-endian
//       Float32 rows (for the quality comparison of bench/run.sh)
//   mlpack-bench gemm
//       one thread: GFLOP/s of OpenBLAS sgemm (weights transposed, as the encoder calls it) and of
//       mlpack's Float32 kernel on packed weights, for MiniLM's linear shapes at M = 9 … 2048
//   mlpack-bench concurrency MODEL_DIR SENTENCES_FILE [N] [REPEATS]
//       machine and OpenBLAS kernel; wall time of one encode of the first N sentences (default 256)
//       on a 1-thread model vs two concurrent encodes of them from two threads (same model object),
//       and the ratio (about 1 on 2 cores when encodes overlap, 2 when they are serialised); then
//       sentences/s at batch 1, 8, 32 with 1 and 2 threads per call. Best and median of REPEATS (3).
//   mlpack-bench lengths MODEL_DIR
//       median latency of one sentence of 8…256 tokens on 1 and 2 threads, each plan (`blas`: one
//       pass sharing its products; the automatic plan's thresholds come from this table)
import Foundation
import MLPackBERT
import Synchronization
import MLPackBLAS
import MLPackGEMM

// The kernels `mlpack` itself runs (KernelDispatch), so the figures are the CLI's.
KernelDispatch.reexecWithBetterKernelsIfNeeded()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func precision(_ name: String?) -> BERTModel.Precision {
    guard let name else { return .fp32 }
    guard let p = BERTModel.Precision(rawValue: name) else { fail("precision: fp32|int8, found \(name)") }
    return p
}

let args = CommandLine.arguments
guard args.count >= 3 || ["gemm", "team"].contains(args.dropFirst().first) else {
    fail("usage: mlpack-bench first MODEL TEXT | run MODEL SENTENCES LONGTEXT THREADS BATCHES THREADING"
        + " | concurrency MODEL SENTENCES [N] [REPEATS] | lengths MODEL")
}
let clock = ContinuousClock()

do {
    switch args[1] {
    case "first" where args.count == 4 || args.count == 5:
        let model = try SentenceTransformer.load(
            directory: URL(fileURLWithPath: args[2]), threads: 2, precision: precision(args.count == 5 ? args[4] : nil))
        let e = try model.encode([args[3]])
        print("ready \(e.dimension)")
    case "run" where args.count == 8 || args.count == 9:
        let threads = Int(args[5]) ?? 2
        guard let threading = SentenceTransformer.Threading(rawValue: args[7]) else { fail("threading: automatic|blas|splitBatch") }
        let model = try SentenceTransformer.load(
            directory: URL(fileURLWithPath: args[2]), threads: threads, threading: threading,
            precision: precision(args.count == 9 ? args[8] : nil))
        let sentences = try String(contentsOfFile: args[3], encoding: .utf8).split(separator: "\n").map(String.init)
        let long = try String(contentsOfFile: args[4], encoding: .utf8).trimmingCharacters(in: .newlines)
        let batches = args[6].split(separator: ",").compactMap { Int($0) }
        let c = model.encoder.configuration
        let d = Double(c.hiddenSize), f = Double(c.intermediateSize), L = Double(c.numLayers)
        let lengths = try model.tokenize(sentences).map(\.count)
        // Matmul FLOPs of one sequence of n tokens (fixtures/embeddings/README.md §4).
        func flops(_ n: Int) -> Double { Double(n) * L * (8 * d * d + 4 * d * f + 4 * Double(n) * d) }
        let totalFlops = lengths.map(flops).reduce(0, +)
        _ = try model.encode(Array(sentences.prefix(64)), batchSize: 32)  // warm-up
        var result: [String: Any] = [
            "sentences": sentences.count, "tokens": lengths.reduce(0, +), "matmul_gflop": totalFlops / 1e9,
            "threads": threads, "threading": threading.rawValue, "blas_core": BLAS.coreName,
            "precision": model.precision.rawValue, "int8_kernel": model.encoder.int8Kernel?.name ?? "none",
            "f32_kernel": model.encoder.f32Kernel.name,
        ]
        var throughput: [String: Any] = [:]
        for b in batches {
            let start = clock.now
            _ = try model.encode(sentences, batchSize: b)
            let t = seconds(clock.now - start)
            throughput[String(b)] = ["seconds": t, "sentences_per_s": Double(sentences.count) / t,
                                     "gflops": totalFlops / t / 1e9]
        }
        result["throughput"] = throughput
        // Latency as bench.py measures every engine: warm-up calls, then the median of many calls
        // (100 for a short text, 30 for a long one).
        func latency(_ text: String) throws -> [String: Double] {
            let short = try model.tokenize([text])[0].count <= 32
            for _ in 0..<(short ? 10 : 3) { _ = try model.encode([text]) }
            var times: [Double] = []
            for _ in 0..<(short ? 100 : 30) {
                let start = clock.now
                _ = try model.encode([text])
                times.append(seconds(clock.now - start))
            }
            times.sort()
            return ["median_ms": times[times.count / 2] * 1000, "min_ms": times[0] * 1000,
                    "tokens": Double(try model.tokenize([text])[0].count)]
        }
        result["latency_short"] = try latency("The cat sits on the mat.")
        result["latency_long"] = try latency(long)
        // One sequence of M tokens: where small-M overheads show (GFLOP/s of its matmuls).
        var single: [String: Any] = [:]
        for m in [9, 16, 32, 128] {
            let text = Array(repeating: "word", count: m - 2).joined(separator: " ")
            let measured = try latency(text)
            let tokens = Int(measured["tokens"]!)
            single[String(m)] = [
                "tokens": tokens, "median_ms": measured["median_ms"]!,
                "gflops": flops(tokens) / (measured["median_ms"]! / 1000) / 1e9,
            ]
        }
        result["single_sequence"] = single
        // The sgemm ceiling: OpenBLAS on `threads` threads for the model's four linear-layer shapes
        // at M = the tokens of a typical batch of 32, weighted by their share of the FLOPs.
        let meanLength = Double(lengths.reduce(0, +)) / Double(lengths.count)
        var ceilings: [String: Any] = [:]
        for m in [Int(meanLength), Int(meanLength * 32), Int(meanLength * 128)] {
            BLAS.threadCount = threads
            let shapes = [(3 * c.hiddenSize, c.hiddenSize), (c.hiddenSize, c.hiddenSize),
                          (c.intermediateSize, c.hiddenSize), (c.hiddenSize, c.intermediateSize)]
            var totalTime = 0.0, total = 0.0
            for (n, k) in shapes {
                let a = [Float](repeating: 0.01, count: m * k)
                let w = [Float](repeating: 0.02, count: n * k)
                var out = [Float](repeating: 0, count: m * n)
                let reps = max(3, Int(2e9 / Double(2 * m * n * k)))
                BLAS.sgemm(m: m, n: n, k: k, a: a, b: w, transposeB: true, c: &out)
                var best = Double.infinity
                for _ in 0..<3 {
                    let start = clock.now
                    for _ in 0..<reps { BLAS.sgemm(m: m, n: n, k: k, a: a, b: w, transposeB: true, c: &out) }
                    best = min(best, seconds(clock.now - start) / Double(reps))
                }
                totalTime += best
                total += Double(2 * m * n * k)
            }
            ceilings[String(m)] = total / totalTime / 1e9
        }
        result["sgemm_gflops_by_m"] = ceilings
        // Peak resident set of this process (VmHWM; ru_maxrss would include the parent's pre-exec pages).
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        {
            result["peak_rss_mb"] = kb / 1024
        }
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    case "gemm":
        BLAS.threadCount = 1
        print("one thread; OpenBLAS core \(BLAS.coreName); packed kernel \(F32Kernel.best.name)")
        for (n, k) in [(1152, 384), (384, 384), (1536, 384), (384, 1536)] {
            let w = (0..<(n * k)).map { Float(($0 * 7919) % 1000) * 1e-4 - 0.05 }
            let packed = PackedWeights(packing: w, n: n, k: k)
            var line = "n \(n) k \(k):"
            for m in [9, 16, 32, 64, 128, 256, 512, 2048] {
                let a = (0..<(m * k)).map { Float(($0 * 104729) % 997) * 1e-3 - 0.5 }
                var c1 = [Float](repeating: 0, count: m * n)
                var c2 = c1
                let reps = max(3, Int(3e8 / Double(2 * m * n * k)))
                func time(_ body: () -> Void) -> Double {
                    body()
                    var best = Double.infinity
                    for _ in 0..<3 {
                        let start = clock.now
                        for _ in 0..<reps { body() }
                        best = min(best, seconds(clock.now - start) / Double(reps))
                    }
                    return Double(2 * m * n * k) / best / 1e9
                }
                let blas = time { BLAS.sgemm(m: m, n: n, k: k, a: a, b: w, transposeB: true, c: &c1) }
                let mine = time {
                    F32GEMM.multiply(a, rows: m, lda: k, weights: packed, columns: 0..<n, into: &c2, ldc: n, kernel: .best)
                }
                let diff = zip(c1, c2).map { abs($0 - $1) }.max()!
                line += String(format: "  M=%d %.1f/%.1f", m, blas, mine) + (diff > 1e-3 ? " DIFF \(diff)" : "")
            }
            print(line)
        }
        // As in a forward pass: the weights of six layers in turn (42 MB, MiniLM's four shapes), so
        // each product reads its weights from L3 or memory, not from L2.
        print("six layers' weights in turn (the encoder's access pattern), packed kernel GFLOP/s:")
        let shapes = [(1152, 384), (384, 384), (1536, 384), (384, 1536)]
        let layers = (0..<6).map { l in
            shapes.map { n, k in PackedWeights(packing: (0..<(n * k)).map { Float(($0 * 7919 + l) % 1000) * 1e-4 - 0.05 }, n: n, k: k) }
        }
        for m in [9, 32, 240, 480] {
            let a = (0..<(m * 1536)).map { Float(($0 * 104729) % 997) * 1e-3 - 0.5 }
            var c = [Float](repeating: 0, count: m * 1536)
            var flop = 0.0
            func pass() {
                for layer in layers {
                    for w in layer {
                        F32GEMM.multiply(a, rows: m, lda: w.k, weights: w, columns: 0..<w.n, into: &c, ldc: w.n, kernel: .best)
                    }
                }
            }
            for (n, k) in shapes { flop += 6 * Double(2 * m * n * k) }
            pass()
            var best = Double.infinity
            for _ in 0..<5 {
                let start = clock.now
                pass()
                best = min(best, seconds(clock.now - start))
            }
            print(String(format: "  M=%d: %.1f GFLOP/s (%.2f ms per pass)", m, flop / best / 1e9, best * 1000))
        }
    case "embed" where args.count == 6:
        let model = try SentenceTransformer.load(directory: URL(fileURLWithPath: args[2]), threads: 2, precision: precision(args[4]))
        guard let texts = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: args[3]))) as? [String]
        else { fail("\(args[3]): expected a JSON array of strings") }
        let e = try model.encode(texts, batchSize: 32)
        var bytes = Data(capacity: texts.count * e.dimension * 4)
        for i in 0..<texts.count {
            for v in e[i] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        try bytes.write(to: URL(fileURLWithPath: args[5]))
        print(e.dimension)
    case "concurrency" where args.count <= 6:
        try concurrency(
            model: URL(fileURLWithPath: args[2]), sentencesFile: args[3],
            count: args.count > 4 ? Int(args[4]) ?? 256 : 256, repeats: args.count > 5 ? Int(args[5]) ?? 3 : 3)
    case "lengths":
        try lengths(model: URL(fileURLWithPath: args[2]))
    case "team":
        team()
    default:
        fail("unknown command \(args[1])")
    }
} catch {
    fail("mlpack-bench: \(error)")
}

/// CPU model, ISA flags and load: what a figure needs next to it on a shared machine.
func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let lines = cpuinfo.split(separator: "\n")
    func field(_ name: String) -> String {
        guard let line = lines.first(where: { $0.hasPrefix(name) }), let colon = line.firstIndex(of: ":") else { return "?" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let flags = Set(field("flags").split(separator: " ").map(String.init))
    let isa = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"].filter { flags.contains($0) }
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
    return "cpu: \(field("model name")) × \(ProcessInfo.processInfo.activeProcessorCount), isa: \(isa.joined(separator: " "))"
        + ", openblas core: \(BLAS.coreName), load average: \(load.joined(separator: " "))"
}

/// Runs `body(0..<n)` on `n` fresh threads started together; returns the wall time until all end.
func wallTime(threads n: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws -> Double {
    let done = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let failure = Mutex<String?>(nil)
    for i in 0..<n {
        let t = Thread {
            go.wait()
            do { try body(i) } catch { failure.withLock { $0 = "\(error)" } }
            done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
    }
    let start = ContinuousClock.now
    for _ in 0..<n { go.signal() }
    for _ in 0..<n { done.wait() }
    let t = seconds(ContinuousClock.now - start)
    if let message = failure.withLock({ $0 }) { fail("mlpack-bench: \(message)") }
    return t
}

func concurrency(model url: URL, sentencesFile: String, count: Int, repeats: Int) throws {
    let all = try String(contentsOfFile: sentencesFile, encoding: .utf8).split(separator: "\n").map(String.init)
    let sentences = Array(all.prefix(count))
    let one = try SentenceTransformer.load(directory: url, threads: 1)
    let two = try SentenceTransformer.load(directory: url, threads: 2)
    print(machineDescription())
    let tokens = try one.tokenize(sentences).map(\.count).reduce(0, +)
    print("sentences: \(sentences.count) (\(tokens) tokens), repeats: \(repeats) (best / median)")
    _ = try one.encode(Array(sentences.prefix(64)))  // warm-up
    _ = try two.encode(Array(sentences.prefix(64)))
    func stats(_ times: [Double]) -> (best: Double, median: Double) {
        let s = times.sorted()
        return (s[0], s[s.count / 2])
    }
    func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
    for (label, model) in [("threads 1 per call", one), ("threads 2 per call", two)] {
        var single: [Double] = []
        var pair: [Double] = []
        for _ in 0..<repeats {
            single.append(try wallTime(threads: 1) { _ in _ = try model.encode(sentences, batchSize: 32) })
            pair.append(try wallTime(threads: 2) { _ in _ = try model.encode(sentences, batchSize: 32) })
        }
        let (s, p) = (stats(single), stats(pair))
        print("concurrency, \(label), batch 32: one encode \(fmt(s.best)) / \(fmt(s.median)) s, two concurrent encodes "
            + "\(fmt(p.best)) / \(fmt(p.median)) s, ratio \(String(format: "%.2f", p.best / s.best)) / "
            + "\(String(format: "%.2f", p.median / s.median))")
    }
    for (threads, model) in [(1, one), (2, two)] {
        var parts: [String] = []
        for batch in [1, 8, 32] {
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                _ = try model.encode(sentences, batchSize: batch)
                times.append(seconds(ContinuousClock.now - start))
            }
            let (best, median) = stats(times)
            parts.append("batch \(batch): \(String(format: "%.0f", Double(sentences.count) / best)) / "
                + "\(String(format: "%.0f", Double(sentences.count) / median))")
        }
        print("sentences/s, threads \(threads) (best / median): " + parts.joined(separator: ", "))
    }
}

func lengths(model url: URL) throws {
    // `blas` plan: one pass, products shared among the threads (no per-call `threads:`, so that
    // this mode also builds against the encoder before that parameter existed).
    let models = try [1, 2].map { try SentenceTransformer.load(directory: url, threads: $0, threading: .blas) }
    let shared = models[1]
    print(machineDescription())
    print("median wall / process CPU time per encode (CPU ≈ wall × threads when the cores are free)")
    for n in [8, 16, 24, 32, 48, 64, 96, 128, 256] {
        // n tokens: [CLS] + (n - 2) words + [SEP].
        let text = Array(repeating: "word", count: n - 2).joined(separator: " ")
        guard try shared.tokenize([text])[0].count == n else { fail("lengths: \(n) tokens expected") }
        var medians: [(wall: Double, cpu: Double)] = []
        for model in models {
            var times: [(wall: Double, cpu: Double)] = []
            let reps = max(5, 2000 / n)
            for _ in 0..<reps {
                let (start, cpu) = (ContinuousClock.now, processCPUTime())
                _ = try model.encode([text])
                times.append((seconds(ContinuousClock.now - start), processCPUTime() - cpu))
            }
            times.sort { $0.wall < $1.wall }
            medians.append(times[times.count / 2])
        }
        print(String(format: "%4d tokens: 1 thread %.2f / %.2f ms, 2 threads (shared pass) %.2f / %.2f ms, speed-up %.2f",
                     n, medians[0].wall * 1000, medians[0].cpu * 1000, medians[1].wall * 1000, medians[1].cpu * 1000,
                     medians[0].wall / medians[1].wall))
    }
}

/// CPU time of the process so far (all threads), seconds.
func processCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The cost of one parallel region of a 2-thread ``ThreadTeam`` (empty parts, and parts of 20 µs of
/// arithmetic), wall and process CPU time, against `DispatchQueue.concurrentPerform`.
func team() {
    print(machineDescription())
    @Sendable func spin(_ microseconds: Double) {
        let end = ContinuousClock.now + .nanoseconds(Int(microseconds * 1000))
        while ContinuousClock.now < end {}
    }
    for work in [0.0, 20.0] {
        for engine in ["team", "concurrentPerform"] {
            let regions = 20_000
            let (start, cpu) = (ContinuousClock.now, processCPUTime())
            ThreadTeam.with(size: 2) { team in
                for _ in 0..<regions {
                    if engine == "team" {
                        team.run(2) { _ in spin(work) }
                    } else {
                        DispatchQueue.concurrentPerform(iterations: 2) { _ in spin(work) }
                    }
                }
            }
            let wall = seconds(ContinuousClock.now - start) / Double(regions) * 1e6
            let used = (processCPUTime() - cpu) / Double(regions) * 1e6
            print(String(format: "%@, parts of %.0f µs: %.2f µs per region, %.2f µs CPU", engine, work, wall, used))
        }
    }
}
