import Foundation
import MLPackBERT
import MLPackCore

/// `mlpack validate` checks for an embedded sentence-transformers directory: configuration files
/// and the weights' header, without running the model.
public enum EmbeddingValidation {
    public static func findings(forEmbeddedModel locate: () throws -> URL, in directory: ModelDirectory) -> [ValidationFinding] {
        let url: URL
        do { url = try locate() } catch {
            return [ValidationFinding(.error, "MLmodel:flavors", "\(error)")]
        }
        let relative = url.path.hasPrefix(directory.root.path + "/") ? String(url.path.dropFirst(directory.root.path.count + 1)) : url.path
        do {
            // Loading maps the weights and checks every tensor's dtype, shape and offsets against
            // config.json; no forward pass is run.
            let model = try SentenceTransformer.load(directory: url, threads: 1)
            let c = model.encoder.configuration
            let summary = "sentence-transformers model loads natively: BERT \(c.numLayers) layers, hidden \(c.hiddenSize), "
                + "pooling \(model.pooling.modes.map(\.rawValue).joined(separator: "+")), "
                + "\(model.normalizesOutput ? "normalized" : "not normalized"), max_seq_length \(model.maxSeqLength), dimension \(model.dimension)"
            return [ValidationFinding(.info, relative, summary)]
        } catch {
            return [ValidationFinding(.error, relative, "\(error)")]
        }
    }
}
