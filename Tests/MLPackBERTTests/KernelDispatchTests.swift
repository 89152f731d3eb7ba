import Testing
@testable import MLPackBLAS

@Suite("OpenBLAS kernel dispatch")
struct KernelDispatchTests {
    static let avx512 = Set(["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    @Test("an unrecognised CPU with AVX-512 gets SkylakeX, with AVX512-BF16 Cooperlake")
    func avx512Cores() {
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: Self.avx512.union(["avx512_bf16"])) == "Cooperlake")
        #expect(KernelDispatch.preferredCore(detected: "Nehalem", cpuFlags: Self.avx512) == "SkylakeX")
    }

    @Test("AVX2 with FMA gets Haswell; AVX2 alone, or AVX-512 missing a part, does not get AVX-512 kernels")
    func avx2Cores() {
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: ["avx", "avx2"]) == nil)
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: Self.avx512.subtracting(["avx512vl"])) == "Haswell")
        #expect(KernelDispatch.preferredCore(detected: "Prescott", cpuFlags: ["sse3", "ssse3"]) == nil)
    }

    @Test("a core OpenBLAS recognised is kept", arguments: ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Sandybridge", "Unknown2030"])
    func recognisedCoresKept(core: String) {
        #expect(KernelDispatch.preferredCore(detected: core, cpuFlags: Self.avx512.union(["avx512_bf16"])) == nil)
    }

    @Test("flags are read from the first processor of /proc/cpuinfo")
    func flagsFromCpuinfo() {
        let text = """
            processor\t: 0
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse3 avx2 fma avx512f
            bugs\t\t: spectre_v1

            processor\t: 1
            flags\t\t: fpu
            """
        #expect(KernelDispatch.cpuFlags(cpuinfo: text) == ["fpu", "sse3", "avx2", "fma", "avx512f"])
        #expect(KernelDispatch.cpuFlags(cpuinfo: "processor: 0\n").isEmpty)
    }
}
