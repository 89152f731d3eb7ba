import Testing
import MLPackBLAS

@Test func sgemmMatchesNaiveProduct() {
    // A[2×3] · W[2×3]ᵀ (nn.Linear layout)
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let w: [Float] = [1, 0, -1, 0.5, 0.5, 0.5]
    var c = [Float](repeating: 0, count: 4)
    BLAS.sgemm(m: 2, n: 2, k: 3, a: a, b: w, transposeB: true, c: &c)
    #expect(c == [-2, 3, -2, 7.5])
}
