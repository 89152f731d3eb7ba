import CZip

/// Swift front of libzip. No other module imports `CZip`.
public enum ZipLibrary {
    /// The libzip version string, for diagnostics.
    public static var version: String { String(cString: zip_libzip_version()) }
}
