import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file or directory that becomes a destination by one `rename(2)`, so a reader (or a
/// process killed half-way) never sees a partial destination.
///
/// It lives next to its destination (same file system: the rename is atomic), named
/// `.<name>.mlpack-tmp-<8 hex>` where `<name>` is the destination's name (cut to 100 bytes), and
/// it holds an exclusive `flock(2)` for as long as it exists. The kernel releases that lock when
/// its process dies, however it dies (SIGKILL included), so ``sweep(_:name:)`` can tell a
/// temporary abandoned by a dead process (lock free: removed) from one being written right now
/// (lock held: left alone). Every writer sweeps its destination's directory before it starts, so
/// leftovers of a killed run are removed by the next run writing the same destination.
public final class TemporaryItem: @unchecked Sendable {
    /// Marker between the destination's name and the random suffix.
    public static let marker = ".mlpack-tmp-"
    /// Longest part of the destination's name kept in a temporary's name (NAME_MAX is 255).
    static let maxNameBytes = 100

    /// Why a temporary could not be made or moved into place.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        /// The path at fault.
        public var path: String
        /// What failed.
        public var reason: String
        /// The `errno` of the failed call (0 when none).
        public var code: Int32
        public var description: String { "\(path): \(reason)" }

        public init(path: String, reason: String, code: Int32 = 0) {
            self.path = path
            self.reason = reason
            self.code = code
        }
    }

    /// The temporary's path.
    public let url: URL
    /// Whether it is a directory.
    public let isDirectory: Bool
    /// The locked descriptor (for a file: open for writing).
    public private(set) var descriptor: Int32
    private var finished = false

    private init(url: URL, isDirectory: Bool, descriptor: Int32) {
        self.url = url
        self.isDirectory = isDirectory
        self.descriptor = descriptor
    }

    deinit { discard() }

    /// The prefix every temporary for `name` starts with: `.<name>.mlpack-tmp-`.
    public static func prefix(for name: String) -> String {
        var bytes = Array(name.utf8.prefix(maxNameBytes))
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        return "." + String(decoding: bytes, as: UTF8.self) + marker
    }

    /// Whether `name` is a temporary's name (`.<name>.mlpack-tmp-<8 hex>`): listings of what a
    /// command wrote (artifact stores) skip them.
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) else { return false }
        let suffix = name[range.upperBound...]
        return suffix.utf8.count == 8 && suffix.allSatisfy(\.isHexDigit)
    }

    /// A new, empty, locked file next to `destination` (after sweeping that directory), open for writing.
    public static func file(for destination: URL) throws(Failure) -> TemporaryItem {
        try make(in: destination.deletingLastPathComponent(), name: destination.lastPathComponent, directory: false)
    }

    /// A new, empty, locked directory next to `destination` (after sweeping that directory), mode 0700.
    public static func directory(for destination: URL) throws(Failure) -> TemporaryItem {
        try make(in: destination.deletingLastPathComponent(), name: destination.lastPathComponent, directory: true)
    }

    /// A new, empty, locked scratch directory `.<label>.mlpack-tmp-…` in `parent` (default: the
    /// system's temporary directory), after sweeping the abandoned ones with the same label.
    public static func scratchDirectory(label: String, in parent: URL = FileManager.default.temporaryDirectory)
        throws(Failure) -> TemporaryItem
    {
        try make(in: parent, name: label, directory: true)
    }

    private static func make(in parent: URL, name: String, directory: Bool) throws(Failure) -> TemporaryItem {
        sweep(parent, name: name)
        let base = prefix(for: name)
        for _ in 0..<16 {
            let url = parent.appendingPathComponent(base + randomSuffix(), isDirectory: directory)
            let fd: Int32
            if directory {
                guard mkdir(url.path, 0o700) == 0 else {
                    if errno == EEXIST { continue }
                    throw Failure(path: url.path, reason: "cannot create a temporary directory: \(lastError())")
                }
                fd = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            } else {
                fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                if fd < 0 && errno == EEXIST { continue }
            }
            guard fd >= 0 else { throw Failure(path: url.path, reason: "cannot create a temporary file: \(lastError())") }
            // Between creating and locking, a sweeper may have found it unlocked and removed it:
            // then it is no longer linked, and another name is tried.
            var info = stat()
            guard flock(fd, LOCK_EX) == 0, fstat(fd, &info) == 0, info.st_nlink > 0 else {
                close(fd)
                continue
            }
            return TemporaryItem(url: url, isDirectory: directory, descriptor: fd)
        }
        throw Failure(path: parent.path, reason: "cannot create a temporary \(directory ? "directory" : "file") for \(name)")
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt32, radix: 16).leftPadded(to: 8)
    }

    /// Writes all of `data` to the (file) temporary and flushes it to disk.
    public func write(_ data: Data) throws(Failure) {
        let failure: Failure? = data.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = posixWrite(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return Failure(path: url.path, reason: "write failed: \(Self.lastError())")
                }
                done += n
            }
            return nil
        }
        if let failure { throw failure }
        guard fsync(descriptor) == 0 else { throw Failure(path: url.path, reason: "fsync failed: \(Self.lastError())") }
    }

    /// Renames the temporary onto `destination` (replacing a file there, or an empty directory),
    /// then releases its lock.
    public func commit(to destination: URL) throws(Failure) {
        precondition(!finished, "TemporaryItem committed or discarded twice")
        guard rename(url.path, destination.path) == 0 else {
            let code = errno
            discard()
            throw Failure(
                path: destination.path, reason: "cannot move \(url.lastPathComponent) into place: \(String(cString: strerror(code)))",
                code: code)
        }
        finished = true
        close(descriptor)
        descriptor = -1
    }

    /// Swaps the temporary with the existing `destination` in one step (Linux `renameat2` with
    /// `RENAME_EXCHANGE`), then removes what the temporary's name now holds: the old destination.
    /// Returns false, changing nothing, where the system cannot swap (another OS, an old kernel, a
    /// file system without support); the caller then replaces the destination in two renames.
    public func exchange(with destination: URL) throws(Failure) -> Bool {
        precondition(!finished, "TemporaryItem committed or discarded twice")
        guard let swap = Self.renameExchange else { return false }
        guard swap(url.path, destination.path) == 0 else {
            let code = errno
            if code == EINVAL || code == ENOSYS || code == ENOTSUP { return false }
            throw Failure(
                path: destination.path, reason: "cannot swap \(url.lastPathComponent) into place: \(String(cString: strerror(code)))",
                code: code)
        }
        finished = true
        if isDirectory { try? FileManager.default.removeItem(at: url) } else { unlink(url.path) }
        close(descriptor)
        descriptor = -1
        return true
    }

    /// `renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE)`, looked up at run time (the
    /// Swift Glibc module does not declare it); nil where the C library has none.
    private static let renameExchange: (@Sendable (String, String) -> Int32)? = {
        #if os(Linux)
            typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
            let function = unsafeBitCast(symbol, to: RenameAt2.self)
            let atCurrentDirectory: Int32 = -100  // AT_FDCWD
            let exchange: UInt32 = 2  // RENAME_EXCHANGE
            return { from, to in function(atCurrentDirectory, from, atCurrentDirectory, to, exchange) }
        #else
            return nil
        #endif
    }()

    /// A fresh name `.<name>.mlpack-tmp-<hex>` in `directory` for moving an existing item aside: as
    /// it holds no lock, a sweep removes it if the process dies before it does.
    public static func asideURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent(prefix(for: destination.lastPathComponent) + randomSuffix())
    }

    /// Removes the temporary (idempotent; also done when it is released without a commit).
    public func discard() {
        guard !finished else { return }
        finished = true
        if isDirectory {
            try? FileManager.default.removeItem(at: url)
        } else {
            unlink(url.path)
        }
        close(descriptor)
        descriptor = -1
    }

    /// Removes the temporaries for `name` in `directory` whose process has died (their lock is free);
    /// returns the names removed. Never fails: a temporary it cannot remove stays for a later sweep.
    @discardableResult
    public static func sweep(_ directory: URL, name: String) -> [String] {
        let base = prefix(for: name)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for entry in names where entry.hasPrefix(base) && entry.utf8.count == base.utf8.count + 8 {
            let path = directory.appendingPathComponent(entry).path
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            guard isDirectory || info.st_mode & S_IFMT == S_IFREG else { continue }
            let fd = open(path, (isDirectory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }  // its writer is alive
            if isDirectory {
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(entry) }
            } else if unlink(path) == 0 {
                removed.append(entry)
            }
        }
        return removed
    }

    /// ``sweep(_:name:)`` for temporary files in the directory open as `directory` (for callers that
    /// walk directories by descriptor so as never to follow a symbolic link).
    @discardableResult
    public static func sweepFiles(inDirectory directory: Int32, name: String) -> [String] {
        let base = prefix(for: name)
        let copy = dup(directory)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return []
        }
        var names: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if entryName.hasPrefix(base) && entryName.utf8.count == base.utf8.count + 8 { names.append(entryName) }
        }
        closedir(stream)
        var removed: [String] = []
        for entryName in names {
            let fd = openat(directory, entryName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            if unlinkat(directory, entryName, 0) == 0 { removed.append(entryName) }
        }
        return removed
    }

    /// Creates a temporary file for `name` in the directory open as `directory`, locked, open for
    /// writing (after sweeping that directory); returns its descriptor and name. The caller renames it
    /// (`renameat`) or unlinks it, then closes the descriptor.
    public static func createFile(inDirectory directory: Int32, name: String) throws(Failure) -> (descriptor: Int32, name: String) {
        sweepFiles(inDirectory: directory, name: name)
        let base = prefix(for: name)
        for _ in 0..<16 {
            let entryName = base + randomSuffix()
            let fd = openat(directory, entryName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 {
                if errno == EEXIST { continue }
                throw Failure(path: name, reason: "cannot create a temporary file next to it: \(lastError())", code: errno)
            }
            var info = stat()
            guard flock(fd, LOCK_EX) == 0, fstat(fd, &info) == 0, info.st_nlink > 0 else {
                close(fd)
                continue
            }
            return (fd, entryName)
        }
        throw Failure(path: name, reason: "cannot create a temporary file next to it")
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// write(2) (the name `write` is the method's inside the class).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
    #else
        return Darwin.write(fd, buffer, count)
    #endif
}
