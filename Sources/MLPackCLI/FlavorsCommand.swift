import ArgumentParser
import MLPackCore

/// `mlpack flavors`: the registered flavor plugins.
struct FlavorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flavors",
        abstract: "List the model flavors this mlpack runs natively.",
        discussion: """
            For each flavor: the Python loader modules it also runs, and what it runs natively inside \
            its models (the sentence-transformers flavors: encoder architectures and tokenizer types).

            Examples:
              mlpack flavors
              mlpack flavors --json
            """)

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let flavors = FlavorRegistry.shared.all
        if json {
            let list: [JSONValue] = flavors.map { f in
                .object(JSONObject([
                    ("name", .string(f.name)), ("summary", .string(f.summary)),
                    ("emulated_python_loaders", .array(f.emulatedPythonLoaders.map(JSONValue.string))),
                    ("native_support", .object(JSONObject(f.nativeSupport.map { ($0.key, .array($0.values.map(JSONValue.string))) }))),
                ]))
            }
            Terminal.writeOutput(JSONWriter.python.string(.array(list)))
            return
        }
        for f in flavors {
            Terminal.writeOutput("\(f.name)\n  \(f.summary)")
            if !f.emulatedPythonLoaders.isEmpty {
                Terminal.writeOutput("  also runs MLflow models with loader_module: \(f.emulatedPythonLoaders.joined(separator: ", "))")
            }
            for c in f.nativeSupport {
                Terminal.writeOutput("  \(c.label): \(c.values.joined(separator: ", "))")
            }
        }
    }
}
