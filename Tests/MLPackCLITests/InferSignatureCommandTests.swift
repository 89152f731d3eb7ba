import Foundation
import Testing

/// `mlpack infer-signature` on the tutorial's sample gives exactly the tutorial's strings.
struct InferSignatureCommandTests {
    let tutorialInputs = #"[{"type": "string", "name": "sentence_1", "required": true}, {"type": "string", "name": "sentence_2", "required": true}]"#
    let tutorialOutputs = #"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 1]}}]"#

    private func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func tutorialSignatureAsJSON() throws {
        let example = CLIRunner.fixtures.appendingPathComponent("mlflow/models/b_similarity/serving_input_example.json").path
        let output = try temp("out.json", "[[0.6341]]")
        let r = try CLIRunner.run(["infer-signature", "-i", example, "--output-sample", output])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = "{\"inputs\": \(quoted(tutorialInputs)), \"outputs\": \(quoted(tutorialOutputs)), \"params\": null}\n"
        #expect(r.stdout == expected)
    }

    @Test func tutorialSignatureAsYAMLMatchesMLmodelBlock() throws {
        let csv = try temp("pairs.csv", "sentence_1,sentence_2\nI like apples,I like oranges\n")
        let output = try temp("out.json", "[[0.6341]]")
        let r = try CLIRunner.run(["infer-signature", "-i", csv, "--output-sample", output, "--format", "yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            signature:
              inputs: '[{"type": "string", "name": "sentence_1", "required": true}, {"type": "string",
                "name": "sentence_2", "required": true}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1,
                1]}}]'
              params: null

            """)
    }

    @Test func paramsAreInferred() throws {
        let input = try temp("in.json", #"["a b", "c d"]"#)
        let params = try temp("params.json", #"{"batch_size": 2, "normalize_embeddings": true}"#)
        let r = try CLIRunner.run(["infer-signature", "-i", input, "--params", params])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(#"{\"name\": \"batch_size\", \"default\": 2, \"shape\": null, \"type\": \"long\"}"#), "\(r.stdout)")
    }

    @Test func badSampleIsAnErrorNamingTheFile() throws {
        let input = try temp("bad.json", #"{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}"#)
        let r = try CLIRunner.run(["infer-signature", "-i", input])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: \(input)"), "\(r.stderr)")
    }

    @Test func unknownFormatIsUsageError() throws {
        let input = try temp("in.json", "[1]")
        let r = try CLIRunner.run(["infer-signature", "-i", input, "--format", "toml"])
        #expect(r.status == 2)
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
