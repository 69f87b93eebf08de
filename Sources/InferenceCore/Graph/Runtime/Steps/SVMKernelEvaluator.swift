import MLOpsCore

/// Evaluates an SVM kernel between a batch of rows and a fixed set of vectors, in `float32` as
/// onnxruntime does: `out[r, v] = kernel(x[r], vectors[v])`.
///
/// Dot-product kernels (linear, poly, sigmoid) are one GEMM against the vectors packed once,
/// with `gamma` as the GEMM's alpha and `coef0` (or the linear mode's intercept) as its bias.
/// The RBF kernel sums `(x - s)²` feature by feature in `float32` — the order onnxruntime uses,
/// so the result is bit-identical to it — for 16 vectors at a time from a transposed copy.
struct SVMKernelEvaluator: Sendable {
    private typealias Lanes = SIMD16<Float>

    let kind: GraphOp.SVMKernel.Kind
    let gamma: Float
    let degree: Float
    /// The number of vectors (output columns) and their length.
    let vectors: Int
    let features: Int
    /// Dot-product kernels: the vectors packed as the GEMM's [F, V] right operand.
    private let packed: PackedMatrix?
    /// Dot-product kernels: the value added to every product (`coef0`, or the linear intercept), per vector.
    private let bias: [Float]
    /// RBF: the vectors transposed to [F, V'] with V' = V rounded up to 16 (zero padding).
    private let transposed: [Float]
    private let paddedVectors: Int

    /// Creates the evaluator for `matrix`, [vectors, features] row-major (checked by shape
    /// inference). `intercept` is added to each dot product of a linear kernel (`nil` adds none).
    init(kernel: GraphOp.SVMKernel, matrix: [Float], vectors: Int, features: Int, intercept: Float? = nil) throws {
        kind = kernel.kind
        gamma = kernel.gamma
        degree = kernel.degree
        self.vectors = vectors
        self.features = features
        if kind == .rbf {
            packed = nil
            bias = []
            let padded = (vectors + 15) / 16 * 16
            var t = [Float](repeating: 0, count: padded * features)
            for v in 0..<vectors {
                for f in 0..<features { t[f * padded + v] = matrix[v * features + f] }
            }
            transposed = t
            paddedVectors = padded
        } else {
            packed = try PackedMatrix(rows: features, columns: vectors, values: matrix, transposed: true)
            switch kind {
            case .linear: bias = intercept.map { [Float](repeating: $0, count: vectors) } ?? []
            default: bias = [Float](repeating: kernel.coef0, count: vectors)
            }
            transposed = []
            paddedVectors = vectors
        }
    }

    /// Writes the kernel values of `rows` rows of `x` ([rows, F]) to `out` ([rows, V]).
    func evaluate(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, pool: WorkerPool?) {
        guard rows > 0, vectors > 0 else { return }
        if kind == .rbf {
            rbf(x, rows: rows, into: out)
            return
        }
        guard let packed else { return }
        let alpha: Float = kind == .linear ? 1 : gamma
        bias.withUnsafeBufferPointer { b in
            Kernels.sgemm(
                m: rows, alpha: alpha, a: x, lda: max(1, features), b: packed, c: out, ldc: vectors,
                bias: b.isEmpty ? nil : b.baseAddress, pool: pool)
        }
        let count = rows * vectors
        switch kind {
        case .poly:
            if degree == 2 {
                for i in 0..<count { out[i] = out[i] * out[i] }
            } else if degree == 3 {
                for i in 0..<count { out[i] = out[i] * out[i] * out[i] }
            } else {
                let d = Double(degree)
                for i in 0..<count { out[i] = Float(Platform.pow(Double(out[i]), d)) }
            }
        case .sigmoid:
            Kernels.tanh(out, out, count: count)
        case .linear, .rbf:
            break
        }
    }

    private func rbf(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        let negGamma = -gamma
        transposed.withUnsafeBufferPointer { t in
            guard let base = t.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            for r in 0..<rows {
                let row = x + r * features
                let y = out + r * vectors
                var j = 0
                while j < vectors {
                    var acc = Lanes(repeating: 0)
                    for f in 0..<features {
                        let s = raw.loadUnaligned(
                            fromByteOffset: (f * paddedVectors + j) * MemoryLayout<Float>.stride, as: Lanes.self)
                        let d = Lanes(repeating: row[f]) - s
                        acc += d * d
                    }
                    for lane in 0..<min(16, vectors - j) { y[j + lane] = Platform.exp(negGamma * acc[lane]) }
                    j += 16
                }
            }
        }
    }
}
