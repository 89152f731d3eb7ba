/// The arithmetic a model's encoder runs in: a load-time choice (the saved files do not change).
public enum Precision: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Float32 throughout.
    case fp32
    /// The encoder's linear layers in int8 (weights per output channel, activations per token,
    /// int32 accumulation); the rest in Float32.
    case int8

    /// The environment variable giving the default of `--precision` (`fp32` or `int8`).
    public static let environmentVariable = "MLPACK_PRECISION"

    public var description: String { rawValue }

    /// `--precision` when given, else `MLPACK_PRECISION` (from `environment`), else ``fp32``.
    /// Throws for an environment value other than `fp32` / `int8`.
    public static func resolve(_ explicit: Precision?, environment: [String: String]) throws -> Precision {
        if let explicit { return explicit }
        guard let value = environment[environmentVariable], !value.isEmpty else { return .fp32 }
        guard let precision = Precision(rawValue: value.lowercased()) else {
            throw PrecisionError(value: value)
        }
        return precision
    }
}

/// `MLPACK_PRECISION` holds neither `fp32` nor `int8`.
public struct PrecisionError: Error, CustomStringConvertible, Equatable {
    public var value: String
    public var description: String { "\(Precision.environmentVariable)=\(value): expected fp32 or int8" }
}

/// What a loaded model computes with, for `mlpack load`: the precision, and for int8 the kernel
/// (instruction set) that runs the int8 products.
public struct ComputePrecision: Sendable, Hashable {
    public var precision: Precision
    /// For example `avx512-vnni`, `avx2`, `scalar`; nil in Float32.
    public var kernel: String?

    public init(precision: Precision, kernel: String? = nil) {
        self.precision = precision
        self.kernel = kernel
    }

    /// `int8 (avx512-vnni kernel)`, `fp32`.
    public var description: String {
        kernel.map { "\(precision.rawValue) (\($0) kernel)" } ?? precision.rawValue
    }
}
