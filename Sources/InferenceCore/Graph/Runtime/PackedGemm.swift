/// GEMM weights laid out for the kernels: `B'` packed once into a ``PackedMatrix``, `alpha`,
/// and, when `C` is a constant that broadcasts along rows, `beta·C` expanded to N values.
final class PackedGemm: Sendable {
    /// The inner dimension.
    var k: Int { matrix.rows }
    /// The output width.
    var n: Int { matrix.columns }
    /// `B'` as the kernels want it.
    let matrix: PackedMatrix
    /// The product's multiplier.
    let alpha: Float
    /// `beta·C` as one row of n values, if `C` is constant and row-broadcast.
    let bias: SharedPointer?

    init(b: [Float], rows: Int, cols: Int, transB: Bool, alpha: Float, c: Tensor?, beta: Float, store: ConstantStore) {
        let (k, n) = transB ? (cols, rows) : (rows, cols)
        let source = b.isEmpty ? [Float(0)] : b
        matrix = source.withUnsafeBufferPointer { buffer in
            PackedMatrix(rows: k, columns: n, source: buffer.baseAddress.unsafelyUnwrapped, transposed: transB)
        }
        self.alpha = alpha
        if let c, case .float32(let cv) = c.storage,
            c.shape.count <= 1 || (c.shape.count == 2 && c.shape[0] == 1)
        {
            let row = store.allocate(n * 4).assumingMemoryBound(to: Float.self)
            for j in 0..<n { row[j] = beta * (cv.count == 1 ? cv[0] : cv[j]) }
            bias = SharedPointer(pointer: UnsafeMutableRawPointer(row))
        } else {
            bias = nil
        }
    }

    /// Whether the packed bias covers the node's `C` input (so the step ignores `C`).
    var hasRowBias: Bool { bias != nil }
}
