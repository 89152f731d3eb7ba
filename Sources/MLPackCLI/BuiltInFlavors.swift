import MLPackCore
import SentenceTransformersFlavor
import SimilarityFlavor

/// The flavors the `mlpack` binary registers at start-up. Adding a flavor: a module under
/// `Plugins/`, and one line here.
package enum BuiltInFlavors {
    package static let all: [any Flavor] = [
        SimilarityFlavor(),
        SentenceTransformersFlavor(),
    ]

    /// Bootstraps ``FlavorRegistry/shared`` with ``all``, the first time only: `runMain` calls this
    /// on every run, and tests run it several times in one process.
    static func bootstrap() {
        _ = bootstrapped
    }

    private static let bootstrapped: Void = FlavorRegistry.bootstrap(all)
}
