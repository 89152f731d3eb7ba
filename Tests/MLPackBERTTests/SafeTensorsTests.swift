import Foundation
import Testing
@testable import MLPackBERT

/// Hand-built safetensors files, valid and hostile.
@Suite struct SafeTensorsTests {
    /// Writes `header` (padded to 8 bytes) and `data` as a safetensors file, or with `lengthOverride`
    /// as the declared header length.
    static func write(_ header: String, data: [UInt8], lengthOverride: UInt64? = nil) throws -> URL {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        let n = lengthOverride ?? UInt64(h.count)
        var bytes = (0..<8).map { UInt8((n >> (8 * UInt64($0))) & 0xFF) }
        bytes += h + data
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    static func floatBytes(_ v: [Float]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    @Test func readsF32F16BF16() throws {
        let f32 = Self.floatBytes([1, 2, 3, 4])
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]  // 1.0, -2.0
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0x40]  // 1.0, 3.0
        let header = """
            {"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},
             "h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},
             "b":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},
             "__metadata__":{"format":"pt"}}
            """
        let url = try Self.write(header, data: f32 + f16 + bf16)
        let file = try SafeTensorsFile(url: url)
        #expect(try file.floats("a", shape: [2, 2]).array == [1, 2, 3, 4])
        #expect(try file.floats("h", shape: [2]).array == [1, -2])
        #expect(try file.floats("b", shape: [2]).array == [1, 3])
        #expect(throws: BERTError.self) { _ = try file.floats("a", shape: [4]) }
        #expect(throws: BERTError.self) { _ = try file.floats("missing", shape: [1]) }
    }

    @Test(arguments: [
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "data_offsets"),  // past the end
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12 bytes"),  // lying shape
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "begin <= end"),
        ("{\"a\":{\"dtype\":\"X9\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", "non-negative"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", "overflow"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlaps"),
        ("[1,2]", "not a JSON object"),
        ("{\"a\":", "not valid JSON"),
    ])
    func rejectsInconsistentHeaders(header: String, reason: String) throws {
        let url = try Self.write(header, data: Self.floatBytes([1, 2]))
        #expect {
            _ = try SafeTensorsFile(url: url)
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains("model.safetensors")
        }
    }

    @Test func rejectsHugeAndTruncatedHeaderLengths() throws {
        let huge = try Self.write("{}", data: [], lengthOverride: UInt64(1) << 60)
        #expect { _ = try SafeTensorsFile(url: huge) } throws: { "\($0)".contains("cap") }
        let past = try Self.write("{}", data: [], lengthOverride: 4096)
        #expect { _ = try SafeTensorsFile(url: past) } throws: { "\($0)".contains("past the end") }
        let tiny = try Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors")
        try Data([1, 2, 3]).write(to: tiny)
        #expect { _ = try SafeTensorsFile(url: tiny) } throws: { "\($0)".contains("no header") }
    }

    @Test func truncatedRealWeightsAreRejected() throws {
        let dir = try Fixtures.copyOfModel(Fixtures.tinyModel)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let st = dir.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: st)
        try data.prefix(data.count / 2).write(to: st)
        #expect { _ = try SentenceTransformer.load(directory: dir) } throws: { "\($0)".contains("past the end") }
    }
}
