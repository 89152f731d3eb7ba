import Foundation
import MLPackCore

/// A third flavor, defined outside `Plugins/` and registered next to the built-in ones: proof that a
/// new flavor is one module plus one registration line (nothing in core, the packager or the
/// validator names it).
///
/// `rowcount` answers, for each input row, the number of non-missing cells times a weight stored in
/// the model's `rowcount.json` (cheap and deterministic). A saved model carries the flavor's own
/// block and a `python_function` block with the (fictional) loader `mlpack_rowcount.loader`.
struct RowCountFlavor: Flavor {
    static let flavorName = "rowcount"
    static let configFile = "rowcount.json"
    static let loaderModule = "mlpack_rowcount.loader"
    static let pipRequirements = ["mlpack-rowcount-runtime>=1", "numpy"]

    var name: String { Self.flavorName }
    var summary: String { "counts the non-missing cells of each row, times a weight (test flavor)" }
    var pythonLoaders: [PythonLoader] {
        [PythonLoader(
            module: Self.loaderModule, native: .all,
            entries: [.init(key: "data", kind: .file, required: true, purpose: "the weight file")])]
    }

    func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch? {
        if model.flavor(named: name) != nil { return FlavorMatch(rank: .native, block: name) }
        if model.flavor(named: MLModelFlavor.pythonFunction)?.string("loader_module") == Self.loaderModule {
            return FlavorMatch(rank: .emulated, block: MLModelFlavor.pythonFunction)
        }
        return nil
    }

    /// The weight file: the block's `config`, else `python_function.data`; with the key naming it.
    func configFile(_ model: MLModel) throws -> (path: String, key: String) {
        if let block = model.flavor(named: name) {
            guard let path = block.string("config") else {
                throw FlavorError.invalidBlock(file: MLModel.fileName, key: "flavors.\(name).config", expected: "the weight file's path")
            }
            return (path, "flavors.\(name).config")
        }
        guard let path = model.flavor(named: MLModelFlavor.pythonFunction)?.string("data") else {
            throw FlavorError.invalidBlock(file: MLModel.fileName, key: "flavors.python_function.data", expected: "the weight file's path")
        }
        return (path, "flavors.python_function.data")
    }

    /// Reads `{"weight": n}` (n ≥ 1) from the model's weight file.
    func weight(_ model: MLModel, in directory: URL) throws -> Int {
        let (path, key) = try configFile(model)
        let url = try ModelDirectory(directory).resolve(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FlavorError.missingFile(path: path, referencedBy: "\(MLModel.fileName) \(key)")
        }
        let json = try JSONParser.parse([UInt8](data), source: path)
        guard let weight = json["weight"]?.intValue, weight >= 1, weight <= 1_000_000 else {
            throw FlavorError.invalidBlock(file: path, key: "weight", expected: "an integer from 1 to 1000000")
        }
        return Int(weight)
    }

    func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel {
        RowCountModel(weight: try weight(model, in: directory), signature: try model.parsedSignature)
    }

    /// `request.source` is the weight, as decimal text.
    func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent {
        guard let weight = Int(request.source), weight >= 1, weight <= 1_000_000 else {
            throw SaveError.invalidSource(request.source, reason: "expected the weight, an integer from 1 to 1000000")
        }
        try Data("{\"weight\": \(weight)}\n".utf8).write(to: staging.appendingPathComponent(Self.configFile))
        var signature: ModelSignature?
        if let example = request.inputExample {
            let output = try RowCountModel(weight: weight, signature: nil).predict(example.modelInput, params: JSONObject())
            signature = try SignatureInference.infer(input: example.sample, output: output.sample).signature
        }
        let block: YAMLMapping = ["config": .string(Self.configFile), "mlpack_version": .string(MLPack.version)]
        let pyfunc: YAMLMapping = [
            "data": .string(Self.configFile),
            "env": .mapping(["conda": .string(CondaEnvironment.fileName), "virtualenv": .string(PythonEnvironment.fileName)]),
            "loader_module": .string(Self.loaderModule),
            "python_version": .string(ModelSaver.defaultPythonTools.python),
        ]
        return SavedFlavorContent(
            flavors: [MLModelFlavor(name: MLModelFlavor.pythonFunction, config: pyfunc), MLModelFlavor(name: name, config: block)],
            signature: signature, defaultPipRequirements: Self.pipRequirements)
    }

    func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding] {
        let location = (try? configFile(model).path) ?? "\(MLModel.fileName):flavors.\(name)"
        do {
            return [ValidationFinding(.info, location, "rowcount weight \(try weight(model, in: directory.root))")]
        } catch {
            return [ValidationFinding(.error, location, "\(error)")]
        }
    }

    func defaultPipRequirements(for model: MLModel) -> [String]? { Self.pipRequirements }
}

/// A loaded `rowcount` model.
struct RowCountModel: LoadedModel {
    let weight: Int
    let signature: ModelSignature?

    var flavorName: String { RowCountFlavor.flavorName }

    /// One int64 per row: the row's non-missing cells times the weight. A table's rows, or the
    /// elements of a list (a list element that is itself a list counts its non-null items).
    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        let counts: [Int64]
        switch input {
        case .table(let table):
            counts = (0..<table.rowCount).map { row in Int64(table.columns.filter { !$0.isMissing(row) }.count * weight) }
        case .value(.array(let rows)):
            counts = rows.map { row in
                if case .array(let cells) = row { return Int64(cells.filter { !$0.isNull }.count * weight) }
                return row.isNull ? 0 : Int64(weight)
            }
        case .value(let other):
            throw FlavorError.invalidInput("rowcount: expected a table or a list of rows, got \(other.kindName)")
        case .tensor, .namedTensors:
            throw FlavorError.invalidInput("rowcount: expected a table or a list of rows, got an array")
        }
        return .tensor(try Tensor(dtype: .int64, shape: [counts.count], storage: .int(counts)))
    }
}
