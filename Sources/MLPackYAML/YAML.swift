import CYAML

/// Swift front of libyaml. No other module imports `CYAML`.
public enum YAMLLibrary {
    /// The libyaml version string, for diagnostics.
    public static var version: String { String(cString: yaml_get_version_string()) }
}
