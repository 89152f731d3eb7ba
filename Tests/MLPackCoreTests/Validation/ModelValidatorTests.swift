import Foundation
import Testing
@testable import MLPackCore

/// `mlpack validate`'s checks on the MLflow-written fixtures and on broken copies of them.
struct ModelValidatorTests {
    let validator = ModelValidator(registry: FlavorRegistry([]))

    @Test func everyFixtureModelIsValid() {
        let dirs = ModelFixtures.modelDirs
        #expect(dirs.count == 45)
        for dir in dirs {
            let findings = validator.validate(directory: dir)
            #expect(findings.isValid, "\(dir.lastPathComponent): \(findings.filter { $0.severity == .error })")
        }
    }

    @Test func pickledModelIsReportedPythonOnly() {
        let findings = validator.validate(directory: ModelFixtures.modelsDir.appendingPathComponent("b_similarity"))
        #expect(findings.isValid)
        #expect(findings.contains { $0.severity == .warning && $0.message.contains("Python-only flavor, not loadable natively") })
    }

    /// Copies a fixture model, applies `damage`, and returns the error findings.
    private func errors(of fixture: String, _ damage: (URL) throws -> Void) throws -> [ValidationFinding] {
        let temp = try ModelFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: temp) }
        let copy = temp.appendingPathComponent(fixture)
        try FileManager.default.copyItem(at: ModelFixtures.modelsDir.appendingPathComponent(fixture), to: copy)
        try damage(copy)
        return validator.validate(directory: copy).filter { $0.severity == .error }
    }

    private func replace(_ url: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "fixture text changed: \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func missingMLmodel() throws {
        let e = try errors(of: "c_coltypes") { try FileManager.default.removeItem(at: $0.appendingPathComponent("MLmodel")) }
        #expect(e.count == 1 && e[0].message.contains("could not find an \"MLmodel\""))
    }

    @Test func malformedYAMLNamesLine() throws {
        let e = try errors(of: "c_coltypes") { dir in
            try "flavors:\n  python_function: [unclosed\nsignature: x\n".write(to: dir.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        }
        #expect(e.count == 1)
        #expect(e.first?.location == "MLmodel")
        #expect(e.first?.message.contains(":3:") == true || e.first?.message.contains("line 3") == true, "\(e)")
    }

    @Test func signatureThatIsNotJSON() throws {
        let e = try errors(of: "c_single_string") { dir in
            let url = dir.appendingPathComponent("MLmodel")
            let text = try String(contentsOf: url, encoding: .utf8)
            let start = try #require(text.range(of: "  inputs: '"))
            let end = try #require(text[start.upperBound...].range(of: "'\n"))
            try (text[..<start.upperBound] + "[{not json" + text[end.lowerBound...]).write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(e.contains { $0.location == "MLmodel:signature" }, "\(e)")
    }

    @Test func unknownColSpecKeyIsNamed() throws {
        let e = try errors(of: "c_single_string") { dir in
            try replace(dir.appendingPathComponent("MLmodel"), "\"required\": true", "\"required\": true, \"colour\": \"red\"")
        }
        #expect(e.contains { $0.location == "MLmodel:signature" && $0.message.contains("colour") }, "\(e)")
    }

    @Test func unparseableInputExample() throws {
        let e = try errors(of: "d_ex_dataframe") { dir in
            try "{\"columns\": [\"a\"], \"data\": [[1,".write(to: dir.appendingPathComponent("input_example.json"), atomically: true, encoding: .utf8)
        }
        #expect(e.contains { $0.location == "input_example.json" }, "\(e)")
    }

    @Test func missingArtifactIsNamed() throws {
        let e = try errors(of: "b_similarity") { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("artifacts/sbert_model"))
        }
        #expect(e.contains { $0.location == "MLmodel:flavors.python_function.artifacts.model_path.path" }, "\(e)")
    }

    @Test func pathEscapingTheDirectoryIsRefused() throws {
        let e = try errors(of: "a_st_default") { dir in
            try replace(dir.appendingPathComponent("MLmodel"), "data: model.sentence_transformer", "data: ../../etc")
        }
        #expect(e.contains { $0.location == "MLmodel:flavors.python_function.data" && $0.message.contains("'..'") }, "\(e)")
    }

    @Test func symlinkedEnvFileIsRefused() throws {
        let e = try errors(of: "c_coltypes") { dir in
            let env = dir.appendingPathComponent("conda.yaml")
            try FileManager.default.removeItem(at: env)
            try FileManager.default.createSymbolicLink(atPath: env.path, withDestinationPath: "/etc/passwd")
        }
        #expect(e.contains { $0.location == "MLmodel:flavors.python_function.env.conda" }, "\(e)")
    }

    @Test func unsafePathReasons() {
        #expect(ModelDirectory.unsafeReason("/etc/passwd") == "absolute path")
        #expect(ModelDirectory.unsafeReason("a/../../b") == "'..' component")
        #expect(ModelDirectory.unsafeReason("artifacts/sbert_model") == nil)
    }
}
