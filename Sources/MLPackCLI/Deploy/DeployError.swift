/// Why `mlpack generate-dockerfile` refused. Each case names the file, option or value at fault.
enum DeployError: Error, CustomStringConvertible, Equatable {
    /// An option value that cannot go into the image or the manifests.
    case invalidOption(option: String, value: String, reason: String)
    /// The output directory exists and is not empty, and --force was not given.
    case outputNotEmpty(path: String)
    /// The output directory is, or is inside, the model directory or the binary's bundle.
    case outputInsideInput(output: String, input: String)
    /// The model does not pass `mlpack validate` (the check the image build repeats).
    case invalidModel(path: String, findings: [String])
    /// `--binary` is neither an executable ELF file nor a release tarball of scripts/build-release.sh.
    case unsupportedBinary(path: String, reason: String)
    /// The binary needs shared libraries that cannot be found on this machine.
    case missingLibraries(binary: String, sonames: [String])
    /// A helper program (ldd, tar) failed or is missing.
    case toolFailed(tool: String, arguments: [String], reason: String)
    /// A file-system operation failed.
    case fileSystem(path: String, operation: String, reason: String)

    var description: String {
        switch self {
        case let .invalidOption(option, value, reason):
            return "\(option) '\(value)': \(reason)"
        case let .outputNotEmpty(path):
            return "\(path): exists and is not empty; use --force to replace it"
        case let .outputInsideInput(output, input):
            return "\(output): the output directory cannot be inside \(input)"
        case let .invalidModel(path, findings):
            return "\(path): the model does not validate (the image build would refuse it):\n  "
                + findings.joined(separator: "\n  ")
        case let .unsupportedBinary(path, reason):
            return "\(path): \(reason)"
        case let .missingLibraries(binary, sonames):
            return "\(binary): needs \(sonames.joined(separator: ", ")), not found on this machine (ldd); "
                + "build a portable binary with scripts/build-release.sh and pass its tarball with --binary"
        case let .toolFailed(tool, arguments, reason):
            return "\(([tool] + arguments).joined(separator: " ")): \(reason)"
        case let .fileSystem(path, operation, reason):
            return "\(path): \(operation) failed: \(reason)"
        }
    }
}
