// YAML values appear in MLPackCore's public API (MLmodel fields, flavor blocks).
@_exported import MLPackYAML
