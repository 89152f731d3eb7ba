import Foundation

/// The build context's `mlpack/` folder: `bin/mlpack` with its resource bundles, and `lib/` with
/// every shared library the binary loads except glibc's (which debian-slim has), so the image needs
/// no apt package and runs the very libraries the binary was tested with.
///
/// From a release tarball (scripts/build-release.sh) the folder is the tarball's `bin/` and `lib/`
/// (the binary finds `lib/` through its DT_RPATH `$ORIGIN/../lib`). From a plain binary (by default
/// the running one) the libraries are copied from where `ldd` finds them on this machine, and the
/// image points LD_LIBRARY_PATH at `lib/`. Either way the folder is then checked the way the image
/// will run it: with LD_LIBRARY_PATH set to `lib/`, every library but glibc's must come from `lib/`,
/// and `bin/mlpack --version` must run.
enum RuntimeBundle {
    struct Report: Equatable {
        /// What --binary named (after resolving /proc/self/exe).
        var source: String
        /// Whether it was a release tarball (or an unpacked release directory).
        var fromRelease: Bool
        /// `mlpack --version` of the bundled binary.
        var version: String
        /// The sonames in `lib/`, sorted.
        var libraries: [String]
    }

    /// glibc's libraries: the base image's, never bundled (the list of scripts/build-release.sh).
    static func isGlibc(_ soname: String) -> Bool {
        ["libc.so.", "libm.so.", "libpthread.so.", "libdl.so.", "librt.so.", "ld-linux", "libresolv.so.", "libutil.so."]
            .contains { soname.hasPrefix($0) }
    }

    /// The running executable.
    static func runningExecutable() throws(DeployError) -> URL {
        do {
            return URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        } catch {
            throw .fileSystem(path: "/proc/self/exe", operation: "read link", reason: "\(error)")
        }
    }

    /// Fills `folder` (which must not exist) from `binary`; `scratch` is an empty directory for the
    /// tarball's extraction.
    static func stage(binary: URL, into folder: URL, scratch: URL) throws(DeployError) -> Report {
        let source = binary.standardizedFileURL
        let bin = folder.appendingPathComponent("bin"), lib = folder.appendingPathComponent("lib")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw .unsupportedBinary(path: source.path, reason: "no such file or directory")
        }
        let fromRelease: Bool
        if isDirectory.boolValue {
            try copyRelease(root: source, into: folder)
            fromRelease = true
        } else {
            let head = try readHead(source)
            if head.starts(with: [0x1F, 0x8B]) {
                let extracted = scratch.appendingPathComponent("release")
                try createDirectory(extracted)
                let tar = try ExternalTool.run("tar", ["-xzf", source.path, "-C", extracted.path, "--no-same-owner"])
                guard tar.status == 0 else {
                    throw .toolFailed(tool: "tar", arguments: ["-xzf", source.path], reason: tar.stderr.trimmed)
                }
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: extracted.path)) ?? []
                guard entries.count == 1 else {
                    throw .unsupportedBinary(
                        path: source.path,
                        reason: "expected one top-level directory (mlpack-<version>/, as scripts/build-release.sh makes), found \(entries.count) entries")
                }
                try copyRelease(root: extracted.appendingPathComponent(entries[0]), into: folder, tarball: source.path)
                fromRelease = true
            } else if head == [0x7F, 0x45, 0x4C, 0x46] {
                try createDirectory(bin)
                try copy(source, to: bin.appendingPathComponent("mlpack"))
                // SwiftPM's resource bundles are read next to the executable.
                let siblings = (try? FileManager.default.contentsOfDirectory(atPath: source.deletingLastPathComponent().path)) ?? []
                for bundle in siblings.sorted() where bundle.hasSuffix(".resources") {
                    try copy(source.deletingLastPathComponent().appendingPathComponent(bundle), to: bin.appendingPathComponent(bundle))
                }
                try createDirectory(lib)
                for (soname, path) in try dependencies(of: source) where !isGlibc(soname) {
                    try copy(URL(fileURLWithPath: path).resolvingSymlinksInPath(), to: lib.appendingPathComponent(soname))
                }
                fromRelease = false
            } else {
                throw .unsupportedBinary(
                    path: source.path,
                    reason: "neither an executable (ELF) nor a release tarball of scripts/build-release.sh (.tar.gz)")
            }
        }
        try makeReadable(folder)
        let executable = bin.appendingPathComponent("mlpack")
        chmod(executable.path, 0o755)

        // As the image will run it: libraries from lib/ or glibc, nothing else.
        var environment = ProcessInfo.processInfo.environment
        environment["LD_LIBRARY_PATH"] = lib.path
        let libRoot = lib.resolvingSymlinksInPath().path + "/"
        for (soname, path) in try dependencies(of: executable, environment: environment) where !isGlibc(soname) {
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard resolved.hasPrefix(libRoot) else {
                throw .unsupportedBinary(
                    path: source.path,
                    reason: "loads \(soname) from \(resolved), outside the bundle's lib/; the image would not have it")
            }
        }
        let run = try ExternalTool.run(executable.path, ["--version"], environment: environment)
        let version = run.stdout.trimmed
        guard run.status == 0, !version.isEmpty, !version.contains("\n") else {
            throw .unsupportedBinary(path: source.path, reason: "`mlpack --version` failed (exit \(run.status)): \(run.stderr.trimmed)")
        }
        let libraries = ((try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []).sorted()
        return Report(source: source.path, fromRelease: fromRelease, version: version, libraries: libraries)
    }

    /// The shared libraries `ldd` resolves for `binary` (soname, path); a binary without dynamic
    /// section gives none; unresolved ones are an error naming them all.
    static func dependencies(of binary: URL, environment: [String: String]? = nil) throws(DeployError) -> [(String, String)] {
        let ldd = try ExternalTool.run("ldd", [binary.path], environment: environment)
        if ldd.status != 0 {
            if (ldd.stdout + ldd.stderr).contains("not a dynamic executable") { return [] }
            throw .toolFailed(tool: "ldd", arguments: [binary.path], reason: (ldd.stderr + ldd.stdout).trimmed)
        }
        var found: [(String, String)] = []
        var missing: [String] = []
        for line in ldd.stdout.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard parts.count >= 3, parts[1] == "=>" else { continue }  // vDSO, the loader, "statically linked"
            if parts[2] == "not" {
                missing.append(parts[0])
            } else if parts[2].hasPrefix("/") {
                found.append((parts[0], parts[2]))
            }
        }
        if !missing.isEmpty { throw .missingLibraries(binary: binary.path, sonames: missing) }
        return found
    }

    // MARK: Files

    /// A release's `bin/mlpack` (with the resource bundles beside it), `lib/` and `LIBRARIES.txt`.
    private static func copyRelease(root: URL, into folder: URL, tarball: String? = nil) throws(DeployError) {
        let executable = root.appendingPathComponent("bin/mlpack")
        guard (try? readHead(executable)) == [0x7F, 0x45, 0x4C, 0x46] else {
            throw .unsupportedBinary(
                path: tarball ?? root.path,
                reason: "no executable \(root.lastPathComponent)/bin/mlpack (expected the layout of scripts/build-release.sh)")
        }
        try createDirectory(folder)
        for part in ["bin", "lib", "LIBRARIES.txt"] where FileManager.default.fileExists(atPath: root.appendingPathComponent(part).path) {
            try copy(root.appendingPathComponent(part), to: folder.appendingPathComponent(part))
        }
        try createDirectory(folder.appendingPathComponent("lib"))
    }

    private static func readHead(_ url: URL) throws(DeployError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw .fileSystem(path: url.path, operation: "open", reason: "not readable")
        }
        defer { try? handle.close() }
        return Array((try? handle.read(upToCount: 4)) ?? Data())
    }

    private static func createDirectory(_ url: URL) throws(DeployError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .fileSystem(path: url.path, operation: "create directory", reason: "\(error)")
        }
    }

    private static func copy(_ from: URL, to: URL) throws(DeployError) {
        do { try FileManager.default.copyItem(at: from, to: to) } catch {
            throw .fileSystem(path: from.path, operation: "copy to \(to.path)", reason: "\(error)")
        }
    }

    /// Readable by everyone, directories and executables searchable/runnable by everyone (`chmod -R
    /// a+rX`): the image's user is not the files' owner.
    private static func makeReadable(_ folder: URL) throws(DeployError) {
        var paths = [folder.path]
        if let walker = FileManager.default.enumerator(atPath: folder.path) {
            while let relative = walker.nextObject() as? String { paths.append(folder.path + "/" + relative) }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw .fileSystem(path: path, operation: "stat", reason: String(cString: strerror(errno))) }
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK { continue }
            var mode = info.st_mode & 0o7777 | 0o444
            if type == S_IFDIR || info.st_mode & 0o100 != 0 { mode |= 0o111 }
            guard chmod(path, mode) == 0 else { throw .fileSystem(path: path, operation: "chmod", reason: String(cString: strerror(errno))) }
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
