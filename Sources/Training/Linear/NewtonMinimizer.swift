import MLOpsCore

/// Newton's method for the logistic objective: each step solves `H·d = −g` by Cholesky and
/// backtracks along `d` until the objective decreases enough (Armijo, with the same allowance of
/// a few ulps of |f| as ``LBFGSMinimizer``). Converges quadratically near the optimum, also on
/// badly scaled features, at the price of forming the Hessian (dimension² values, rows × K² ×
/// (p + 1)² / 4 operations a step).
///
/// For a multinomial model with intercepts the Hessian is singular along one direction (adding
/// the same value to every intercept changes nothing); the gradient has no component along it, so
/// adding that direction's outer product to the Hessian makes it definite without changing the step.
struct NewtonMinimizer {
    let dimension: Int
    private(set) var x: [Double]
    private(set) var value: Double = .nan
    private(set) var gradient: [Double]
    private(set) var iteration = 0
    private(set) var evaluations = 0

    // Scratch, not state.
    private var hessian: [Double]
    private var trialX: [Double]
    private var trialGradient: [Double]

    /// The most variables it takes (its Hessian has dimension² values).
    static let maxDimension = 2048

    init(start: [Double]) {
        dimension = start.count
        x = start
        gradient = [Double](repeating: 0, count: start.count)
        hessian = [Double](repeating: 0, count: start.count * start.count)
        trialX = gradient
        trialGradient = gradient
    }

    /// Evaluates the objective at the starting point.
    mutating func start(_ objective: inout LogisticObjective) {
        value = x.withUnsafeBufferPointer { x in
            gradient.withUnsafeMutableBufferPointer { objective.evaluate(x, gradient: $0) }
        }
        evaluations += 1
    }

    /// The largest absolute gradient component.
    var gradientMaxAbs: Double {
        gradient.reduce(0) { max($0, abs($1)) }
    }

    /// Takes one Newton step.
    mutating func step(_ objective: inout LogisticObjective) -> LBFGSMinimizer.StepResult {
        let n = dimension
        for i in 0..<(n * n) { hessian[i] = 0 }
        x.withUnsafeBufferPointer { x in
            hessian.withUnsafeMutableBufferPointer { objective.hessian(x, into: $0) }
        }
        if objective.outputs > 1, objective.fitIntercept {
            // The intercept-shift direction u: H + λ·uuᵀ, λ the largest diagonal entry.
            let q = objective.stride
            var largest = 0.0
            for i in 0..<n { largest = max(largest, hessian[i * n + i]) }
            for c in 0..<objective.outputs {
                for d in 0...c { hessian[(c * q + objective.features) * n + d * q + objective.features] += largest }
            }
        }
        guard
            let direction = DenseSolver.choleskySolve(
                hessian, size: n, rhs: gradient.map { -$0 }, maxCondition: .infinity)
        else { return .lineSearchFailed }
        var slope = 0.0
        for i in 0..<n { slope += direction[i] * gradient[i] }
        guard slope < 0 else { return .lineSearchFailed }
        let slack = 16 * Double.ulpOfOne * abs(value)
        var step = 1.0
        for _ in 0..<60 {
            for i in 0..<n { trialX[i] = x[i] + step * direction[i] }
            let trialValue = trialX.withUnsafeBufferPointer { point in
                trialGradient.withUnsafeMutableBufferPointer { objective.evaluate(point, gradient: $0) }
            }
            evaluations += 1
            if trialValue.isFinite, trialValue <= value + 1e-4 * step * slope + slack {
                swap(&x, &trialX)
                swap(&gradient, &trialGradient)
                value = trialValue
                iteration += 1
                return .moved
            }
            step *= 0.5
        }
        return .lineSearchFailed
    }

    // MARK: - State

    private static let magic = Array("NEWTON1\n".utf8)

    /// The state as bytes (little-endian), for a checkpoint.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        put(UInt64(dimension))
        put(UInt64(iteration))
        put(UInt64(evaluations))
        put(value.bitPattern)
        for v in x { put(v.bitPattern) }
        for v in gradient { put(v.bitPattern) }
        return bytes
    }

    /// Restores ``encoded()``.
    ///
    /// - Throws: `MLOpsError` `corruptData` when the bytes are not a state of this dimension.
    init(encoded bytes: [UInt8], dimension: Int) throws {
        self.init(start: [Double](repeating: 0, count: dimension))
        let expected = Self.magic.count + (4 + 2 * dimension) * 8
        guard bytes.count == expected, bytes.starts(with: Self.magic) else {
            throw MLOpsError(
                .corruptData,
                "the checkpointed Newton state has \(bytes.count) bytes; expected \(expected) for \(dimension) variables",
                value: String(bytes.count))
        }
        var offset = Self.magic.count
        func next() -> UInt64 {
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return value
        }
        guard next() == UInt64(dimension) else {
            throw MLOpsError(.corruptData, "the checkpointed Newton state is for another problem size", value: nil)
        }
        let iteration = next()
        let evaluations = next()
        guard iteration < 1 << 40, evaluations < 1 << 40 else {
            throw MLOpsError(.corruptData, "the checkpointed Newton state has out-of-range counters", value: nil)
        }
        self.iteration = Int(iteration)
        self.evaluations = Int(evaluations)
        value = Double(bitPattern: next())
        x = (0..<dimension).map { _ in Double(bitPattern: next()) }
        gradient = (0..<dimension).map { _ in Double(bitPattern: next()) }
    }
}
