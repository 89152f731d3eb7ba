import COpenBLAS

/// Thin Swift front of OpenBLAS. No other module imports `COpenBLAS`.
public enum BLAS {
    /// `C[m×n] = alpha · A[m×k] · B + beta · C`, row-major, where `B` is either `[k×n]`
    /// (`transposeB == false`) or `[n×k]` (`transposeB == true`, PyTorch `nn.Linear` weight layout).
    /// `lda`, `ldb`, `ldc` default to the dense leading dimensions.
    @inlinable
    public static func sgemm(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil, transposeB: Bool,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        transposeA: Bool = false
    ) {
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        let defaultLda = transposeA ? m : k
        let defaultLdb = transposeB ? k : n
        cblas_sgemm(
            CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda ?? defaultLda), b, Int32(ldb ?? defaultLdb), beta, c, Int32(ldc ?? n))
    }

    /// Number of threads OpenBLAS uses for one call. Process-wide, and OpenBLAS 0.3.21 has no
    /// per-call or per-thread setting: setting it while other threads run products is a race.
    /// The encoder does not use it (see `useSingleThreadedKernels`).
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Makes OpenBLAS run every product on the calling thread, so callers that divide work among
    /// their own threads (the sentence encoder) can call it from several threads at once. Sets the
    /// process-wide thread count to 1 the first time it is called; later calls do nothing.
    public static func useSingleThreadedKernels() {
        _ = singleThreaded
    }

    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// The kernel family OpenBLAS selected at run time (for example `Cooperlake`).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
