import MLOpsCore

/// Scalar helpers for the ML ops' post-transforms (the vector kernels live in `Kernels/`).
enum ReferenceKernels {
    /// Logistic function of one float, stable for large |x|.
    @inline(__always)
    static func sigmoid(_ v: Float) -> Float {
        if v >= 0 {
            return 1 / (1 + Platform.exp(-v))
        }
        let e = Platform.exp(v)
        return e / (1 + e)
    }

    /// Logistic function of one double.
    @inline(__always)
    static func sigmoid(_ v: Double) -> Double {
        if v >= 0 {
            return 1 / (1 + Platform.exp(-v))
        }
        let e = Platform.exp(v)
        return e / (1 + e)
    }

    /// Softmax (or log-softmax) over `count` contiguous floats, `x` and `y` may be equal.
    static func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, log: Bool) {
        guard count > 0 else { return }
        var mx = x[0]
        for i in 1..<count where x[i] > mx || x[i].isNaN { mx = x[i] }
        var sum: Float = 0
        if log {
            for i in 0..<count { sum += Platform.exp(x[i] - mx) }
            let ls = Platform.log(sum)
            for i in 0..<count { y[i] = x[i] - mx - ls }
        } else {
            for i in 0..<count {
                let e = Platform.exp(x[i] - mx)
                y[i] = e
                sum += e
            }
            let inv = 1 / sum
            for i in 0..<count { y[i] *= inv }
        }
    }

    /// ONNX's approximate inverse error function (as onnxruntime computes PROBIT).
    static func erfInv(_ v: Float) -> Float {
        let sgn: Float = v < 0 ? -1 : 1
        let x = (1 - v) * (1 + v)
        let lg = Platform.log(x)
        let t1 = 2 / (3.14159 * 0.147) + 0.5 * lg
        let t2 = 1 / 0.147 * lg
        return sgn * (-t1 + (t1 * t1 - t2).squareRoot()).squareRoot()
    }

    /// PROBIT post-transform of one score: `√2 · erfinv(2s - 1)`.
    static func probit(_ s: Float) -> Float { 1.41421356 * erfInv(s * 2 - 1) }

    /// Applies an ONNX post-transform in place to `rows` rows of `width` scores.
    static func postTransform(
        _ transform: GraphOp.PostTransform, _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int
    ) {
        switch transform {
        case .none: return
        case .logistic: for i in 0..<(rows * width) { y[i] = sigmoid(y[i]) }
        case .probit: for i in 0..<(rows * width) { y[i] = probit(y[i]) }
        case .softmax: for r in 0..<rows { softmax(y + r * width, y + r * width, count: width, log: false) }
        case .softmaxZero:
            for r in 0..<rows {
                let row = y + r * width
                var mx = -Float.infinity
                for j in 0..<width where row[j] != 0 && row[j] > mx { mx = row[j] }
                var sum: Float = 0
                for j in 0..<width {
                    row[j] = row[j] == 0 ? 0 : Platform.exp(row[j] - mx)
                    sum += row[j]
                }
                if sum > 0 { for j in 0..<width { row[j] /= sum } }
            }
        }
    }
}
