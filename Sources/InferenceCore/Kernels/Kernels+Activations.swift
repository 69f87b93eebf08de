import MLOpsCore

extension Kernels {
    /// `output[i] = max(input[i], 0)` for `count` values; NaN stays NaN. `output` may equal `input`.
    static func relu(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        map(input, output, count) { VectorMath.relu($0) }
    }

    /// `output[i] = 1 / (1 + e^-input[i])` for `count` values, accurate to a few ulp over the whole range
    /// (no overflow for large |x|). `output` may equal `input`.
    static func sigmoid(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        map(input, output, count) { VectorMath.sigmoid($0) }
    }

    /// `output[i] = tanh(input[i])` for `count` values, accurate to a few ulp. `output` may equal `input`.
    static func tanh(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        map(input, output, count) { VectorMath.tanh($0) }
    }

    /// `output[i] = e^input[i]` for `count` values, about 2 ulp; overflows to `+∞` above 88.72 and gives 0
    /// below -104. `output` may equal `input`.
    static func exp(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        map(input, output, count) { VectorMath.exp($0) }
    }

    /// Applies `activation` to `count` values. `output` may equal `input`.
    static func apply(
        _ activation: Activation, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        switch activation {
        case .identity:
            if UnsafePointer(output) != input { output.update(from: input, count: count) }
        case .relu: relu(input, output, count: count)
        case .sigmoid: sigmoid(input, output, count: count)
        case .tanh: tanh(input, output, count: count)
        }
    }

    /// Row-wise softmax: each of `rows` rows of `columns` values becomes `e^(x - max) / Σ e^(x - max)`.
    ///
    /// Subtracting the row maximum keeps it finite for any finite input (rows of ±1e30 work). A row that
    /// contains NaN or `+∞`, or whose values are all `-∞`, comes out all NaN (as in NumPy and ONNX Runtime).
    /// `output` may equal `input`; both are contiguous (`rows · columns` values).
    static func softmax(
        rows: Int, columns: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>
    ) {
        precondition(rows >= 0 && columns >= 0, "softmax: sizes must be non-negative")
        for row in 0..<rows {
            let x = input + row * columns
            let y = output + row * columns
            let maximum = rowMax(x, columns)
            let sum = expShifted(x, y, columns, shift: maximum)
            let scale = 1 / sum
            scaleRow(y, columns, by: scale)
        }
    }

    /// Row-wise log-softmax: `x - max - log Σ e^(x - max)`, stable for any finite input.
    ///
    /// NaN rules as for ``softmax(rows:columns:_:_:)``. `output` may equal `input`.
    static func logSoftmax(
        rows: Int, columns: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>
    ) {
        precondition(rows >= 0 && columns >= 0, "logSoftmax: sizes must be non-negative")
        let scratch = ScratchBuffer.current().a(count: columns)
        for row in 0..<rows {
            let x = input + row * columns
            let y = output + row * columns
            let maximum = rowMax(x, columns)
            let sum = expShifted(x, scratch, columns, shift: maximum)
            // (x - max) is exact for the values that matter; subtracting log Σ separately keeps the result
            // accurate near 0 even when max is large.
            let shift = VectorMath.Vector(repeating: maximum)
            let logSum = VectorMath.Vector(repeating: Float(naturalLog(Double(sum))))
            var j = 0
            while j + 16 <= columns {
                VectorMath.store((VectorMath.load(x + j) - shift) - logSum, y + j)
                j += 16
            }
            while j < columns {
                y[j] = (x[j] - maximum) - logSum[0]
                j += 1
            }
        }
    }

    /// The index of the largest of `count` values; the first one on ties. A NaN counts as larger than
    /// everything (the first NaN wins, as in NumPy). Returns 0 when `count` is 0.
    static func argmax(_ input: UnsafePointer<Float>, count: Int) -> Int {
        guard count > 1 else { return 0 }
        var best = VectorMath.Vector(repeating: -.infinity)
        var nan = SIMDMask<SIMD16<Int32>>()
        var j = 0
        while j + 16 <= count {
            let v = VectorMath.load(input + j)
            nan .|= v .!= v
            best = best.replacing(with: v, where: v .> best)
            j += 16
        }
        var maximum = best.max()
        while j < count {
            let v = input[j]
            if v.isNaN { return firstNaN(input, count) }
            if v > maximum { maximum = v }
            j += 1
        }
        if any(nan) { return firstNaN(input, count) }
        for i in 0..<count where input[i] == maximum { return i }
        return 0
    }

    /// Row-wise ``argmax(_:count:)`` of `rows` rows of `columns` values into `output[row]`.
    static func argmax(
        rows: Int, columns: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Int>
    ) {
        precondition(rows >= 0 && columns >= 0, "argmax: sizes must be non-negative")
        for row in 0..<rows {
            output[row] = argmax(input + row * columns, count: columns)
        }
    }

    private static func firstNaN(_ input: UnsafePointer<Float>, _ count: Int) -> Int {
        for i in 0..<count where input[i].isNaN { return i }
        return 0
    }

    /// Applies `body` to `count` values, 16 at a time, with a padded last vector.
    @inline(__always)
    static func map(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int,
        _ body: (VectorMath.Vector) -> VectorMath.Vector
    ) {
        var j = 0
        while j + 16 <= count {
            VectorMath.store(body(VectorMath.load(input + j)), output + j)
            j += 16
        }
        if j < count {
            let rest = count - j
            VectorMath.storePartial(body(VectorMath.loadPartial(input + j, rest, fill: 0)), output + j, rest)
        }
    }

    /// The maximum of a row, ignoring NaN (NaN then poisons the row through `exp`); `-∞` for an empty row.
    @inline(__always)
    static func rowMax(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var best = VectorMath.Vector(repeating: -.infinity)
        var j = 0
        while j + 16 <= count {
            let v = VectorMath.load(x + j)
            best = best.replacing(with: v, where: v .> best)
            j += 16
        }
        if j < count {
            let v = VectorMath.loadPartial(x + j, count - j, fill: -.infinity)
            best = best.replacing(with: v, where: v .> best)
        }
        return best.max()
    }

    /// `y = e^(x - shift)` for a row; returns the sum of the results.
    @inline(__always)
    static func expShifted(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, shift: Float
    ) -> Float {
        let s = VectorMath.Vector(repeating: shift)
        var sum = VectorMath.Vector()
        var j = 0
        while j + 16 <= count {
            let e = VectorMath.exp(VectorMath.load(x + j) - s)
            sum += e
            VectorMath.store(e, y + j)
            j += 16
        }
        if j < count {
            let rest = count - j
            let e = VectorMath.exp(VectorMath.loadPartial(x + j, rest, fill: -.infinity) - s)
            sum += e
            VectorMath.storePartial(e, y + j, rest)
        }
        return sum.sum()
    }

    @inline(__always)
    static func scaleRow(_ y: UnsafeMutablePointer<Float>, _ count: Int, by scale: Float) {
        var j = 0
        while j + 16 <= count {
            VectorMath.store(VectorMath.load(y + j) * scale, y + j)
            j += 16
        }
        while j < count {
            y[j] *= scale
            j += 1
        }
    }
}

/// Natural logarithm from the C library (one call per softmax row, not per element).
@inline(__always)
private func naturalLog(_ x: Double) -> Double {
    Platform.naturalLogarithm(x)
}
