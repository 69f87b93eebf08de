import MLOpsCore

/// A constant right-hand matrix (typically a layer's weights) laid out once for the SGEMM/GEMV kernels.
///
/// SGEMM normally copies B into contiguous column panels on every call. A compiled plan packs its
/// constant weights once at load time instead, and passes the `PackedMatrix` to
/// ``Kernels/sgemm(transposeA:m:alpha:a:lda:b:beta:c:ldc:bias:activation:pool:)``: no packing, no
/// allocation, and the one-row (batch-1) path reads the weights strictly sequentially.
///
/// The packed matrix is the *logical* right operand `op(B)` of shape `rows × columns` (`K × N`): for a dense
/// layer `y = x·W + b`, `rows` is the input width and `columns` the output width. Build it from a row-major
/// `K × N` buffer, or from an `N × K` one with `transposed: true` (ONNX `Gemm` with `transB = 1`, PyTorch
/// `Linear` weights).
///
/// The layout is private to the kernels and depends on the kernel configuration (the instruction-set level); a `PackedMatrix` is
/// immutable and safe to share between threads.
struct PackedMatrix: Sendable {
    /// The inner dimension `K` (rows of `op(B)`).
    let rows: Int
    /// The output dimension `N` (columns of `op(B)`).
    let columns: Int
    /// The kernel configuration the panels are laid out for; SGEMM with this matrix uses its kernels.
    let config: KernelConfig
    /// Blocks of `config.kc` rows; in each block, panels of `config.nr` columns (`kc × nr` floats
    /// each, zero-padded on the right) one after the other.
    let storage: PackedStorage
    /// In builds whose panels are wider than 16 columns (AVX-512), a last panel with at most 16 real columns
    /// is also kept as `rows × 16` floats: the one-row (batch 1–3) kernel reads that copy instead of the
    /// zero-padded panel, which halves or better the bytes it streams (e.g. an output layer with N = 10).
    let narrowTail: PackedStorage?

    /// Number of `nr`-wide column panels.
    var panelCount: Int { (columns + config.nr - 1) / config.nr }

    /// Packs a `rows × columns` logical matrix read from `source`.
    ///
    /// - Parameters:
    ///   - rows: `K`, the inner dimension; at least 0.
    ///   - columns: `N`, the output dimension; at least 0.
    ///   - source: The stored matrix: `rows × columns` row-major, or `columns × rows` row-major when
    ///     `transposed` is `true`.
    ///   - leadingDimension: Elements between stored rows; defaults to the stored row length.
    ///   - transposed: Whether `source` holds the transpose of the logical matrix.
    ///   - config: The kernels the matrix is packed for (tests pass each instruction-set level).
    /// - Precondition: Sizes are non-negative and `leadingDimension` is at least the stored row length.
    init(
        rows: Int, columns: Int, source: UnsafePointer<Float>, leadingDimension: Int? = nil,
        transposed: Bool = false, config: KernelConfig = .current
    ) {
        precondition(rows >= 0 && columns >= 0, "PackedMatrix sizes must be non-negative")
        let ld = leadingDimension ?? (transposed ? rows : columns)
        precondition(ld >= (transposed ? rows : columns), "leadingDimension is shorter than a stored row")
        self.rows = rows
        self.columns = columns
        self.config = config
        let nr = config.nr
        let panels = (columns + nr - 1) / nr
        let storage = PackedStorage(count: panels * rows * nr)
        // K blocks of `config.kc` rows; inside a block the panels are contiguous, so SGEMM walks one block
        // sequentially (no power-of-two strides between panels that would alias in the caches).
        var k0 = 0
        while k0 < rows {
            let kc = min(config.kc, rows - k0)
            Kernels.packB(
                transposed: transposed, source: source, ld: ld, k0: k0, kc: kc, j0: 0, nc: columns,
                destination: storage.pointer + k0 * panels * nr, panelStride: kc * nr, nr: nr)
            k0 += kc
        }
        self.storage = storage
        let tail = columns % nr
        if nr > 16 && tail > 0 && tail <= 16 {
            let narrow = PackedStorage(count: rows * 16)
            let first = columns - tail
            for r in 0..<rows {
                for c in 0..<tail {
                    narrow.pointer[r * 16 + c] = transposed ? source[(first + c) * ld + r] : source[r * ld + first + c]
                }
            }
            narrowTail = narrow
        } else {
            narrowTail = nil
        }
    }

    /// Packs `matrix`, or its transpose when `transposed` is `true`.
    init(_ matrix: Matrix, transposed: Bool = false, config: KernelConfig = .current) {
        let rows = transposed ? matrix.columns : matrix.rows
        let columns = transposed ? matrix.rows : matrix.columns
        self = matrix.withUnsafeBufferPointer { buffer in
            // An empty matrix packs nothing, so any non-null pointer will do.
            let empty: [Float] = [0]
            return empty.withUnsafeBufferPointer { fallback in
                PackedMatrix(
                    rows: rows, columns: columns, source: buffer.baseAddress ?? fallback.baseAddress.unsafelyUnwrapped,
                    leadingDimension: max(matrix.columns, 1), transposed: transposed, config: config)
            }
        }
    }

    /// Packs a row-major `rows × columns` array (or `columns × rows` with `transposed: true`).
    ///
    /// - Throws: `MLOpsError(.invalidArgument)` when the sizes are negative or `values.count` is not
    ///   `rows × columns`.
    init(rows: Int, columns: Int, values: [Float], transposed: Bool = false) throws {
        let matrix = try Matrix(
            rows: transposed ? columns : rows, columns: transposed ? rows : columns, values: values)
        self.init(matrix, transposed: transposed)
    }

    /// Unpacks the logical `rows × columns` matrix (for tests and inspection; not a hot path).
    func unpacked() -> Matrix {
        var result = Matrix(rows: rows, columns: columns, repeating: 0)
        let nr = config.nr
        let kcMax = config.kc
        let base = storage.pointer
        result.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let k0 = r / kcMax * kcMax
                let kc = min(kcMax, rows - k0)
                for c in 0..<columns {
                    out[r * columns + c] = base[k0 * panelCount * nr + (c / nr) * kc * nr + (r - k0) * nr + c % nr]
                }
            }
        }
        return result
    }

    /// The bytes the packed layout occupies (padding included).
    var byteCount: Int { (storage.count + (narrowTail?.count ?? 0)) * MemoryLayout<Float>.stride }
}

/// Immutable, 64-byte-aligned float storage shared by copies of a ``PackedMatrix``.
// @unchecked Sendable: the memory is written only in `PackedMatrix.init`, before the storage is shared,
// and never mutated afterwards.
final class PackedStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        pointer = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 16))
    }

    deinit {
        pointer.deallocate()
    }
}
