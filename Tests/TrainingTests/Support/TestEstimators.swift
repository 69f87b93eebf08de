import MLOpsCore
import Training

/// A nearest-centroid classifier for tests of code that takes any `Estimator`: class
/// probabilities are a softmax of minus the squared distances to the class centroids of the
/// training rows (a class with no training row gets probability 0).
///
/// Fitting reports one iteration whose metric `probe` is a draw from the context's generator, so
/// tests can see which generator a fit used.
struct NearestCentroid: Estimator {
    static let name = "nearest_centroid"
    var parameters: [String: String] { [:] }

    struct Fitted: FittedEstimator {
        let task: TrainingTask
        let featureNames: [String]
        let classLabels: [String]
        /// The centroid of each class (`nil` when the class had no training row).
        let centroids: [[Double]?]
        var featureCount: Int { featureNames.count }

        func predict(_ features: FeatureMatrix) throws -> Predictions {
            guard features.columnCount == featureCount else {
                throw MLOpsError(.invalidArgument, "wrong feature count", value: String(features.columnCount))
            }
            var probabilities: [Double] = []
            for row in 0..<features.rowCount {
                let distances = centroids.map { centroid -> Double? in
                    centroid.map { c in
                        c.indices.reduce(0) { sum, j in
                            let difference = features[row: row, column: j] - c[j]
                            return sum + difference * difference
                        }
                    }
                }
                let nearest = distances.compactMap { $0 }.min() ?? 0
                let weights = distances.map { $0.map { Platform.exp(nearest - $0) } ?? 0 }
                let total = weights.reduce(0, +)
                probabilities += weights.map { $0 / total }
            }
            return try Predictions(probabilities: probabilities, classCount: classLabels.count)
        }

        func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
            throw MLOpsError(.unsupported, "the test estimator does not export", value: "nearest_centroid")
        }
    }

    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted {
        guard data.task.isClassification else {
            throw MLOpsError(.invalidArgument, "nearest centroid needs classes", value: data.target.name)
        }
        let columns = data.features.columnCount
        var sums = [[Double]](repeating: [Double](repeating: 0, count: columns), count: data.target.classCount)
        var counts = [Int](repeating: 0, count: data.target.classCount)
        for (row, k) in data.target.classes.enumerated() {
            counts[k] += 1
            for c in 0..<columns { sums[k][c] += data.features[row: row, column: c] }
        }
        let centroids = sums.indices.map { k in counts[k] == 0 ? nil : sums[k].map { $0 / Double(counts[k]) } }
        let probe = Double(context.random.next() >> 11)
        _ = context.report(IterationReport(iteration: 1, totalIterations: 1, metrics: ["probe": probe]))
        context.finish()
        return Fitted(
            task: data.task, featureNames: data.features.featureNames, classLabels: data.target.classLabels,
            centroids: centroids)
    }
}

/// A regressor that predicts the mean target of its training rows, for tests.
struct MeanRegressor: Estimator {
    static let name = "mean"
    var parameters: [String: String] { [:] }

    struct Fitted: FittedEstimator {
        let task = TrainingTask.regression
        let featureNames: [String]
        let classLabels: [String] = []
        let mean: Double
        var featureCount: Int { featureNames.count }

        func predict(_ features: FeatureMatrix) throws -> Predictions {
            Predictions(regression: [Double](repeating: mean, count: features.rowCount))
        }

        func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
            throw MLOpsError(.unsupported, "the test estimator does not export", value: "mean")
        }
    }

    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted {
        Fitted(
            featureNames: data.features.featureNames,
            mean: data.target.values.reduce(0, +) / Double(data.rowCount))
    }
}
