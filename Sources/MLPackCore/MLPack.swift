/// Version and identity of this build of mlpack.
public enum MLPack {
    /// The mlpack release version, printed by `mlpack --version` and written into manifests.
    public static let version = "0.1.0"
    /// The MLflow version whose file formats and protocol mlpack follows.
    public static let mlflowCompatibleVersion = "3.17.2"
}
