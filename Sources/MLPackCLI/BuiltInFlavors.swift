import MLPackCore
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
    }
}
