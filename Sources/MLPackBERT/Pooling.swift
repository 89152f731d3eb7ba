import Foundation

/// The pooling of a sentence-transformers `Pooling` module: one or more modes, concatenated in
/// sentence-transformers' order (cls, max, mean, mean_sqrt_len_tokens, weightedmean, lasttoken).
public struct Pooling: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case cls, max, mean
        case meanSqrtLen = "mean_sqrt_len_tokens"
        case weightedMean = "weightedmean"
        case lastToken = "lasttoken"
    }

    /// Modes in output order.
    public var modes: [Mode]

    public init(modes: [Mode]) { self.modes = modes }

    /// Reads `1_Pooling/config.json` in either the legacy boolean form
    /// (`pooling_mode_mean_tokens: true`, …) or the newer `pooling_mode: "mean"` form, and checks
    /// its embedding dimension against the encoder's hidden size.
    init(json: JSONFile, hiddenSize: Int) throws {
        let file = json.name
        var set = Set<Mode>()
        if json.has("pooling_mode") {
            let value = json.object["pooling_mode"]
            let names: [String]
            if let s = value as? String { names = [s] } else if let a = value as? [String] { names = a } else {
                throw BERTError.invalidValue(file: file, key: "pooling_mode", expected: "a mode name or a list of them")
            }
            for name in names {
                let key = name == "mean_tokens" ? "mean" : name == "cls_token" ? "cls" : name == "max_tokens" ? "max" : name
                guard let m = Mode(rawValue: key) else {
                    throw BERTError.unsupported(file: file, key: "pooling_mode", value: name)
                }
                set.insert(m)
            }
        } else {
            let keys: [(String, Mode)] = [
                ("pooling_mode_cls_token", .cls), ("pooling_mode_max_tokens", .max),
                ("pooling_mode_mean_tokens", .mean), ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLen),
                ("pooling_mode_weightedmean_tokens", .weightedMean), ("pooling_mode_lasttoken", .lastToken),
            ]
            for (k, m) in keys where try json.bool(k, default: false) { set.insert(m) }
        }
        guard !set.isEmpty else {
            throw BERTError.invalidValue(file: file, key: "pooling_mode", expected: "at least one pooling mode")
        }
        modes = Mode.allCases.filter { set.contains($0) }
        for key in ["word_embedding_dimension", "embedding_dimension"] where json.has(key) {
            let dim = try json.int(key, in: 1...1_000_000)
            guard dim == hiddenSize else {
                throw BERTError.invalidValue(
                    file: file, key: key, expected: "the encoder's hidden_size \(hiddenSize), found \(dim)")
            }
        }
    }

    /// Output width for token embeddings of width `hidden`.
    public func outputSize(hidden: Int) -> Int { modes.count * hidden }

    /// Pools the `n` token rows at `rows` (width `d`) into `out` (width `modes.count · d`).
    func pool(_ rows: UnsafePointer<Float>, n: Int, d: Int, into out: UnsafeMutablePointer<Float>) {
        var o = out
        for mode in modes {
            switch mode {
            case .cls:
                for i in 0..<d { o[i] = rows[i] }
            case .lastToken:
                let last = rows + max(0, n - 1) * d
                for i in 0..<d { o[i] = last[i] }
            case .max:
                for i in 0..<d { o[i] = n > 0 ? rows[i] : 0 }
                if n > 1 {
                    for t in 1..<n {
                        let r = rows + t * d
                        for i in 0..<d where r[i] > o[i] { o[i] = r[i] }
                    }
                }
            case .mean, .meanSqrtLen, .weightedMean:
                for i in 0..<d { o[i] = 0 }
                var total: Float = 0
                for t in 0..<n {
                    let w: Float = mode == .weightedMean ? Float(t + 1) : 1
                    let r = rows + t * d
                    if mode == .weightedMean {
                        for i in 0..<d { o[i] += r[i] * w }
                    } else {
                        for i in 0..<d { o[i] += r[i] }
                    }
                    total += w
                }
                let divisor = mode == .meanSqrtLen ? Float(n).squareRoot() : Swift.max(total, 1e-9)
                for i in 0..<d { o[i] /= divisor }
            }
            o += d
        }
    }
}
