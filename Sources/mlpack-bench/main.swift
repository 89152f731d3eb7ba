// mlpack-bench: times mlpack's sentence encoder for bench/run.sh (not part of the mlpack CLI).
//
//   mlpack-bench first MODEL_DIR TEXT
//       load the model, embed TEXT, print "ready <dimension>" (the script times process start → line)
//   mlpack-bench run MODEL_DIR SENTENCES_FILE LONG_TEXT_FILE THREADS BATCHES THREADING
//       print one JSON object: throughput per batch size, single-sentence latencies, sgemm ceilings
import Foundation
import MLPackBERT
import MLPackBLAS

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

let args = CommandLine.arguments
guard args.count >= 4 else { fail("usage: mlpack-bench first MODEL TEXT | run MODEL SENTENCES LONGTEXT THREADS BATCHES THREADING") }
let clock = ContinuousClock()

do {
    switch args[1] {
    case "first":
        let model = try SentenceTransformer.load(directory: URL(fileURLWithPath: args[2]), threads: 2)
        let e = try model.encode([args[3]])
        print("ready \(e.dimension)")
    case "run" where args.count == 8:
        let threads = Int(args[5]) ?? 2
        guard let threading = SentenceTransformer.Threading(rawValue: args[7]) else { fail("threading: automatic|blas|splitBatch") }
        let model = try SentenceTransformer.load(directory: URL(fileURLWithPath: args[2]), threads: threads, threading: threading)
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
        func latency(_ text: String) throws -> [String: Double] {
            var times: [Double] = []
            for _ in 0..<30 {
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
    default:
        fail("unknown command \(args[1])")
    }
} catch {
    fail("mlpack-bench: \(error)")
}
