import Foundation

/// The checks MLflow's store and REST handlers apply before writing (mlflow/utils/validation.py),
/// so a local write is refused exactly where a server would refuse it.
enum LocalValidation {
    static let maxParamsTagsPerBatch = 100
    static let maxEntityKeyLength = 250
    static let maxParamValueLength = 6000
    static let maxTagValueLength = 8000
    static let maxExperimentNameLength = 500
    static let maxAliasLength = 255

    /// Param and tag keys: alphanumerics, `_ - . / :` and spaces, and a path that does not
    /// normalise to another name.
    static func checkKey(_ key: String, kind: String) throws(TrackingError) {
        if key.isEmpty { throw .invalidArgument(key: key, message: "a \(kind) key must not be empty") }
        let allowed = key.unicodeScalars.allSatisfy { s in
            CharacterSet.alphanumerics.contains(s) || s == "_" || s == "-" || s == "." || s == "/" || s == " " || s == ":"
        }
        if !allowed {
            throw .invalidArgument(
                key: key,
                message: "invalid \(kind) key: names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)")
        }
        if !isUniquePath(key) {
            throw .invalidArgument(key: key, message: "invalid \(kind) key: names may be treated as files and must not resolve to other names")
        }
        if key.count > maxEntityKeyLength {
            throw .invalidArgument(key: key, message: "\(kind) key is \(key.count) characters; MLflow allows at most \(maxEntityKeyLength)")
        }
    }

    static func checkParam(_ key: String, _ value: String) throws(TrackingError) {
        try checkKey(key, kind: "param")
        if value.count > maxParamValueLength {
            throw .invalidArgument(key: key, message: "param value is \(value.count) characters; MLflow allows at most \(maxParamValueLength)")
        }
    }

    static func checkTag(_ key: String, _ value: String) throws(TrackingError) {
        try checkKey(key, kind: "tag")
        if value.count > maxTagValueLength {
            throw .invalidArgument(key: key, message: "tag value is \(value.count) characters; MLflow allows at most \(maxTagValueLength)")
        }
    }

    static func checkExperimentName(_ name: String) throws(TrackingError) {
        if name.isEmpty { throw .invalidName(name: name, reason: "an experiment name must not be empty") }
        if name.count > maxExperimentNameLength {
            throw .invalidName(name: name, reason: "an experiment name may have at most \(maxExperimentNameLength) characters")
        }
    }

    /// Registered model names: not blank, no `/` or `:`, and not a path that normalises to another name.
    static func checkRegisteredModelName(_ name: String) throws(TrackingError) {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidName(name: name, reason: "a registered model name must not be empty")
        }
        if name.contains("/") || name.contains(":") {
            throw .invalidName(name: name, reason: "a registered model name cannot contain '/' or ':'")
        }
        if !isUniquePath(name) {
            throw .invalidName(name: name, reason: "a registered model name must not resolve to another name when treated as a path")
        }
    }

    /// Alias names: alphanumerics, `_` and `-`; not `latest` and not `v<digits>` (both reserved).
    static func checkAlias(_ alias: String) throws(TrackingError) {
        if alias.isEmpty { throw .invalidName(name: alias, reason: "an alias must not be empty") }
        let ok = alias.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }
        if !ok { throw .invalidName(name: alias, reason: "alias names may only contain alphanumerics, underscores (_) and dashes (-)") }
        if alias.count > maxAliasLength { throw .invalidName(name: alias, reason: "an alias may have at most \(maxAliasLength) characters") }
        if alias.lowercased() == "latest" { throw .invalidName(name: alias, reason: "'latest' (any case) is reserved") }
        if let first = alias.first, first == "v" || first == "V", alias.count > 1, alias.dropFirst().allSatisfy(\.isASCIIDigitChar) {
            throw .invalidName(name: alias, reason: "version aliases (v<number>) are reserved")
        }
    }

    /// A registry version number (`1`, `2`, …).
    static func versionNumber(_ version: String) throws(TrackingError) -> Int64 {
        guard !version.isEmpty, version.allSatisfy(\.isASCIIDigitChar), let n = Int64(version) else {
            throw .invalidArgument(key: "version", message: "a model version is a number, not \"\(version)\"")
        }
        return n
    }

    /// `posixpath.normpath(name) == name` and it does not start with `..` or `/` (MLflow's `path_not_unique`, negated).
    static func isUniquePath(_ name: String) -> Bool {
        if name.hasPrefix("/") || name.hasPrefix("..") { return false }
        var parts: [Substring] = []
        for c in name.split(separator: "/", omittingEmptySubsequences: true) where c != "." {
            if c == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(c) }
        }
        let normalized = parts.isEmpty ? "." : parts.joined(separator: "/")
        return normalized == name && normalized != "."
    }
}

fileprivate extension Character {
    var isASCIIDigitChar: Bool { ("0"..."9").contains(self) }
}
