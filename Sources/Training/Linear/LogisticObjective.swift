import InferenceCore
import MLOpsCore

/// scikit-learn's logistic-regression objective, scaled by 1/(C·n) as scikit-learn scales it:
/// `f(W, b) = (1/n)·Σᵢ logloss(xᵢ, yᵢ) + (1/(2·C·n))·‖W‖²` (the intercepts are not penalised).
///
/// Binary: one weight vector, `logloss = log(1 + e^z) − y·z` with `z = w·x + b`. Multinomial: one
/// vector per class, `logloss = log Σₖ e^{zₖ} − z_y`. The variables are laid out class by class,
/// each class's `p` weights followed by its intercept (when fitted).
///
/// The rows are split into at most ``maxBlocks`` blocks (fewer when the per-block gradients would
/// pass ``blockGradientBudget`` values) of at least ``minBlockRows`` rows (sizes
/// that depend on the row count only), run on the pool; each block sums its
/// loss (compensated) and gradient on its own, and the blocks are added in order, so the result
/// does not depend on the number of threads.
struct LogisticObjective: SmoothObjective {
    static let minBlockRows = 256
    static let maxBlocks = 64
    /// The most values all blocks' gradients may hold together (128 MiB of `Double`).
    static let blockGradientBudget = 1 << 24

    /// The rows of each block (the last may have fewer).
    let blockRows: Int

    let rows: Int
    let features: Int
    /// 1 for binary, K for multinomial.
    let outputs: Int
    let fitIntercept: Bool
    let inverseC: Double
    let pool: WorkerPool
    /// Row-major features and the class of each row (0/1 for binary).
    let x: [Double]
    let classes: [Int32]
    /// Per block: a gradient, and (sum, compensation) of its loss.
    private var blockGradients: [Double]
    private var blockLosses: [Double]
    /// Per block: the scores of one row.
    private var blockScores: [Double]

    var stride: Int { features + (fitIntercept ? 1 : 0) }
    var dimension: Int { outputs * stride }
    var blockCount: Int { (rows + blockRows - 1) / blockRows }

    init(
        x: [Double], rows: Int, features: Int, classes: [Int], classCount: Int, fitIntercept: Bool, c: Double,
        pool: WorkerPool
    ) {
        self.x = x
        self.rows = rows
        self.features = features
        self.classes = classes.map { Int32($0) }
        self.outputs = classCount == 2 ? 1 : classCount
        self.fitIntercept = fitIntercept
        self.inverseC = 1 / c
        self.pool = pool
        let dimension = outputs * (features + (fitIntercept ? 1 : 0))
        let maxBlocks = max(1, min(Self.maxBlocks, Self.blockGradientBudget / max(1, dimension)))
        blockRows = max(Self.minBlockRows, (rows + maxBlocks - 1) / maxBlocks)
        let blocks = (rows + blockRows - 1) / blockRows
        blockGradients = [Double](repeating: 0, count: blocks * dimension)
        blockLosses = [Double](repeating: 0, count: blocks * 2)
        blockScores = [Double](repeating: 0, count: blocks * outputs)
    }

    /// The mean log loss (without the penalty) of the last ``evaluate(_:gradient:)``.
    private(set) var meanLogLoss = Double.nan

    mutating func evaluate(_ w: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let dimension = self.dimension
        let blocks = blockCount
        let (rows, blockRows, features, outputs, stride, fitIntercept, pool) =
            (self.rows, self.blockRows, self.features, self.outputs, self.stride, self.fitIntercept, self.pool)
        x.withUnsafeBufferPointer { x in
            classes.withUnsafeBufferPointer { classes in
                blockGradients.withUnsafeMutableBufferPointer { grads in
                    blockLosses.withUnsafeMutableBufferPointer { losses in
                        blockScores.withUnsafeMutableBufferPointer { scores in
                            let work = BlockWork(
                                x: x.baseAddress!, classes: classes.baseAddress!, w: w.baseAddress!,
                                gradients: grads.baseAddress!, losses: losses.baseAddress!,
                                scores: scores.baseAddress!, rows: rows, blockRows: blockRows, features: features,
                                outputs: outputs,
                                stride: stride, fitIntercept: fitIntercept, dimension: dimension)
                            if blocks > 1, pool.threadCount > 1 {
                                pool.parallelFor(blocks, work: work)
                            } else {
                                for block in 0..<blocks { work.run(block) }
                            }
                        }
                    }
                }
            }
        }
        // Add the blocks in order.
        var sum = 0.0
        var compensation = 0.0
        for i in 0..<dimension { gradient[i] = 0 }
        blockGradients.withUnsafeBufferPointer { grads in
            for block in 0..<blocks {
                Self.add(blockLosses[2 * block], to: &sum, &compensation)
                Self.add(blockLosses[2 * block + 1], to: &sum, &compensation)
                let base = block * dimension
                for i in 0..<dimension { gradient[i] += grads[base + i] }
            }
        }
        let n = Double(rows)
        let loss = (sum + compensation) / n
        meanLogLoss = loss
        // Penalty (1/(2Cn))‖W‖² on the weights, not the intercepts.
        var penalty = 0.0
        let scale = inverseC / n
        for k in 0..<outputs {
            for j in 0..<features {
                let index = k * stride + j
                penalty += w[index] * w[index]
                gradient[index] = gradient[index] / n + scale * w[index]
            }
            if fitIntercept { gradient[k * stride + features] /= n }
        }
        return loss + 0.5 * scale * penalty
    }

    /// Neumaier's compensated addition.
    @inline(__always)
    static func add(_ value: Double, to sum: inout Double, _ compensation: inout Double) {
        let t = sum + value
        if abs(sum) >= abs(value) {
            compensation += (sum - t) + value
        } else {
            compensation += (value - t) + sum
        }
        sum = t
    }
}

/// One block of rows of the objective: its loss and gradient into its own slots.
// @unchecked Sendable: each block writes only its own slice of `gradients`, `losses` and `scores`;
// the rest is read-only during the job.
private struct BlockWork: ParallelWork, @unchecked Sendable {
    let x: UnsafePointer<Double>
    let classes: UnsafePointer<Int32>
    let w: UnsafePointer<Double>
    let gradients: UnsafeMutablePointer<Double>
    let losses: UnsafeMutablePointer<Double>
    let scores: UnsafeMutablePointer<Double>
    let rows: Int
    let blockRows: Int
    let features: Int
    let outputs: Int
    let stride: Int
    let fitIntercept: Bool
    let dimension: Int

    func run(_ block: Int) {
        let start = block * blockRows
        let end = min(rows, start + blockRows)
        let grad = gradients + block * dimension
        grad.initialize(repeating: 0, count: dimension)
        var sum = 0.0
        var compensation = 0.0
        let p = features
        if outputs == 1 {
            let intercept = fitIntercept ? w[p] : 0
            for i in start..<end {
                let row = x + i * p
                let z = intercept + Self.dot(w, row, p)
                let label = Double(classes[i])
                let e = Platform.exp(-abs(z))
                let loss = max(z, 0) + Platform.log1p(e) - label * z
                LogisticObjective.add(loss, to: &sum, &compensation)
                let sigma = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                let g = sigma - label
                for j in 0..<p { grad[j] += g * row[j] }
                if fitIntercept { grad[p] += g }
            }
        } else {
            let z = scores + block * outputs
            for i in start..<end {
                let row = x + i * p
                var largest = -Double.infinity
                for k in 0..<outputs {
                    let weights = w + k * stride
                    let score = (fitIntercept ? weights[p] : 0) + Self.dot(weights, row, p)
                    z[k] = score
                    largest = max(largest, score)
                }
                let label = Int(classes[i])
                let labelScore = z[label]
                var total = 0.0
                for k in 0..<outputs {
                    let e = Platform.exp(z[k] - largest)
                    total += e
                    z[k] = e
                }
                // loss = log Σₖ e^{zₖ} − z_y, shifted by the largest score.
                let loss = Platform.log(total) + (largest - labelScore)
                LogisticObjective.add(loss, to: &sum, &compensation)
                let inverse = 1 / total
                for k in 0..<outputs {
                    let g = z[k] * inverse - (k == label ? 1 : 0)
                    let target = grad + k * stride
                    for j in 0..<p { target[j] += g * row[j] }
                    if fitIntercept { target[p] += g }
                }
            }
        }
        losses[2 * block] = sum
        losses[2 * block + 1] = compensation
    }

    /// A dot product with four running sums.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0
        var s1 = 0.0
        var s2 = 0.0
        var s3 = 0.0
        var j = 0
        while j + 4 <= n {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < n {
            s0 += a[j] * b[j]
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}
