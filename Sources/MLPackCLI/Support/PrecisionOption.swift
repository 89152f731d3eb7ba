import ArgumentParser
import Foundation
import MLPackCore

extension Precision: ExpressibleByArgument {}

/// `--precision` of `predict`, `serve` and `load`.
enum PrecisionOption {
    static let help = ArgumentHelp(
        "Arithmetic of the encoder: fp32 or int8 (its linear layers quantized at load; the model's files do not change).",
        discussion: "Default: the environment variable MLPACK_PRECISION, else fp32.")

    /// The option's value, else `MLPACK_PRECISION`, else fp32.
    static func resolve(_ explicit: Precision?) throws -> Precision {
        do {
            return try Precision.resolve(explicit, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
