import MLOpsCore

/// ai.onnx.ml SVMClassifier, following onnxruntime's kernel: `float32` kernel values for the
/// whole batch, pairwise decision values accumulated in `float64`, the libsvm vote, Platt
/// scaling with pairwise coupling, and onnxruntime's score layout and post-transform.
///
/// Arena scratch (see ``scratchBytes(_:rows:features:inputType:)``): the votes, the
/// probability work space, the input as `float32` when it is another type, and the kernel
/// values [rows, V].
struct SVMClassifierStep: ExecutionStep {
    let attributes: GraphOp.SVMClassifier
    let evaluator: SVMKernelEvaluator
    let x: Int
    let inputType: ElementType
    let label: Int
    let scores: Int
    let rows: Int
    let features: Int
    let scratchOffset: Int
    let pool: WorkerPool?
    /// First support vector of each class.
    let starts: [Int]
    /// Whether every coefficient is ≥ 0 (onnxruntime's binary label rule in linear mode).
    let weightsAllPositive: Bool

    init(
        attributes c: GraphOp.SVMClassifier, x: Int, inputType: ElementType, label: Int, scores: Int, rows: Int,
        features: Int, scratchOffset: Int, pool: WorkerPool?
    ) throws {
        attributes = c
        let v = c.vectorCount
        if v > 0 {
            evaluator = try SVMKernelEvaluator(
                kernel: c.kernel, matrix: Array(c.supportVectors.prefix(v * features)), vectors: v, features: features)
        } else {
            evaluator = try SVMKernelEvaluator(
                kernel: GraphOp.SVMKernel(kind: .linear), matrix: c.coefficients, vectors: c.labels.count,
                features: features, intercept: c.rho[0])
        }
        self.x = x
        self.inputType = inputType
        self.label = label
        self.scores = scores
        self.rows = rows
        self.features = features
        self.scratchOffset = scratchOffset
        self.pool = pool
        var starts: [Int] = []
        var total = 0
        for n in c.vectorsPerClass {
            starts.append(total)
            total += max(0, n)
        }
        self.starts = starts
        weightsAllPositive = c.coefficients.allSatisfy { $0 >= 0 }
    }

    /// Scratch bytes for `rows` rows, or `nil` if the count overflows.
    static func scratchBytes(_ c: GraphOp.SVMClassifier, rows: Int, features: Int, inputType: ElementType) -> Int? {
        let k = c.labels.count
        let v = c.vectorCount
        let converted = inputType == .float32 ? 0 : ShapeBounds.product(rows, features)
        let kernels = v > 0 ? ShapeBounds.product(rows, v) : 0
        // Votes (k × 8 bytes) then floats: pair scores, r and Q (k × k each), Qp.
        guard let converted, let kernels, let square = ShapeBounds.product(k, k) else { return nil }
        var floats = 0
        for term in [converted, kernels, c.pairCount, square, square, k] {
            let (sum, overflow) = floats.addingReportingOverflow(term)
            guard !overflow else { return nil }
            floats = sum
        }
        guard let floatBytes = ShapeBounds.product(floats, 4), let voteBytes = ShapeBounds.product(k, 8) else {
            return nil
        }
        let (total, overflow) = floatBytes.addingReportingOverflow(voteBytes)
        return overflow ? nil : total
    }

    func run(_ context: ExecutionContext) {
        let c = attributes
        let k = c.labels.count
        let v = c.vectorCount
        let pairs = c.pairCount
        let votes = (context.arenaBase + scratchOffset).assumingMemoryBound(to: Int.self)
        var next = (context.arenaBase + scratchOffset + k * 8).assumingMemoryBound(to: Float.self)
        var input = UnsafePointer(context.f32(x))
        if inputType != .float32 {
            let reader = ElementReader(context, x, inputType)
            for i in 0..<(rows * features) { next[i] = reader.float(i) }
            input = UnsafePointer(next)
            next += rows * features
        }
        let out = context.f32(scores)
        if v == 0 {
            evaluator.evaluate(input, rows: rows, into: out, pool: pool)
            linearLabels(context, out, classes: k)
            for r in 0..<rows { Self.transform(c.postTransform, out + r * k, count: k) }
            return
        }
        let kernels = next
        next += rows * v
        let pairScores = next
        let r2 = pairScores + pairs
        let q = r2 + k * k
        let qp = q + k * k
        evaluator.evaluate(input, rows: rows, into: kernels, pool: pool)
        let width = c.scoreWidth
        c.coefficients.withUnsafeBufferPointer { coefficients in
            guard let base = coefficients.baseAddress else { return }
            for r in 0..<rows {
                let row = kernels + r * v
                votes.update(repeating: 0, count: k)
                var index = 0
                for i in 0..<(k - 1) {
                    for j in (i + 1)..<k {
                        var sum = 0.0
                        let ci = base + (j - 1) * v + starts[i]
                        let ki = row + starts[i]
                        for m in 0..<c.vectorsPerClass[i] { sum += Double(ci[m] * ki[m]) }
                        let cj = base + i * v + starts[j]
                        let kj = row + starts[j]
                        for m in 0..<c.vectorsPerClass[j] { sum += Double(cj[m] * kj[m]) }
                        sum += Double(c.rho[index])
                        pairScores[index] = Float(sum)
                        votes[sum > 0 ? i : j] += 1
                        index += 1
                    }
                }
                var best = 0
                for i in 1..<k where votes[i] > votes[best] { best = i }
                writeLabel(context, row: r, index: best)
                let y = out + r * width
                if c.hasProbabilities {
                    r2.update(repeating: 0, count: k * k)
                    index = 0
                    for i in 0..<(k - 1) {
                        for j in (i + 1)..<k {
                            let value = 1 - Self.logistic(pairScores[index] * c.probA[index] + c.probB[index])
                            let clamped = min(max(value, 1e-7), 1 - 1e-7)
                            r2[i * k + j] = clamped
                            r2[j * k + i] = 1 - clamped
                            index += 1
                        }
                    }
                    Self.coupleProbabilities(k, r2, q, qp, y)
                    Self.transform(c.postTransform, y, count: k)
                } else if k == 2 {
                    let s = pairScores[0]
                    // onnxruntime 1.31's layouts of the one decision value.
                    switch c.postTransform {
                    case .none: (y[0], y[1]) = (-s, s)
                    case .probit: (y[0], y[1]) = (Self.probit(s), s)
                    case .logistic:
                        let p = Self.logistic(s)
                        (y[0], y[1]) = (1 - p, p)
                    case .softmax, .softmaxZero: (y[0], y[1]) = (1 - s, s)
                    }
                } else {
                    y.update(from: pairScores, count: pairs)
                    Self.transform(c.postTransform, y, count: pairs)
                }
            }
        }
    }

    /// Labels of linear mode: the best raw score, with onnxruntime's rule for two labels.
    private func linearLabels(_ context: ExecutionContext, _ out: UnsafeMutablePointer<Float>, classes k: Int) {
        for r in 0..<rows {
            let row = out + r * k
            var best = 0
            for i in 1..<max(1, k) where row[i] > row[best] { best = i }
            var index = best
            if k == 2 && !attributes.hasProbabilities {
                let top = row[best]
                if (weightsAllPositive && top >= 0.5) || (!weightsAllPositive && top > 0) { index = 1 }
            }
            writeLabel(context, row: r, index: index)
        }
    }

    private func writeLabel(_ context: ExecutionContext, row: Int, index: Int) {
        switch attributes.labels {
        case .int64(let l): context.i64(label)[row] = l[index]
        case .string(let l):
            if row == 0 { context.strings[label] = [String](repeating: "", count: rows) }
            context.strings[label][row] = l[index]
        }
    }

    // MARK: - onnxruntime's score arithmetic (ml_common.h)

    /// `1 / (1 + e^-|x|)`, mirrored for negative `x`.
    static func logistic(_ x: Float) -> Float {
        let v = 1 / (1 + Platform.exp(-abs(x)))
        return x < 0 ? 1 - v : v
    }

    /// `√2 · erfinv(2x - 1)` with onnxruntime's approximate `erfinv`.
    static func probit(_ x: Float) -> Float { ReferenceKernels.probit(x) }

    /// onnxruntime's post-transform of `count` scores (more than one; a single score only takes PROBIT).
    static func transform(_ t: GraphOp.PostTransform, _ y: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 1 else {
            if t == .probit, count == 1 { y[0] = probit(y[0]) }
            return
        }
        switch t {
        case .none: return
        case .probit: for i in 0..<count { y[i] = probit(y[i]) }
        case .logistic: for i in 0..<count { y[i] = logistic(y[i]) }
        case .softmax:
            var top = -Float.greatestFiniteMagnitude
            for i in 0..<count where y[i] > top { top = y[i] }
            var sum: Float = 0
            for i in 0..<count {
                y[i] = Platform.exp(y[i] - top)
                sum += y[i]
            }
            for i in 0..<count { y[i] /= sum }
        case .softmaxZero:
            var top = -Float.greatestFiniteMagnitude
            for i in 0..<count where y[i] > top { top = y[i] }
            let scale = Platform.exp(-top)
            var sum: Float = 0
            for i in 0..<count {
                if y[i] > 0.000_000_1 || y[i] < -0.000_000_1 {
                    y[i] = Platform.exp(y[i] - top)
                    sum += y[i]
                } else {
                    y[i] *= scale
                }
            }
            for i in 0..<count { y[i] /= sum }
        }
    }

    /// libsvm's `multiclass_probability` (Wu, Lin and Weng's second method) in `float32`, as
    /// onnxruntime runs it: `r` is the k × k pairwise matrix, `q` (k × k) and `qp` (k) work
    /// space, `p` the k probabilities.
    static func coupleProbabilities(
        _ k: Int, _ r: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>,
        _ qp: UnsafeMutablePointer<Float>, _ p: UnsafeMutablePointer<Float>
    ) {
        q.update(repeating: 0, count: k * k)
        qp.update(repeating: 0, count: k)
        let eps = 0.005 / Float(k)
        for i in 0..<k {
            p[i] = 1 / Float(k)
            for j in 0..<i {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = q[j * k + i]
            }
            for j in (i + 1)..<max(i + 1, k) {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = -r[j * k + i] * r[i * k + j]
            }
        }
        for _ in 0..<100 {
            var pQp: Float = 0
            for i in 0..<k {
                qp[i] = 0
                for j in 0..<k { qp[i] += q[i * k + j] * p[j] }
                pQp += p[i] * qp[i]
            }
            var maxError: Float = 0
            for i in 0..<k {
                let error = abs(qp[i] - pQp)
                if error > maxError { maxError = error }
            }
            if maxError < eps { break }
            for i in 0..<k {
                let diff = (-qp[i] + pQp) / q[i * k + i]
                p[i] += diff
                pQp = (pQp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
    }
}
