import Foundation
import MLPackCore
import MLPackServer
import SentenceTransformersFlavor
import SimilarityFlavor

/// The flavors the `mlpack` binary registers at start-up. Adding a flavor: a module under
/// `Plugins/`, and one line here.
enum BuiltInFlavors {
    static let all: [any Flavor] = [
        SimilarityFlavor(),
        SentenceTransformersFlavor(),
    ]

    static func bootstrap() {
        FlavorRegistry.bootstrap(all)
        ServeCommand.bootstrap { path, configuration, _ in
            let directory = try ModelPath.directory(for: path)
            // The cores are split between the batches that may run at once (--workers).
            let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, configuration.batching.maxConcurrentBatches))
            do {
                return try FlavorRegistry.shared.loadForServing(directory: directory, threads: threads, configuration: configuration)
            } catch {
                throw CommandFailure("\(path): \(error)")
            }
        }
    }
}
