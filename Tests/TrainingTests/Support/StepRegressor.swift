import MLOpsCore
import Training

/// A small but real iterative estimator for the trainer's tests: linear least squares by
/// mini-batch gradient descent, with weights initialised and batches drawn from the context's
/// generator, one report and one checkpoint chance per iteration. `failAfter` throws after that
/// iteration, as a crash would end a process.
struct StepRegressor: Estimator {
    static let name = "step-regressor"
    var iterations = 40
    var learningRate = 0.05
    var batchSize = 8
    var failAfter: Int?

    var parameters: [String: String] {
        ["iterations": String(iterations), "learning_rate": String(learningRate), "batch_size": String(batchSize)]
    }

    struct Fitted: FittedEstimator {
        var weights: [Double]
        var bias: Double
        let featureNames: [String]
        var task: TrainingTask { .regression }
        var featureCount: Int { featureNames.count }
        var classLabels: [String] { [] }

        func predict(_ features: FeatureMatrix) throws -> Predictions {
            Predictions(
                regression: (0..<features.rowCount).map { row in
                    bias + weights.indices.reduce(0) { $0 + weights[$1] * features[row: row, column: $1] }
                })
        }

        func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
            throw MLOpsError(.unsupported, "the test regressor does not export", value: "step-regressor")
        }

        /// The weights' and bias's bits.
        var encoded: [UInt8] {
            (weights + [bias]).flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        }

        init(weights: [Double], bias: Double, featureNames: [String]) {
            self.weights = weights
            self.bias = bias
            self.featureNames = featureNames
        }

        init(encoded bytes: [UInt8], featureNames: [String]) {
            let values = stride(from: 0, to: bytes.count, by: 8).map { start in
                Double(bitPattern: bytes[start..<(start + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) })
            }
            self.init(weights: Array(values.dropLast()), bias: values.last!, featureNames: featureNames)
        }
    }

    struct Failure: Error {}

    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted {
        let x = data.features
        let y = data.target.values
        var model = Fitted(
            weights: (0..<x.columnCount).map { _ in context.random.normal() * 0.01 }, bias: 0,
            featureNames: x.featureNames)
        var start = 1
        if let checkpoint = context.resumeCheckpoint() {
            model = Fitted(encoded: checkpoint.state, featureNames: x.featureNames)
            start = checkpoint.iteration + 1
        }
        defer { context.finish() }
        for iteration in start...max(start, iterations) where iteration <= iterations {
            let batch = (0..<batchSize).map { _ in context.random.int(in: 0..<x.rowCount) }
            var gradient = [Double](repeating: 0, count: x.columnCount)
            var biasGradient = 0.0
            var loss = 0.0
            for row in batch {
                var prediction = model.bias
                for j in 0..<x.columnCount { prediction += model.weights[j] * x[row: row, column: j] }
                let error = prediction - y[row]
                loss += error * error / Double(batchSize)
                for j in 0..<x.columnCount { gradient[j] += 2 * error * x[row: row, column: j] / Double(batchSize) }
                biasGradient += 2 * error / Double(batchSize)
            }
            for j in 0..<x.columnCount { model.weights[j] -= learningRate * gradient[j] }
            model.bias -= learningRate * biasGradient
            let decision = context.report(
                IterationReport(iteration: iteration, totalIterations: iterations, metrics: ["train_loss": loss]))
            context.checkpointIfDue(iteration: iteration) { model.encoded }
            if let failAfter, iteration >= failAfter { throw Failure() }
            if decision == .stop { break }
        }
        return model
    }
}
