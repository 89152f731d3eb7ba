import Foundation
import MLPackBLAS
import MLPackTestSupport
import Testing

/// The `mlpack` binary runs the OpenBLAS kernels its CPU supports, whichever machine the test runs
/// on: OpenBLAS's own choice when it recognised the CPU, else the one KernelDispatch derives from
/// the CPU's flags (this process, not re-executed, shows what OpenBLAS detected by itself).
struct KernelDispatchCommandTests {
    func loadJSON(_ model: URL, environment: [String: String] = [:]) throws -> [String: Any] {
        let result = try CLIRunner.run(["load", model.path, "--json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func theBinaryRunsTheKernelsItsCPUSupports() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = temp.appendingPathComponent("st")
        let saved = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", model.path])
        #expect(saved.status == 0, "\(saved.stderr)")

        let inherited = ProcessInfo.processInfo.environment[KernelDispatch.coreVariable]
        // What OpenBLAS detects here (only meaningful when this test process was not forced).
        let detected = BLAS.coreName
        let flags = KernelDispatch.cpuFlags(cpuinfo: try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
        let json = try loadJSON(model)
        if inherited == nil {
            let preferred = KernelDispatch.preferredCore(detected: detected, cpuFlags: flags)
            #expect(json["blas_core"] as? String == preferred ?? detected, "flags: \(flags.sorted().filter { $0.hasPrefix("avx") || $0 == "fma" })")
            #expect(json["blas_core_detected"] as? String == (preferred == nil ? nil : detected))
            print("OpenBLAS detected \(detected); mlpack runs \(json["blas_core"] ?? "?")")
        }
        // A core the user forces is kept, and not reported as mlpack's choice.
        let forced = try loadJSON(model, environment: [KernelDispatch.coreVariable: "Prescott"])
        #expect(forced["blas_core"] as? String == "Prescott")
        #expect(forced["blas_core_detected"] is NSNull)
    }
}
