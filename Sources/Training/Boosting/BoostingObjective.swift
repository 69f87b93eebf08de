import InferenceCore
import MLOpsCore

/// The loss a boosted ensemble minimises, with its gradients, hessians and starting scores.
///
/// Scores are class-major: output `k` of row `r` is at `k * rowCount + r`.
enum BoostingObjective: Sendable, Hashable {
    /// Squared error (regression); hessian 1.
    case squaredError
    /// Log loss of a sigmoid (binary classification).
    case logistic
    /// Log loss of a softmax over `classes` outputs.
    case softmax(classes: Int)

    init(task: TrainingTask, classCount: Int) {
        switch task {
        case .regression: self = .squaredError
        case .binary: self = .logistic
        case .multiclass: self = .softmax(classes: classCount)
        }
    }

    /// Outputs (trees per round).
    var outputCount: Int {
        if case .softmax(let classes) = self { return classes }
        return 1
    }

    static let blockSize = 16_384

    /// The starting raw scores (LightGBM's `boost_from_average`): the mean for squared error, the
    /// log-odds of the positive share for log loss, the log of each class's share for softmax.
    func initialScores(_ targets: [Double]) -> [Double] {
        let count = Double(targets.count)
        switch self {
        case .squaredError:
            return [targets.reduce(0, +) / count]
        case .logistic:
            let share = min(max(targets.reduce(0, +) / count, 1e-15), 1 - 1e-15)
            return [Platform.log(share / (1 - share))]
        case .softmax(let classes):
            var counts = [Double](repeating: 0, count: classes)
            for target in targets { counts[Int(target)] += 1 }
            return counts.map { Platform.log(max($0 / count, 1e-15)) }
        }
    }

    /// Writes the gradient and hessian of every output of every row into `gh` (class-major, in
    /// single precision like LightGBM's; histograms sum them in double precision) and
    /// returns the mean loss of `scores` (the loss of the model so far, from the same pass). The
    /// loss is summed in fixed blocks, then the blocks in order, so it does not depend on the
    /// thread count.
    @discardableResult
    func gradients(
        scores: UnsafePointer<Double>, targets: UnsafePointer<Double>, rowCount: Int,
        gh: UnsafeMutablePointer<SIMD2<Float>>, pool: WorkerPool
    ) -> Double {
        let blocks = (rowCount + Self.blockSize - 1) / Self.blockSize
        let partial = SharedResults<Double>(count: blocks, initial: 0)
        let scores = UnsafeSendable(scores)
        let targets = UnsafeSendable(targets)
        let gh = UnsafeSendable(gh)
        let objective = self
        pool.parallelFor(blocks) { block in
            let start = block * Self.blockSize
            let end = min(rowCount, start + Self.blockSize)
            let s = scores.pointer
            let y = targets.pointer
            let out = gh.pointer
            var sum = 0.0
            switch objective {
            case .squaredError:
                for r in start..<end {
                    let d = s[r] - y[r]
                    out[r] = SIMD2(Float(d), 1)
                    sum += d * d
                }
            case .logistic:
                for r in start..<end {
                    // e = exp(-|m|) once gives both p and the log loss log(1 + exp(-m_true)).
                    let m = s[r]
                    let e = Platform.exp(-abs(m))
                    let p = m >= 0 ? 1 / (1 + e) : e / (1 + e)
                    let positive = y[r] > 0.5
                    out[r] = SIMD2(Float(p - (positive ? 1 : 0)), Float(max(p * (1 - p), 1e-16)))
                    let trueMargin = positive ? m : -m
                    sum += Platform.log(1 + e) + (trueMargin < 0 ? -trueMargin : 0)
                }
            case .softmax(let classes):
                for r in start..<end {
                    var largest = -Double.infinity
                    for k in 0..<classes { largest = max(largest, s[k * rowCount + r]) }
                    var total = 0.0
                    for k in 0..<classes { total += Platform.exp(s[k * rowCount + r] - largest) }
                    let label = Int(y[r])
                    for k in 0..<classes {
                        let p = Platform.exp(s[k * rowCount + r] - largest) / total
                        out[k * rowCount + r] = SIMD2(
                            Float(p - (k == label ? 1 : 0)), Float(max(p * (1 - p), 1e-16)))
                    }
                    sum += largest + Platform.log(total) - s[label * rowCount + r]
                }
            }
            partial.set(block, sum)
        }
        return partial.values.reduce(0, +) / Double(max(1, rowCount))
    }

    /// The mean loss: the mean squared error for regression, the mean log loss for
    /// classification. Summed in fixed blocks, then the blocks in order.
    func loss(scores: UnsafePointer<Double>, targets: UnsafePointer<Double>, rowCount: Int, pool: WorkerPool)
        -> Double
    {
        guard rowCount > 0 else { return .nan }
        let blocks = (rowCount + Self.blockSize - 1) / Self.blockSize
        let partial = SharedResults<Double>(count: blocks, initial: 0)
        let scores = UnsafeSendable(scores)
        let targets = UnsafeSendable(targets)
        let objective = self
        pool.parallelFor(blocks) { block in
            let start = block * Self.blockSize
            let end = min(rowCount, start + Self.blockSize)
            let s = scores.pointer
            let y = targets.pointer
            var sum = 0.0
            switch objective {
            case .squaredError:
                for r in start..<end {
                    let d = s[r] - y[r]
                    sum += d * d
                }
            case .logistic:
                for r in start..<end {
                    // log(1 + exp(-m)) for the true class's margin m, computed stably.
                    let m = y[r] > 0.5 ? s[r] : -s[r]
                    sum += m > 0 ? Platform.log(1 + Platform.exp(-m)) : -m + Platform.log(1 + Platform.exp(m))
                }
            case .softmax(let classes):
                for r in start..<end {
                    var largest = -Double.infinity
                    for k in 0..<classes { largest = max(largest, s[k * rowCount + r]) }
                    var total = 0.0
                    for k in 0..<classes { total += Platform.exp(s[k * rowCount + r] - largest) }
                    sum += largest + Platform.log(total) - s[Int(y[r]) * rowCount + r]
                }
            }
            partial.set(block, sum)
        }
        return partial.values.reduce(0, +) / Double(rowCount)
    }
}
