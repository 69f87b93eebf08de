import MLOpsCore

/// A smooth function to minimise: its value and gradient at a point.
protocol SmoothObjective {
    /// The number of variables.
    var dimension: Int { get }
    /// Returns f(x) and writes ∇f(x) into `gradient` (both have ``dimension`` elements).
    mutating func evaluate(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double
}

/// Limited-memory BFGS in double precision: the two-loop recursion over the last ``memory``
/// steps, and a line search satisfying the strong Wolfe conditions (bracketing, then zooming with
/// safeguarded cubic interpolation; Nocedal & Wright, Algorithms 3.5 and 3.6).
///
/// Near the optimum the change of f falls below its rounding error while the gradient can still be
/// reduced, so the sufficient-decrease test allows f to rise by a few ulps of |f|: the curvature
/// condition (on the gradient, which stays accurate) then decides, and the solver reaches gradients
/// far smaller than a test on f alone would allow.
///
/// The whole state (point, value, gradient, history) is a value; ``encoded()`` and
/// ``init(encoded:)`` save and restore it exactly, so a resumed minimisation takes the same steps.
struct LBFGSMinimizer {
    /// The outcome of one ``step(_:)``.
    enum StepResult: Equatable {
        /// The point moved.
        case moved
        /// No step satisfying the line search was found (the point did not move).
        case lineSearchFailed
    }

    let dimension: Int
    let memory: Int
    /// The current point, its value and gradient.
    private(set) var x: [Double]
    private(set) var value: Double = .nan
    private(set) var gradient: [Double]
    /// Steps taken and function evaluations made.
    private(set) var iteration = 0
    private(set) var evaluations = 0
    /// The history: `memory` slots of sₖ = xₖ₊₁ − xₖ and yₖ = gₖ₊₁ − gₖ, and 1/(yₖᵀsₖ).
    private var s: [Double]
    private var y: [Double]
    private var rho: [Double]
    private var newest = -1
    private var count = 0

    // Scratch, not state.
    private var direction: [Double]
    private var trialX: [Double]
    private var trialGradient: [Double]
    private var trialValue = Double.nan
    private var alphas: [Double]

    static let c1 = 1e-4
    static let c2 = 0.9
    static let maxLineSearchEvaluations = 50

    /// A minimiser starting from `start`; call ``start(_:)`` before stepping.
    init(start: [Double], memory: Int) {
        dimension = start.count
        self.memory = memory
        x = start
        gradient = [Double](repeating: 0, count: start.count)
        s = [Double](repeating: 0, count: memory * start.count)
        y = s
        rho = [Double](repeating: 0, count: memory)
        direction = gradient
        trialX = gradient
        trialGradient = gradient
        alphas = rho
    }

    /// Evaluates the objective at the starting point.
    mutating func start<Objective: SmoothObjective>(_ objective: inout Objective) {
        value = x.withUnsafeBufferPointer { x in
            gradient.withUnsafeMutableBufferPointer { objective.evaluate(x, gradient: $0) }
        }
        evaluations += 1
    }

    /// The largest absolute gradient component.
    var gradientMaxAbs: Double {
        gradient.reduce(0) { max($0, abs($1)) }
    }

    /// Takes one quasi-Newton step.
    mutating func step<Objective: SmoothObjective>(_ objective: inout Objective) -> StepResult {
        computeDirection()
        var slope = dot(direction, gradient)
        if !(slope < 0) {
            // Not a descent direction (rounding): forget the history and go downhill.
            count = 0
            newest = -1
            for i in 0..<dimension { direction[i] = -gradient[i] }
            slope = dot(direction, gradient)
            guard slope < 0 else { return .lineSearchFailed }
        }
        var initial = 1.0
        if count == 0 {
            // As L-BFGS-B: the first step has length 1 (at most).
            let norm = dot(direction, direction).squareRoot()
            initial = min(1, 1 / norm)
        }
        guard lineSearch(&objective, initial: initial, slope: slope) else { return .lineSearchFailed }
        // Accept the trial point and record the pair (s, y) when its curvature is positive (else the
        // history stays as it was).
        var sy = 0.0
        var yy = 0.0
        for i in 0..<dimension {
            let sValue = trialX[i] - x[i]
            let yValue = trialGradient[i] - gradient[i]
            sy += sValue * yValue
            yy += yValue * yValue
        }
        if sy > Double.ulpOfOne * yy {
            let slot = (newest + 1) % memory
            for i in 0..<dimension {
                s[slot * dimension + i] = trialX[i] - x[i]
                y[slot * dimension + i] = trialGradient[i] - gradient[i]
            }
            rho[slot] = 1 / sy
            newest = slot
            count = min(count + 1, memory)
        }
        swap(&x, &trialX)
        swap(&gradient, &trialGradient)
        value = trialValue
        iteration += 1
        return .moved
    }

    /// direction = −H·gradient by the two-loop recursion.
    private mutating func computeDirection() {
        let n = dimension
        let m = memory
        let count = self.count
        let newest = self.newest
        direction.withUnsafeMutableBufferPointer { q in
            for i in 0..<n { q[i] = -gradient[i] }
            guard count > 0 else { return }
            s.withUnsafeBufferPointer { s in
                y.withUnsafeBufferPointer { y in
                    alphas.withUnsafeMutableBufferPointer { alphas in
                        for back in 0..<count {
                            let slot = (newest - back + m) % m
                            var sq = 0.0
                            for i in 0..<n { sq += s[slot * n + i] * q[i] }
                            let a = rho[slot] * sq
                            alphas[slot] = a
                            for i in 0..<n { q[i] -= a * y[slot * n + i] }
                        }
                        var sy = 0.0
                        var yy = 0.0
                        for i in 0..<n {
                            sy += s[newest * n + i] * y[newest * n + i]
                            yy += y[newest * n + i] * y[newest * n + i]
                        }
                        let gamma = sy / yy
                        for i in 0..<n { q[i] *= gamma }
                        for forward in 0..<count {
                            let slot = (newest - (count - 1 - forward) + m) % m
                            var yr = 0.0
                            for i in 0..<n { yr += y[slot * n + i] * q[i] }
                            let b = rho[slot] * yr
                            let a = alphas[slot]
                            for i in 0..<n { q[i] += (a - b) * s[slot * n + i] }
                        }
                    }
                }
            }
        }
    }

    /// A point of the line search: step length, value, slope.
    private struct Sample {
        var step: Double
        var value: Double
        var slope: Double
    }

    /// Evaluates x + step·direction into trialX / trialGradient.
    private mutating func evaluateTrial<Objective: SmoothObjective>(_ objective: inout Objective, step: Double)
        -> Sample
    {
        for i in 0..<dimension { trialX[i] = x[i] + step * direction[i] }
        let value = trialX.withUnsafeBufferPointer { point in
            trialGradient.withUnsafeMutableBufferPointer { objective.evaluate(point, gradient: $0) }
        }
        evaluations += 1
        trialValue = value
        return Sample(step: step, value: value, slope: dot(trialGradient, direction))
    }

    /// Finds a step satisfying the strong Wolfe conditions; on success trialX/trialGradient hold
    /// the new point.
    private mutating func lineSearch<Objective: SmoothObjective>(
        _ objective: inout Objective, initial: Double, slope: Double
    ) -> Bool {
        let start = Sample(step: 0, value: value, slope: slope)
        // A few ulps of |f|: the rounding error of the objective's compensated sum.
        let slack = 16 * Double.ulpOfOne * abs(value)
        func sufficient(_ sample: Sample) -> Bool {
            sample.value <= start.value + Self.c1 * sample.step * start.slope + slack
        }
        func curvature(_ sample: Sample) -> Bool { abs(sample.slope) <= -Self.c2 * start.slope }

        var previous = start
        var step = initial
        var low = start
        var high = start
        var bracketed = false
        var used = 0
        while used < Self.maxLineSearchEvaluations {
            let sample = evaluateTrial(&objective, step: step)
            used += 1
            guard sample.value.isFinite, sample.slope.isFinite else {
                // Overflow: shrink the step.
                step *= 0.1
                continue
            }
            if !sufficient(sample) || (previous.step > 0 && sample.value >= previous.value + slack) {
                low = previous
                high = sample
                bracketed = true
                break
            }
            if curvature(sample) { return true }
            if sample.slope >= 0 {
                low = sample
                high = previous
                bracketed = true
                break
            }
            previous = sample
            step *= 2
        }
        if bracketed {
            while used < Self.maxLineSearchEvaluations {
                let width = abs(high.step - low.step)
                guard width > Double.ulpOfOne * max(low.step, high.step) else { break }
                let trial = Self.interpolate(low, high)
                let sample = evaluateTrial(&objective, step: trial)
                used += 1
                if !sample.value.isFinite || !sufficient(sample) || sample.value >= low.value + slack {
                    high = sample
                } else {
                    if curvature(sample) { return true }
                    if sample.slope * (high.step - low.step) >= 0 { high = low }
                    low = sample
                }
            }
        }
        // No Wolfe point: settle for the best decrease found, if any.
        guard low.step > 0, low.value < start.value else { return false }
        _ = evaluateTrial(&objective, step: low.step)
        return true
    }

    /// The minimiser of the cubic through two samples, kept inside the middle 80% of their interval
    /// (bisection when the cubic has none there).
    private static func interpolate(_ a: Sample, _ b: Sample) -> Double {
        let lower = min(a.step, b.step)
        let upper = max(a.step, b.step)
        let margin = 0.1 * (upper - lower)
        let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step)
        let radicand = d1 * d1 - a.slope * b.slope
        var candidate = 0.5 * (lower + upper)
        if radicand >= 0, radicand.isFinite {
            let d2 = (b.step > a.step ? 1.0 : -1.0) * radicand.squareRoot()
            let denominator = b.slope - a.slope + 2 * d2
            if denominator != 0 {
                let cubic = b.step - (b.step - a.step) * (b.slope + d2 - d1) / denominator
                if cubic.isFinite { candidate = cubic }
            }
        }
        return min(max(candidate, lower + margin), upper - margin)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<dimension { sum += a[i] * b[i] }
        return sum
    }

    // MARK: - State

    private static let magic = Array("LBFGS1\n".utf8)

    /// The state as bytes (little-endian), for a checkpoint.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func put(_ value: Double) { put(value.bitPattern) }
        func put(_ values: [Double]) { for value in values { put(value) } }
        put(UInt64(dimension))
        put(UInt64(memory))
        put(UInt64(iteration))
        put(UInt64(evaluations))
        put(UInt64(bitPattern: Int64(newest)))
        put(UInt64(count))
        put(value)
        put(x)
        put(gradient)
        put(s)
        put(y)
        put(rho)
        return bytes
    }

    /// Restores ``encoded()``.
    ///
    /// - Throws: `MLOpsError` `corruptData` when the bytes are not a state of this dimension and
    ///   memory.
    init(encoded bytes: [UInt8], dimension: Int, memory: Int) throws {
        self.init(start: [Double](repeating: 0, count: dimension), memory: memory)
        func corrupt(_ what: String) -> MLOpsError {
            MLOpsError(.corruptData, "the checkpointed L-BFGS state \(what)", value: String(bytes.count))
        }
        let header = Self.magic.count + 6 * 8
        let expected = header + (1 + 2 * dimension + 2 * memory * dimension + memory) * 8
        guard bytes.count == expected, bytes.starts(with: Self.magic) else {
            throw corrupt("has \(bytes.count) bytes; expected \(expected) for \(dimension) variables")
        }
        var offset = Self.magic.count
        func next() -> UInt64 {
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return value
        }
        func doubles(_ count: Int) -> [Double] { (0..<count).map { _ in Double(bitPattern: next()) } }
        guard next() == UInt64(dimension), next() == UInt64(memory) else {
            throw corrupt("is for another problem size")
        }
        let iteration = next()
        let evaluations = next()
        let newest = Int64(bitPattern: next())
        let count = next()
        guard iteration < 1 << 40, evaluations < 1 << 40, newest >= -1, newest < Int64(memory), count <= UInt64(memory)
        else {
            throw corrupt("has out-of-range counters")
        }
        self.iteration = Int(iteration)
        self.evaluations = Int(evaluations)
        self.newest = Int(newest)
        self.count = Int(count)
        value = Double(bitPattern: next())
        x = doubles(dimension)
        gradient = doubles(dimension)
        s = doubles(memory * dimension)
        y = doubles(memory * dimension)
        rho = doubles(memory)
    }
}
