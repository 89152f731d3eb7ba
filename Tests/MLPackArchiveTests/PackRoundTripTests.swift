import Foundation
import MLPackArchive
import MLPackCore
import MLPackZip
import Testing

@Suite struct PackRoundTripTests {
    let options = PackOptions(support: MLModelPackSupport())

    @Test func everyFixtureModelRoundTripsWithIdenticalFiles() throws {
        let models = TestPaths.fixtureModelDirectories()
        #expect(models.count >= 40)
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        for model in models {
            let name = model.lastPathComponent
            let archive = scratch.path("\(name).zip")
            let report = try ArchivePacker.pack(modelDirectory: model, to: archive, options: options)
            #expect(report.generatedFiles.isEmpty, "\(name)")
            #expect(report.manifest.mlpackVersion == MLPack.version)
            #expect(report.manifest.flavors == (try MLModel.load(from: model).flavors.map(\.name)))
            #expect(!report.manifest.flavors.isEmpty, "\(name)")
            #expect(ArchiveVerifier.problems(archive: archive).isEmpty, "\(name)")
            #expect(ArchiveVerifier.verify(archive: archive).isValid, "\(name)")

            let target = scratch.path("out/\(name)")
            let unpacked = try ArchiveUnpacker.unpack(archive: archive, to: target)
            #expect(unpacked.manifest == report.manifest)
            let original = files(under: model)
            let restored = files(under: target)
            #expect(restored.keys.sorted() == original.keys.sorted(), "\(name)")
            #expect(restored == original, "\(name): contents differ")
            #expect(report.manifest.files.map(\.path) == original.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    @Test func manifestListsSizesAndHashesAndArchiveIsSorted() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = TestPaths.fixtureModels.appendingPathComponent("b_similarity")
        let archive = scratch.path("b.zip")
        let report = try ArchivePacker.pack(modelDirectory: model, to: archive, options: options)
        #expect(report.manifest.flavors == ["python_function"])
        let reader = try ZipReader(archivePath: archive.path)
        let names = reader.entries.map(\.name)
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(names.contains("MLmodel") && names.contains(ArchiveManifest.fileName))
        let manifestBytes = try reader.readAll(try #require(reader.entry(named: ArchiveManifest.fileName)), maxBytes: 1 << 20)
        let manifest = try ArchiveManifest.decode(manifestBytes, archive: archive.path)
        #expect(manifest == report.manifest)
        for file in manifest.files {
            let data = try Data(contentsOf: model.appendingPathComponent(file.path))
            #expect(UInt64(data.count) == file.size, "\(file.path)")
            #expect(file.sha256.count == 64)
        }
        // Known digest of a fixture file (sha256sum fixtures/mlflow/models/b_similarity/MLmodel).
        let mlmodel = try #require(manifest.file(at: "MLmodel"))
        #expect(mlmodel.sha256 == (try shellSHA256(model.appendingPathComponent("MLmodel"))))
        // Every central-directory record: made by Unix, mode 0100644, DOS time 00:00:00 and date
        // 1980-01-01, no extra field, no comment.
        let records = centralDirectoryRecords(try Data(contentsOf: archive))
        #expect(records.map(\.name) == names)
        for record in records {
            #expect(record.madeBy >> 8 == 3, "\(record.name)")
            #expect(record.externalAttributes == 0o100644 << 16, "\(record.name)")
            #expect(record.dosTime == 0 && record.dosDate == 0x21, "\(record.name)")
            #expect(record.extraLength == 0 && record.commentLength == 0, "\(record.name)")
        }
    }

    /// The manifest's keys are exactly the schema's (schemas/mlpack-manifest.schema.json), all required,
    /// and its constants match.
    @Test func manifestMatchesTheSchemaKeys() throws {
        let schemaData = try Data(contentsOf: TestPaths.repoRoot.appendingPathComponent("schemas/mlpack-manifest.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        let manifest = ArchiveManifest(flavors: ["python_function"], generatedFiles: [], files: [.init(path: "MLmodel", size: 3, sha256: String(repeating: "0", count: 64))])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try manifest.encoded())) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(document.keys) == Set(properties.keys))
        #expect(Set(document.keys) == Set(try #require(schema["required"] as? [String])))
        let fileSchema = try #require(((properties["files"] as? [String: Any])?["items"]) as? [String: Any])
        let file = try #require((document["files"] as? [[String: Any]])?.first)
        #expect(Set(file.keys) == Set(try #require(fileSchema["required"] as? [String])))
        #expect(Set(file.keys) == Set(try #require((fileSchema["properties"] as? [String: Any])?.keys)))
        #expect((properties["format"] as? [String: Any])?["const"] as? String == document["format"] as? String)
        #expect((properties["format_version"] as? [String: Any])?["const"] as? Int == document["format_version"] as? Int)
    }

    @Test func twoPacksAreByteIdenticalEvenAfterTouchingFiles() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("a_st_default"), to: model)
        let first = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("1.zip"), options: options)
        // New modification times and permissions must not change the archive.
        for (path, _) in files(under: model) {
            let url = model.appendingPathComponent(path)
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 2_000_000_000), .posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        let second = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("2.zip"), options: options)
        let a = try Data(contentsOf: scratch.path("1.zip"))
        let b = try Data(contentsOf: scratch.path("2.zip"))
        #expect(a == b)
        #expect(first.archiveSHA256 == second.archiveSHA256)
    }

    @Test func weightsAreStoredAndTextDeflated() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("a_st_default"), to: model)
        // A stand-in weights file: compressible bytes that must still be stored.
        let weights = model.appendingPathComponent("model.sentence_transformer/model.safetensors")
        try Data(repeating: 7, count: 300_000).write(to: weights)
        let report = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("a.zip"), options: options)
        let reader = try ZipReader(archivePath: scratch.path("a.zip").path)
        let stored = try #require(reader.entry(named: "model.sentence_transformer/model.safetensors"))
        #expect(stored.compression == .store)
        #expect(stored.compressedSize == 300_000)
        let tokenizer = try #require(reader.entry(named: "model.sentence_transformer/tokenizer.json"))
        #expect(tokenizer.compression == .deflate)
        #expect(tokenizer.compressedSize < tokenizer.declaredSize / 2)
        #expect(report.files.first { $0.path.hasSuffix("model.safetensors") }?.compression == .store)
    }

    @Test func missingEnvironmentFilesAreGeneratedAndReported() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("c_single_string"), to: model)
        let original = files(under: model)
        try FileManager.default.removeItem(at: model.appendingPathComponent("conda.yaml"))
        try FileManager.default.removeItem(at: model.appendingPathComponent("python_env.yaml"))
        let archive = scratch.path("c.zip")
        let report = try ArchivePacker.pack(modelDirectory: model, to: archive, options: options)
        #expect(report.generatedFiles == ["conda.yaml", "python_env.yaml"])
        #expect(report.manifest.generatedFiles == ["conda.yaml", "python_env.yaml"])
        #expect(report.files.filter(\.generated).map(\.path) == ["conda.yaml", "python_env.yaml"])
        // The model directory itself is not modified.
        #expect(!FileManager.default.fileExists(atPath: model.appendingPathComponent("conda.yaml").path))

        let target = scratch.path("out")
        try ArchiveUnpacker.unpack(archive: archive, to: target)
        let restored = files(under: target)
        // Both generated from requirements.txt and mlpack's default Python tools (3.11.7).
        let python = try PythonEnvironment.load(from: target.appendingPathComponent("python_env.yaml"))
        #expect(python.python == "3.11.7")
        #expect(python.dependencies == ["-r requirements.txt"])
        let conda = try CondaEnvironment.load(from: target.appendingPathComponent("conda.yaml"))
        #expect(conda.pipRequirements == ["mlflow==3.17.2", "cloudpickle==3.1.3", "numpy==2.4.6", "pandas==3.1.1"])
        #expect(conda.pythonVersion == "3.11.7")
        #expect(restored["requirements.txt"] == original["requirements.txt"])
    }

    /// Every fixture model, one environment file removed at a time: the generated file equals what
    /// MLflow wrote, from the two files that remain.
    @Test(arguments: ["requirements.txt", "conda.yaml"])
    func regeneratedEnvironmentFilesMatchMLflowsOwn(_ removed: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        for fixture in TestPaths.fixtureModelDirectories() {
            let model = scratch.path(fixture.lastPathComponent)
            try copyTree(fixture, to: model)
            let expected = try Data(contentsOf: model.appendingPathComponent(removed))
            try FileManager.default.removeItem(at: model.appendingPathComponent(removed))
            let report = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("\(fixture.lastPathComponent).zip"), options: options)
            #expect(report.generatedFiles == [removed])
            let target = scratch.path("out-\(fixture.lastPathComponent)")
            try ArchiveUnpacker.unpack(archive: scratch.path("\(fixture.lastPathComponent).zip"), to: target)
            let generated = try Data(contentsOf: target.appendingPathComponent(removed))
            #expect(generated == expected, "\(fixture.lastPathComponent)/\(removed): \(String(decoding: generated, as: UTF8.self))")
        }
    }

    @Test func pythonEnvFromCondaKeepsPythonAndPip() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("a_st_default"), to: model)
        try FileManager.default.removeItem(at: model.appendingPathComponent("python_env.yaml"))
        try FileManager.default.removeItem(at: model.appendingPathComponent("requirements.txt"))
        let report = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("a.zip"), options: options)
        #expect(report.generatedFiles == ["python_env.yaml", "requirements.txt"])
        #expect(report.manifest.flavors == ["python_function", "sentence_transformers"])
        try ArchiveUnpacker.unpack(archive: scratch.path("a.zip"), to: scratch.path("out"))
        let python = try PythonEnvironment.load(from: scratch.path("out/python_env.yaml"))
        #expect(python.python == "3.11.7")
        #expect(python.buildVersion(of: "pip") == "26.3")
        let requirements = try PipRequirementsFile.load(from: scratch.path("out/requirements.txt"))
        let original = try PipRequirementsFile.load(from: TestPaths.fixtureModels.appendingPathComponent("a_st_default/requirements.txt"))
        #expect(requirements == original)
    }

    @Test func allEnvironmentFilesMissingUseFlavorDefaults() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("a_st_default"), to: model)
        for name in ["python_env.yaml", "requirements.txt", "conda.yaml"] {
            try FileManager.default.removeItem(at: model.appendingPathComponent(name))
        }
        // The packager asks the registered flavor whose block the model carries.
        let st = PipDefaultsFlavor(name: "sentence_transformers", requirements: ["sentence-transformers", "transformers", "torch"])
        let support = MLModelPackSupport(registry: FlavorRegistry([PipDefaultsFlavor(name: "other", requirements: ["nope"]), st]))
        let report = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("a.zip"), options: PackOptions(support: support))
        #expect(report.generatedFiles == ["conda.yaml", "python_env.yaml", "requirements.txt"])
        try ArchiveUnpacker.unpack(archive: scratch.path("a.zip"), to: scratch.path("out"))
        let requirements = try PipRequirementsFile.load(from: scratch.path("out/requirements.txt"))
        #expect(requirements.lines == ["mlflow==\(MLPack.mlflowCompatibleVersion)", "sentence-transformers", "transformers", "torch"])
        let conda = try CondaEnvironment.load(from: scratch.path("out/conda.yaml"))
        #expect(conda.pipRequirements == requirements.lines)

        // No registered flavor answers: MLflow's default for a python_function model.
        _ = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("b.zip"), options: PackOptions(support: MLModelPackSupport(registry: FlavorRegistry([]))))
        try ArchiveUnpacker.unpack(archive: scratch.path("b.zip"), to: scratch.path("out-b"))
        #expect(try PipRequirementsFile.load(from: scratch.path("out-b/requirements.txt")).lines == ["mlflow==\(MLPack.mlflowCompatibleVersion)", "cloudpickle"])
    }

    @Test func packRefusesSymlinksMissingMLmodelAndExistingOutput() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = scratch.path("model")
        try copyTree(TestPaths.fixtureModels.appendingPathComponent("d_ex_str"), to: model)
        try FileManager.default.createSymbolicLink(atPath: model.appendingPathComponent("passwd").path, withDestinationPath: "/etc/passwd")
        #expect(throws: ArchiveError.unsupportedFile(
            path: model.appendingPathComponent("passwd").path, reason: "symbolic link (copy the file it points to instead)")) {
            try ArchivePacker.pack(modelDirectory: model, to: scratch.path("x.zip"), options: options)
        }
        try FileManager.default.removeItem(at: model.appendingPathComponent("passwd"))
        #expect(throws: ArchiveError.outputInsideModel(output: model.appendingPathComponent("x.zip").path, modelDirectory: model.path)) {
            try ArchivePacker.pack(modelDirectory: model, to: model.appendingPathComponent("x.zip"), options: options)
        }
        _ = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("x.zip"), options: options)
        #expect(throws: ArchiveError.outputExists(path: scratch.path("x.zip").path)) {
            try ArchivePacker.pack(modelDirectory: model, to: scratch.path("x.zip"), options: options)
        }
        var overwrite = options
        overwrite.overwrite = true
        _ = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("x.zip"), options: overwrite)
        try FileManager.default.removeItem(at: model.appendingPathComponent("MLmodel"))
        #expect(throws: ArchiveError.missingMLmodel(location: model.path)) {
            try ArchivePacker.pack(modelDirectory: model, to: scratch.path("y.zip"), options: options)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("y.zip").path))
    }

    @Test func unpackRefusesToOverwriteUnlessForced() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let archive = TestPaths.hostile.appendingPathComponent("valid.zip")
        let target = scratch.path("model")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        // An empty directory is not "overwritten".
        try ArchiveUnpacker.unpack(archive: archive, to: target)
        try Data("stale".utf8).write(to: target.appendingPathComponent("stale.txt"))
        #expect(throws: ArchiveError.targetExists(path: target.path)) {
            try ArchiveUnpacker.unpack(archive: archive, to: target)
        }
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("stale.txt").path))
        let report = try ArchiveUnpacker.unpack(archive: archive, to: target, force: true)
        #expect(report.replacedExisting)
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("stale.txt").path))
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("MLmodel").path))
        // No temporary or set-aside directories remain beside the target.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["model"])
    }

    @Test func repackOfAnUnpackedArchiveIsIdentical() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = TestPaths.fixtureModels.appendingPathComponent("a_st_input_example")
        let first = try ArchivePacker.pack(modelDirectory: model, to: scratch.path("1.zip"), options: options)
        try ArchiveUnpacker.unpack(archive: scratch.path("1.zip"), to: scratch.path("m"))
        let second = try ArchivePacker.pack(modelDirectory: scratch.path("m"), to: scratch.path("2.zip"), options: options)
        #expect(first.archiveSHA256 == second.archiveSHA256)
    }

    @Test func cacheExtractsOnceAndRepairsDamage() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let model = TestPaths.fixtureModels.appendingPathComponent("p_params")
        let archive = scratch.path("p.zip")
        let report = try ArchivePacker.pack(modelDirectory: model, to: archive, options: options)
        #expect(ArchiveCache.isArchive(archive))
        #expect(!ArchiveCache.isArchive(model))
        let cache = ArchiveCache(root: scratch.path("cache"))
        let directory = try cache.extractOnce(archive: archive)
        #expect(directory.lastPathComponent == report.archiveSHA256)
        #expect(files(under: directory) == files(under: model))
        let marker = directory.appendingPathComponent("MLmodel")
        let inode = try FileManager.default.attributesOfItem(atPath: marker.path)[.systemFileNumber] as? Int
        #expect(try cache.extractOnce(archive: archive) == directory)
        #expect(try FileManager.default.attributesOfItem(atPath: marker.path)[.systemFileNumber] as? Int == inode)
        try FileManager.default.removeItem(at: marker)
        #expect(try cache.extractOnce(archive: archive) == directory)
        #expect(files(under: directory) == files(under: model))
    }

    /// Several first opens of one archive at once (threads here, processes in use: `predict -m a.zip`
    /// started four times): every one gets the complete directory, and one copy is left. A losing
    /// unpack used to fail ("rename into place: Directory not empty") and delete the cache's
    /// `archives/` directory it had created, taking the winner's copy with it.
    @Test func concurrentFirstOpensShareOneCopy() throws {
        let model = TestPaths.fixtureModels.appendingPathComponent("p_params")
        for round in 0..<5 {
            let scratch = try Scratch()
            defer { scratch.cleanup() }
            let archive = scratch.path("p.zip")
            try ArchivePacker.pack(modelDirectory: model, to: archive, options: options)
            let cache = ArchiveCache(root: scratch.path("cache"))
            let results = LockedResults()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                results.append(Result { try cache.extractOnce(archive: archive) })
            }
            for result in results.all {
                switch result {
                case .success(let directory):
                    #expect(files(under: directory) == files(under: model), "round \(round)")
                case .failure(let error):
                    Issue.record("round \(round): \(error)")
                }
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path("cache/archives").path)
            #expect(left.count == 1, "round \(round): \(left)")
        }
    }
}

/// Results gathered from several threads.
final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<URL, any Error>] = []

    func append(_ result: Result<URL, any Error>) {
        lock.lock()
        results.append(result)
        lock.unlock()
    }

    var all: [Result<URL, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

/// SHA-256 as printed by `sha256sum`, computed by a separate implementation (the system tool).
func shellSHA256(_ url: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}

/// The fields of a central-directory file header that determinism depends on.
struct CentralRecord {
    var name: String
    var madeBy: UInt16
    var dosTime: UInt16
    var dosDate: UInt16
    var extraLength: UInt16
    var commentLength: UInt16
    var externalAttributes: UInt32
}

/// Parses the central directory by scanning for its record signature (PK\u{1}\u{2}) from the start
/// offset the end-of-central-directory record gives.
func centralDirectoryRecords(_ data: Data) -> [CentralRecord] {
    let bytes = [UInt8](data)
    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    guard bytes.count >= 22, let eocd = stride(from: bytes.count - 22, through: 0, by: -1).first(where: { u32($0) == 0x0605_4B50 })
    else { return [] }
    var offset = Int(u32(eocd + 16))
    var records: [CentralRecord] = []
    while offset + 46 <= bytes.count, u32(offset) == 0x0201_4B50 {
        let nameLength = Int(u16(offset + 28)), extra = Int(u16(offset + 30)), comment = Int(u16(offset + 32))
        records.append(CentralRecord(
            name: String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self),
            madeBy: u16(offset + 4), dosTime: u16(offset + 12), dosDate: u16(offset + 14),
            extraLength: UInt16(extra), commentLength: UInt16(comment), externalAttributes: u32(offset + 38)))
        offset += 46 + nameLength + extra + comment
    }
    return records
}

/// A flavor the packager can ask for default requirements (it recognises, loads and saves nothing).
private struct PipDefaultsFlavor: Flavor {
    let name: String
    let requirements: [String]

    var summary: String { "default pip requirements for the \(name) block" }
    func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch? { nil }
    func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel {
        throw FlavorError.notLoadable(directory: directory.path, flavors: [name], reason: "the pack tests' flavor loads nothing")
    }
    func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent {
        throw SaveError.invalidSource(request.source, reason: "the pack tests' flavor saves nothing")
    }
    func defaultPipRequirements(for model: MLModel) -> [String]? { requirements }
}
