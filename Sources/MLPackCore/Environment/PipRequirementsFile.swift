import Foundation

/// `requirements.txt` as MLflow writes it: the requirement lines joined with `\n`, no trailing
/// newline (`"\n".join(pip_requirements)`).
public struct PipRequirementsFile: Sendable, Hashable {
    /// File name inside a model directory.
    public static let fileName = "requirements.txt"

    /// The lines exactly as in the file (so the text round-trips).
    public var lines: [String]

    public init(lines: [String]) { self.lines = lines }

    /// Splits file text into lines (no other processing).
    public init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The file text.
    public var text: String { lines.joined(separator: "\n") }

    /// The requirements pip would read, as MLflow's `_parse_requirements` reduces them: lines
    /// stripped, inline ` #` comments removed, `\` continuations joined, comments and blank
    /// lines dropped (`-r`/`-c` lines are returned as they are).
    public var requirements: [String] { RequirementLines.clean(lines) }

    /// Reads the file from a model directory (or the file itself).
    public static func load(from url: URL) throws(EnvironmentError) -> PipRequirementsFile {
        let file = EnvironmentYAML.fileURL(url, fileName)
        return PipRequirementsFile(text: String(decoding: try EnvironmentYAML.readFile(file), as: UTF8.self))
    }
}

/// MLflow's requirement-line handling (`mlflow/utils/requirements_utils.py::_parse_requirements`).
enum RequirementLines {
    static func clean(_ raw: [String]) -> [String] {
        var out: [String] = []
        var pending = ""
        for line in raw {
            var l = line.trimmingCharacters(in: .whitespaces)
            if let r = l.range(of: " #") { l = String(l[..<r.lowerBound]).trimmingCharacters(in: .whitespaces) }
            if l.hasSuffix("\\") {
                pending += l.dropLast()
                continue
            }
            l = pending + l
            pending = ""
            if l.hasPrefix("#") || l.isEmpty { continue }
            out.append(l)
        }
        if !pending.isEmpty, !pending.hasPrefix("#") { out.append(pending) }
        return out
    }

    static func isRequirementsFile(_ l: String) -> Bool { l.hasPrefix("-r ") || l.hasPrefix("--requirement ") }
    static func isConstraintsFile(_ l: String) -> Bool { l.hasPrefix("-c ") || l.hasPrefix("--constraint ") }

    /// Expands `-r`/`-c` references (relative to `baseDirectory`) into (requirements, constraints),
    /// as MLflow's `_parse_pip_requirements` does for a list of requirement strings.
    static func expand(_ raw: [String], baseDirectory: URL, asConstraints: Bool = false, depth: Int = 0)
        throws(EnvironmentError) -> (requirements: [String], constraints: [String])
    {
        guard depth < 16 else { throw .requirementsNestTooDeep(path: baseDirectory.path) }
        var reqs: [String] = []
        var cons: [String] = []
        for line in clean(raw) {
            let isReq = isRequirementsFile(line)
            if isReq || isConstraintsFile(line) {
                let ref = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.map(String.init) ?? ""
                let file = ref.hasPrefix("/") ? URL(fileURLWithPath: ref) : baseDirectory.appendingPathComponent(ref)
                let text = String(decoding: try EnvironmentYAML.readFile(file), as: UTF8.self)
                let nested = try expand(
                    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                    baseDirectory: file.deletingLastPathComponent(), asConstraints: !isReq, depth: depth + 1)
                reqs += nested.requirements
                cons += nested.constraints
            } else if asConstraints {
                cons.append(line)
            } else {
                reqs.append(line)
            }
        }
        return (reqs, cons)
    }
}
