import Foundation
import InferenceCore
import MLOpsCore
import Testing
import Training

/// Helpers of the linear-estimator tests: standardising features as scikit-learn's StandardScaler,
/// metrics, and running an exported graph.
enum LinearTestSupport {
    /// The mean and population standard deviation (1 for a constant column) of each column of
    /// `features`.
    static func scaler(_ features: FeatureMatrix) -> (mean: [Double], scale: [Double]) {
        let n = Double(features.rowCount)
        var mean = [Double](repeating: 0, count: features.columnCount)
        var scale = mean
        for j in 0..<features.columnCount {
            let column = features.column(j)
            let m = column.reduce(0, +) / n
            let variance = column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
            mean[j] = m
            scale[j] = variance > 0 ? variance.squareRoot() : 1
        }
        return (mean, scale)
    }

    /// `features` with `(x − mean) / scale` applied to each column.
    static func standardise(_ features: FeatureMatrix, mean: [Double], scale: [Double]) throws -> FeatureMatrix {
        var values = features.values
        let p = features.columnCount
        for i in 0..<features.rowCount {
            for j in 0..<p { values[i * p + j] = (values[i * p + j] - mean[j]) / scale[j] }
        }
        return try FeatureMatrix(rowCount: features.rowCount, values: values, featureNames: features.featureNames)
    }

    /// The train and test data of `dataset` standardised with the train rows' scaler.
    static func standardisedData(_ dataset: ReferenceDataset) throws -> (train: TrainingData, test: TrainingData) {
        let train = try dataset.trainData()
        let test = try dataset.testData()
        let (mean, scale) = scaler(train.features)
        return (
            try TrainingData(features: standardise(train.features, mean: mean, scale: scale), target: train.target),
            try TrainingData(features: standardise(test.features, mean: mean, scale: scale), target: test.target)
        )
    }

    /// Root mean squared error, mean absolute error and R².
    static func regressionMetrics(_ predictions: [Double], _ targets: [Double]) -> (
        rmse: Double, mae: Double, r2: Double
    ) {
        let n = Double(targets.count)
        let mean = targets.reduce(0, +) / n
        var squared = 0.0
        var absolute = 0.0
        var total = 0.0
        for (p, y) in zip(predictions, targets) {
            squared += (p - y) * (p - y)
            absolute += abs(p - y)
            total += (y - mean) * (y - mean)
        }
        return ((squared / n).squareRoot(), absolute / n, 1 - squared / total)
    }

    /// Accuracy and mean log loss of class probabilities (row-major, `classCount` per row).
    static func classificationMetrics(_ predictions: Predictions, _ classes: [Int]) -> (
        accuracy: Double, logLoss: Double
    ) {
        let labels = predictions.labels
        let correct = zip(labels, classes).filter { $0 == $1 }.count
        var loss = 0.0
        for (row, y) in classes.enumerated() {
            let p = min(max(predictions.values[row * predictions.classCount + y], 1e-15), 1 - 1e-15)
            loss -= log(p)
        }
        return (Double(correct) / Double(classes.count), loss / Double(classes.count))
    }

    /// The ROC AUC of scores against 0/1 labels (ties count one half).
    static func rocAUC(_ scores: [Double], _ labels: [Int]) -> Double {
        var positives = 0.0
        var pairs = 0.0
        for (i, si) in scores.enumerated() where labels[i] == 1 {
            positives += 1
            for (j, sj) in scores.enumerated() where labels[j] == 0 {
                pairs += si > sj ? 1 : (si == sj ? 0.5 : 0)
            }
        }
        let negatives = Double(labels.count) - positives
        return pairs / (positives * negatives)
    }

    /// The graph `fitted` exports, finished as a model of `float32` rows.
    static func exportedModel(_ fitted: some FittedEstimator, inputType: ElementType = .float32) throws -> Model {
        var builder = GraphBuilder()
        let input = builder.input(elementType: inputType, width: fitted.featureCount)
        let outputs = try fitted.export(into: &builder, input: input)
        let graph = try builder.finish(name: "linear", input: input, outputs: outputs, task: fitted.task)
        return try Model(graph: graph, featureNames: fitted.featureNames)
    }

    /// Runs `model` on `features` (as `float32` or `float64` rows, per the model's input) and
    /// returns each output by name, as `Double`.
    static func run(_ model: Model, _ features: FeatureMatrix) throws -> [String: [Double]] {
        let n = features.rowCount
        let counts = try model.outputElementCounts(rowCount: n)
        let outputs = model.signature.outputs
        let buffers = counts.map { UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, $0) * 8, alignment: 8) }
        defer { for buffer in buffers { buffer.deallocate() } }
        if model.signature.inputs.first?.elementType == .float64 {
            try features.values.withUnsafeBufferPointer { try model.predict($0, rowCount: n, into: buffers) }
        } else {
            try features.floatValues.withUnsafeBufferPointer { try model.predict($0, rowCount: n, into: buffers) }
        }
        var result: [String: [Double]] = [:]
        for (index, output) in outputs.enumerated() {
            let buffer = buffers[index]
            switch output.elementType {
            case .float32:
                result[output.name] = (0..<counts[index]).map {
                    Double(buffer.load(fromByteOffset: $0 * 4, as: Float.self))
                }
            case .int64:
                result[output.name] = (0..<counts[index]).map {
                    Double(buffer.load(fromByteOffset: $0 * 8, as: Int64.self))
                }
            default:
                result[output.name] = (0..<counts[index]).map { buffer.load(fromByteOffset: $0 * 8, as: Double.self) }
            }
        }
        return result
    }

    /// Checks that the exported model of `fitted` predicts `features` within float32 tolerance of
    /// `fitted.predict`, and that the model written as a package and read back predicts the same
    /// bits.
    static func checkExport(_ fitted: some FittedEstimator, _ features: FeatureMatrix, tolerance: Double = 1e-5) throws
    {
        for inputType in [ElementType.float32, .float64] {
            let model = try exportedModel(fitted, inputType: inputType)
            let exported = try run(model, features)
            let expected = try fitted.predict(features)
            switch fitted.task {
            case .regression:
                let values = try #require(exported["prediction"])
                #expect(values.count == expected.rowCount)
                let worst = zip(values, expected.values).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                #expect(worst <= tolerance, "largest relative difference \(worst)")
            case .binary:
                let values = try #require(exported["probability"])
                let worst = zip(values, expected.positiveProbabilities).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= tolerance, "largest probability difference \(worst)")
            case .multiclass:
                let values = try #require(exported["probability"])
                #expect(values.count == expected.values.count)
                let worst = zip(values, expected.values).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= tolerance, "largest probability difference \(worst)")
            }
            if fitted.task.isClassification {
                let labels = try #require(exported["label"]).map { Int($0) }
                let probabilities = expected.values
                let k = expected.classCount
                for (row, label) in labels.enumerated() where label != expected.labels[row] {
                    // Only a near tie may pick another class in single precision.
                    let gap = abs(probabilities[row * k + label] - probabilities[row * k + expected.labels[row]])
                    #expect(gap < 1e-5, "row \(row) label \(label) vs \(expected.labels[row])")
                }
            }
            let reread = try Model(bytes: try model.package.encoded())
            let again = try run(reread, features)
            #expect(again == exported, "the package read back predicts other values")
            #expect(reread.signature.featureNames == fitted.featureNames)
        }
    }

    /// The largest absolute difference between two equally long arrays (infinity when the lengths
    /// differ).
    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
