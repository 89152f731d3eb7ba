import Foundation

/// What every fuzz harness shares: the libFuzzer driver (fuzz builds, `-DFUZZING`) and, in a normal
/// build, a replay of files and directories given as arguments through the same body (the
/// regression mode: `FuzzJSON Fuzz/regressions/FuzzJSON`).
///
/// A harness body throws nothing: it returns on an input the code under test refuses, and stops the
/// process (`fuzzCheck`, `fatalError`) when an invariant of what was accepted does not hold.
public enum FuzzHarness {
    /// Runs `body` over every regular file named by `arguments` (directories are walked, sorted by
    /// path), printing each path first so that a crash names its input. Returns the exit status.
    public static func replay(_ arguments: [String], body: ([UInt8]) -> Void) -> Int32 {
        if arguments.isEmpty {
            FileHandle.standardError.write(Data("usage: harness FILE-OR-DIRECTORY...\n".utf8))
            return 2
        }
        var count = 0
        for argument in arguments {
            for path in files(argument) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                    return 1
                }
                print(path)
                body([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) input(s)")
        return 0
    }

    /// The regular files at `path`: itself, or everything below it when it is a directory.
    public static func files(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
        guard isDirectory.boolValue else { return [path] }
        var found: [String] = []
        if let walker = FileManager.default.enumerator(atPath: path) {
            while let name = walker.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(name)
                var sub: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
            }
        }
        return found.sorted()
    }

    /// Every path below `root` (files, directories, symbolic links, not followed), relative to it.
    public static func walk(_ root: String) -> [String] {
        var found: [String] = []
        func visit(_ relative: String) {
            let full = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                found.append(child)
                var info = stat()
                if lstat(root + "/" + child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { visit(child) }
            }
        }
        visit("")
        return found
    }

    /// A scratch directory private to this process, created once (harnesses that need files).
    public static let scratchDirectory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes `bytes` to `url`, stopping the process if that fails (a harness cannot go on without it).
    public static func write(_ bytes: [UInt8], to url: URL) {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            fatalError("cannot write \(url.path)")
        }
    }

    #if FUZZING
    nonisolated(unsafe) static var body: (([UInt8]) -> Void)?

    /// Hands the process to libFuzzer (linked from `libclang_rt.fuzzer_no_main`), which calls
    /// `body` once per input.
    public static func runLibFuzzer(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, body: @escaping ([UInt8]) -> Void
    ) -> CInt {
        Self.body = body
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
            let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            FuzzHarness.body?(bytes)
            return 0
        }
    }
    #endif
}

#if FUZZING
/// libFuzzer's driver: `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

/// Stops the process with `message` unless `condition` holds (unlike `precondition`, keeping the
/// message in an optimized build: it is what explains a finding).
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The tokenizer harnesses' invariant: `encode(maxLength)` with at most 32, then 3 tokens gives no
/// more ids than that, each below the vocabulary size (a row of the embedding matrix).
public func fuzzCheckTokenIDs(vocabularySize: Int, encode: (_ maxLength: Int) -> [Int32]) {
    for maxLength in [32, 3] {
        let ids = encode(maxLength)
        fuzzCheck(ids.count <= maxLength, "\(ids.count) ids for maxLength \(maxLength)")
        for id in ids {
            fuzzCheck(id >= 0 && Int(id) < vocabularySize, "id \(id) outside a vocabulary of \(vocabularySize)")
        }
    }
}
