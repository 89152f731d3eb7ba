import Foundation
import MLPackGEMM
import MLPackTestSupport
import Testing

/// `--precision` / `MLPACK_PRECISION` on `load` and `predict`, and `MLPACK_INT8_KERNEL`.
struct PrecisionCommandTests {
    static func savedTinyModel(in temp: URL) throws -> URL {
        let model = temp.appendingPathComponent("st")
        let saved = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", model.path])
        #expect(saved.status == 0, "\(saved.stderr)")
        return model
    }

    func loadJSON(_ arguments: [String], environment: [String: String] = [:]) throws -> [String: Any] {
        let result = try CLIRunner.run(["load"] + arguments + ["--json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func loadReportsPrecisionAndKernel() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedTinyModel(in: temp).path
        let unset = ["MLPACK_PRECISION": "", "MLPACK_INT8_KERNEL": ""]

        let fp32 = try loadJSON([model], environment: unset)
        #expect(fp32["precision"] as? String == "fp32" && fp32["int8_kernel"] is NSNull)
        let int8 = try loadJSON([model, "--precision", "int8"], environment: unset)
        #expect(int8["precision"] as? String == "int8" && int8["int8_kernel"] as? String == Int8Kernel.best.name)
        // The environment's default, and the option over it.
        let fromEnvironment = try loadJSON([model], environment: ["MLPACK_PRECISION": "int8", "MLPACK_INT8_KERNEL": "scalar"])
        #expect(fromEnvironment["precision"] as? String == "int8" && fromEnvironment["int8_kernel"] as? String == "scalar")
        let overridden = try loadJSON([model, "--precision", "fp32"], environment: ["MLPACK_PRECISION": "int8"])
        #expect(overridden["precision"] as? String == "fp32")

        for kernel in Int8Kernel.supported {
            let text = try CLIRunner.run(
                ["load", model, "--precision", "int8"], environment: ["MLPACK_INT8_KERNEL": kernel.environmentName])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("precision:  int8 (\(kernel.name) kernel)\n"), "\(text.stdout)")
        }
        let plain = try CLIRunner.run(["load", model], environment: unset)
        #expect(plain.stdout.contains("precision:  fp32\n"), "\(plain.stdout)")
    }

    @Test func badValuesAreRefused() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedTinyModel(in: temp).path
        let option = try CLIRunner.run(["load", model, "--precision", "fp16"])
        #expect(option.status == 2 && option.stderr.contains("fp16"), "\(option.stderr)")
        let environment = try CLIRunner.run(["load", model], environment: ["MLPACK_PRECISION": "half"])
        #expect(environment.status == 1 && environment.stderr.contains("MLPACK_PRECISION=half: expected fp32 or int8"), "\(environment.stderr)")
        let kernel = try CLIRunner.run(["load", model, "--precision", "int8"], environment: ["MLPACK_INT8_KERNEL": "sse9"])
        #expect(kernel.status == 1 && kernel.stderr.contains("MLPACK_INT8_KERNEL=sse9"), "\(kernel.stderr)")
        // Float32 does not read the kernel variable.
        let ignored = try CLIRunner.run(["load", model], environment: ["MLPACK_INT8_KERNEL": "sse9", "MLPACK_PRECISION": ""])
        #expect(ignored.status == 0, "\(ignored.stderr)")
    }

    @Test func predictInInt8() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedTinyModel(in: temp).path
        let lines = "{\"text\": \"a cat sat on the mat\"}\n{\"text\": \"int8 arithmetic\"}\n"
        func predict(_ extra: [String]) throws -> [[Double]] {
            let r = try CLIRunner.run(
                ["predict", "-m", model, "--content-type", "jsonl"] + extra, stdin: lines, environment: ["MLPACK_PRECISION": ""])
            #expect(r.status == 0, "\(r.stderr)")
            return try r.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Double]) }
        }
        let fp32 = try predict([])
        let int8 = try predict(["--precision", "int8"])
        #expect(fp32.count == 2 && int8.count == 2)
        for (a, b) in zip(fp32, int8) {
            let dot = zip(a, b).map(*).reduce(0, +)
            let cosine = dot / (a.map { $0 * $0 }.reduce(0, +) * b.map { $0 * $0 }.reduce(0, +)).squareRoot()
            #expect(a != b && cosine > 0.99, "cosine \(cosine)")
        }
    }
}
