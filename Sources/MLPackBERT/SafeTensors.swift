import Foundation
import MLPackTokenizer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A memory-mapped `.safetensors` file with a fully validated header: every tensor's dtype,
/// shape and byte range are checked against the file before any pointer is made.
public final class SafeTensorsFile: @unchecked Sendable {
    /// Element types of safetensors.
    public enum DType: String, Sendable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    /// One tensor's header entry (offsets relative to the file start).
    public struct Entry: Sendable {
        public let dtype: DType
        public let shape: [Int]
        public let offset: Int
        public let byteCount: Int
    }

    /// Largest header accepted (the real models have ~11 KB; a 512-layer BERT ~1 MB).
    public static let maxHeaderBytes = 16 << 20
    /// Most tensors in a file (a BERT of the largest configuration accepted, 512 layers, has 8,208).
    public static let maxTensors = 20_000
    /// Most JSON values in the header (about 11 per tensor), counted before it is parsed.
    public static let maxHeaderValues = 250_000

    public let name: String
    public let entries: [String: Entry]
    private let base: UnsafeRawPointer
    private let length: Int

    /// Maps and validates `url`.
    public init(url: URL) throws {
        let name = url.lastPathComponent
        self.name = name
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BERTError.unreadable(file: name, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw BERTError.unreadable(file: name, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        guard size >= 8 else {
            throw BERTError.invalidSafeTensors(file: name, tensor: nil, reason: "file of \(size) bytes has no header")
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            throw BERTError.unreadable(file: name, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
        length = size
        do {
            entries = try Self.parseHeader(base: base, size: size, file: name)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Drops the resident pages under `tensor` (one of this file's, read no more) from this
    /// process's memory: the mapping is read-only, so a later read would only fault them back in
    /// from the file. Pages shared with a neighbouring tensor are dropped too, for the same reason
    /// harmlessly. A tensor that is not this file's is left alone.
    public func release(_ tensor: FloatTensor) {
        let start = UnsafeRawPointer(tensor.pointer)
        guard start >= base, start + tensor.count * 4 <= base + length, tensor.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) / page) * page
        let end = (Int(bitPattern: start + tensor.count * 4) + page - 1) / page * page
        madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, Int32(MADV_DONTNEED))
    }

    private static func parseHeader(base: UnsafeRawPointer, size: Int, file: String) throws -> [String: Entry] {
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw BERTError.invalidSafeTensors(
                file: file, tensor: nil, reason: "header length \(headerLength) exceeds the \(maxHeaderBytes)-byte cap")
        }
        guard Int(headerLength) <= size - 8 else {
            throw BERTError.invalidSafeTensors(
                file: file, tensor: nil, reason: "header length \(headerLength) runs past the end of the \(size)-byte file")
        }
        let dataStart = 8 + Int(headerLength)
        // Counted in the mapped bytes before anything is parsed or copied (JSONSerialization spends
        // a few hundred bytes per value).
        do {
            _ = try JSONPrescan.scan(
                UnsafeRawBufferPointer(start: base + 8, count: Int(headerLength)),
                limits: .init(maxValues: maxHeaderValues, maxDepth: 8, path: [], maxMembers: maxTensors + 1))
        } catch {
            let reason: String
            if case .members(_, let limit) = error { reason = "more than \(limit - 1) tensors" } else { reason = error.description }
            throw BERTError.invalidSafeTensors(file: file, tensor: nil, reason: "header refused before parsing: \(reason)")
        }
        let header = Data(bytes: base + 8, count: Int(headerLength))
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw BERTError.invalidSafeTensors(file: file, tensor: nil, reason: "header is not valid JSON")
        }
        guard let dict = object as? [String: Any] else {
            throw BERTError.invalidSafeTensors(file: file, tensor: nil, reason: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var ranges: [(Int, Int, String)] = []
        for (key, value) in dict where key != "__metadata__" {
            guard let e = value as? [String: Any], let dt = e["dtype"] as? String,
                let shapeAny = e["shape"] as? [Any], let offs = e["data_offsets"] as? [Any], offs.count == 2
            else {
                throw BERTError.invalidSafeTensors(
                    file: file, tensor: key, reason: "entry needs dtype, shape and two data_offsets")
            }
            guard let dtype = DType(rawValue: dt) else {
                throw BERTError.invalidSafeTensors(file: file, tensor: key, reason: "unknown dtype \(dt)")
            }
            var shape: [Int] = []
            var count = 1
            for d in shapeAny {
                guard let n = (d as? NSNumber)?.intValue, n >= 0 else {
                    throw BERTError.invalidSafeTensors(file: file, tensor: key, reason: "shape \(shapeAny) is not non-negative integers")
                }
                let (m, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow else {
                    throw BERTError.invalidSafeTensors(file: file, tensor: key, reason: "shape \(shapeAny) overflows")
                }
                count = m
                shape.append(n)
            }
            guard let begin = (offs[0] as? NSNumber)?.intValue, let end = (offs[1] as? NSNumber)?.intValue,
                begin >= 0, end >= begin
            else {
                throw BERTError.invalidSafeTensors(file: file, tensor: key, reason: "data_offsets \(offs) are not 0 <= begin <= end")
            }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, bytes == end - begin else {
                throw BERTError.invalidSafeTensors(
                    file: file, tensor: key,
                    reason: "shape \(shape) of \(dt) needs \(overflow ? "too many" : String(bytes)) bytes but data_offsets span \(end - begin)")
            }
            guard end <= size - dataStart else {
                throw BERTError.invalidSafeTensors(
                    file: file, tensor: key,
                    reason: "data_offsets [\(begin), \(end)] run past the end of the data (\(size - dataStart) bytes)")
            }
            entries[key] = Entry(dtype: dtype, shape: shape, offset: dataStart + begin, byteCount: bytes)
            ranges.append((begin, end, key))
        }
        ranges.sort { $0.0 < $1.0 }
        for i in ranges.indices.dropFirst() where ranges[i].0 < ranges[i - 1].1 {
            throw BERTError.invalidSafeTensors(
                file: file, tensor: ranges[i].2, reason: "data overlaps tensor \(ranges[i - 1].2)")
        }
        return entries
    }

    /// The tensor `name` as Float32 with exactly `shape`: a zero-copy view of F32 data, or a
    /// converted copy of F16 / BF16 / F64 data.
    public func floats(_ name: String, shape: [Int]) throws -> FloatTensor {
        guard let e = entries[name] else {
            throw BERTError.missingTensor(file: self.name, tensor: name, expectedShape: shape)
        }
        guard e.shape == shape else {
            throw BERTError.invalidSafeTensors(
                file: self.name, tensor: name, reason: "shape \(e.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        let src = base + e.offset
        switch e.dtype {
        case .f32:
            if Int(bitPattern: src) % MemoryLayout<Float>.alignment == 0 {
                return FloatTensor(owner: self, pointer: src.assumingMemoryBound(to: Float.self), count: count)
            }
            var copy = [Float](repeating: 0, count: count)
            copy.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: src, count: e.byteCount)) }
            return FloatTensor(copy)
        case .f16:
            return FloatTensor((0..<count).map { i in
                Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            })
        case .bf16:
            return FloatTensor((0..<count).map { i in
                Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            })
        case .f64:
            return FloatTensor((0..<count).map { i in
                Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            })
        default:
            throw BERTError.invalidSafeTensors(
                file: self.name, tensor: name, reason: "dtype \(e.dtype.rawValue) is not a floating-point type")
        }
    }
}

/// A read-only Float32 tensor: either a view into a mapped file (kept alive by `owner`) or owned storage.
public struct FloatTensor: @unchecked Sendable {
    private let owner: AnyObject?
    /// First element; valid while this value exists.
    public let pointer: UnsafePointer<Float>
    public let count: Int

    init(owner: AnyObject, pointer: UnsafePointer<Float>, count: Int) {
        self.owner = owner
        self.pointer = pointer
        self.count = count
    }

    init(_ values: [Float]) {
        let box = FloatBox(values)
        self.owner = box
        self.pointer = UnsafePointer(box.pointer)
        self.count = values.count
    }

    /// Copies the elements.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Owned, stably addressed Float storage.
final class FloatBox: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(1, values.count))
        pointer.initialize(repeating: 0, count: max(1, values.count))
        for (i, v) in values.enumerated() { pointer[i] = v }
    }
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }
    deinit { pointer.deallocate() }
}
