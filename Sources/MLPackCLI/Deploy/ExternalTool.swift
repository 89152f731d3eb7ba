import Foundation

/// Runs a helper program (ldd, tar, found on PATH; or a path) and captures its output.
enum ExternalTool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws(DeployError) -> Output {
        guard let executable = locate(tool) else {
            throw .toolFailed(tool: tool, arguments: arguments, reason: tool.contains("/") ? "not an executable file" : "\(tool) is not on PATH")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .toolFailed(tool: tool, arguments: arguments, reason: "\(error)")
        }
        // Both pipes at once, so a full stderr pipe cannot block the child.
        let errorBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: errorBox.data, as: UTF8.self))
    }

    private static func locate(_ tool: String) -> URL? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? URL(fileURLWithPath: tool) : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        return directories.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(tool) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
