import Foundation
import MLPackBERT
import MLPackCore

extension SentenceTransformer {
    /// Loads the sentence-transformers directory with `options`' threads and precision (the encoder
    /// of the embedding flavors' `load`).
    public static func load(directory: URL, options: LoadOptions) throws -> SentenceTransformer {
        try load(directory: directory, threads: options.threads, precision: BERTModel.Precision(options.precision))
    }

    /// What the encoder computes with: its precision and, in int8, the kernel in use.
    public var computePrecision: ComputePrecision {
        switch precision {
        case .fp32: ComputePrecision(precision: .fp32)
        case .int8: ComputePrecision(precision: .int8, kernel: encoder.int8Kernel?.name)
        }
    }
}

extension BERTModel.Precision {
    /// The encoder's precision for core's ``Precision``.
    public init(_ precision: Precision) {
        switch precision {
        case .fp32: self = .fp32
        case .int8: self = .int8
        }
    }
}
