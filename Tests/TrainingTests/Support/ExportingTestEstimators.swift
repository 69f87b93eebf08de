import Foundation
import InferenceCore
import MLOpsCore
import Training

/// A test-only classifier: class centroids, probabilities a softmax over `2·x·c_k - |c_k|²`
/// (the negative squared distance up to a per-row constant). Exports as gemm + softmax.
struct ExportingCentroid: Estimator {
    static let name = "nearest_centroid"
    var parameters: [String: String] { [:] }

    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted {
        guard data.task.isClassification else {
            throw MLOpsError(.invalidArgument, "nearest centroid classifies", value: data.target.name)
        }
        if let missing = data.features.firstMissing() {
            throw MLOpsError(.invalidArgument, "NaN in \(missing.column)", value: missing.column)
        }
        let k = data.target.classCount
        let f = data.features.columnCount
        var sums = [Double](repeating: 0, count: k * f)
        var counts = [Double](repeating: 0, count: k)
        for row in 0..<data.rowCount {
            let c = data.target.classes[row]
            counts[c] += 1
            for j in 0..<f { sums[c * f + j] += data.features[row: row, column: j] }
        }
        let centroids = (0..<(k * f)).map { sums[$0] / counts[$0 / f] }
        return Fitted(
            task: data.task, featureNames: data.features.featureNames, classLabels: data.target.classLabels,
            centroids: centroids)
    }

    struct Fitted: FittedEstimator {
        let task: TrainingTask
        let featureNames: [String]
        let classLabels: [String]
        let centroids: [Double]
        var featureCount: Int { featureNames.count }

        func predict(_ features: FeatureMatrix) throws -> Predictions {
            let k = classLabels.count
            let f = featureCount
            var out: [Double] = []
            for row in 0..<features.rowCount {
                var logits = (0..<k).map { c in
                    var dot = 0.0
                    var norm = 0.0
                    for j in 0..<f {
                        dot += features[row: row, column: j] * centroids[c * f + j]
                        norm += centroids[c * f + j] * centroids[c * f + j]
                    }
                    return 2 * dot - norm
                }
                let top = logits.max() ?? 0
                logits = logits.map { exp($0 - top) }
                let total = logits.reduce(0, +)
                out += logits.map { $0 / total }
            }
            return try Predictions(probabilities: out, classCount: k)
        }

        func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
            let k = classLabels.count
            let f = featureCount
            let weights = builder.constant(
                try Tensor(shape: [k, f], float32: centroids.map { Float(2 * $0) }), hint: "centroids")
            let bias = builder.constant(
                try Tensor(
                    shape: [k],
                    float32: (0..<k).map { c in
                        Float((0..<f).reduce(0.0) { $0 + centroids[c * f + $1] * centroids[c * f + $1] })
                    }
                    .map { -$0 }),
                hint: "norms")
            let logits = builder.add(
                .gemm(.init(transB: true)), inputs: [input.name, weights, bias], output: (.float32, k), hint: "logits")
            let probabilities = builder.add(
                .softmax(axis: 1), inputs: [logits.name], output: (.float32, k), hint: "softmax")
            return ExportedOutputs(probabilities: probabilities)
        }
    }
}

/// A test-only regressor: least squares with an intercept, solved by the normal equations of the
/// centred data (Gaussian elimination with partial pivoting). Exports as gemm.
struct LeastSquares: Estimator {
    static let name = "least_squares"
    var parameters: [String: String] { ["ridge": "1e-9"] }

    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted {
        let x = data.features
        let y = data.target.values
        let n = Double(x.rowCount)
        let f = x.columnCount
        let means = (0..<f).map { j in (0..<x.rowCount).reduce(0.0) { $0 + x[row: $1, column: j] } / n }
        let yMean = y.reduce(0, +) / n
        var a = [Double](repeating: 0, count: f * (f + 1))  // [XᵀX + λI | Xᵀy]
        for r in 0..<x.rowCount {
            for i in 0..<f {
                let xi = x[row: r, column: i] - means[i]
                for j in 0..<f { a[i * (f + 1) + j] += xi * (x[row: r, column: j] - means[j]) }
                a[i * (f + 1) + f] += xi * (y[r] - yMean)
            }
        }
        for i in 0..<f { a[i * (f + 1) + i] += 1e-9 }
        for col in 0..<f {
            let pivot = (col..<f).max { abs(a[$0 * (f + 1) + col]) < abs(a[$1 * (f + 1) + col]) } ?? col
            for j in 0...f { a.swapAt(col * (f + 1) + j, pivot * (f + 1) + j) }
            let p = a[col * (f + 1) + col]
            for j in 0...f { a[col * (f + 1) + j] /= p }
            for r in 0..<f where r != col {
                let factor = a[r * (f + 1) + col]
                for j in 0...f { a[r * (f + 1) + j] -= factor * a[col * (f + 1) + j] }
            }
        }
        let w = (0..<f).map { a[$0 * (f + 1) + f] }
        let b = yMean - zip(w, means).reduce(0) { $0 + $1.0 * $1.1 }
        return Fitted(featureNames: x.featureNames, weights: w, intercept: b)
    }

    struct Fitted: FittedEstimator {
        let featureNames: [String]
        let weights: [Double]
        let intercept: Double
        var task: TrainingTask { .regression }
        var featureCount: Int { featureNames.count }
        var classLabels: [String] { [] }

        func predict(_ features: FeatureMatrix) throws -> Predictions {
            Predictions(
                regression: (0..<features.rowCount).map { r in
                    (0..<featureCount).reduce(intercept) { $0 + weights[$1] * features[row: r, column: $1] }
                })
        }

        func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
            let w = builder.constant(
                try Tensor(shape: [1, featureCount], float32: weights.map { Float($0) }), hint: "w")
            let b = builder.constant(try Tensor(shape: [1], float32: [Float(intercept)]), hint: "b")
            return ExportedOutputs(
                prediction: builder.add(
                    .gemm(.init(transB: true)), inputs: [input.name, w, b], output: (.float32, 1), hint: "linear"))
        }
    }
}
