import InferenceCore
import MLOpsCore
import Training

/// Helpers of the MLP tests: standardised reference data, scores, and running an exported graph.
enum MLPTestSupport {
    /// The dataset's train and test rows with every feature standardised by the train rows' mean and
    /// population standard deviation (scale 1 for a constant column), as the reference recipe.
    static func standardised(_ name: String, task: TrainingTask? = nil) throws -> (
        train: TrainingData, test: TrainingData, reference: JSONValue
    ) {
        let dataset = try ReferenceDataset.load(name)
        let train = try dataset.trainData(task: task)
        let test = try dataset.testData(task: task)
        let columns = train.features.columnCount
        var mean = [Double](repeating: 0, count: columns)
        var variance = [Double](repeating: 0, count: columns)
        let rows = Double(train.rowCount)
        for row in 0..<train.rowCount {
            for column in 0..<columns { mean[column] += train.features[row: row, column: column] / rows }
        }
        for row in 0..<train.rowCount {
            for column in 0..<columns {
                let d = train.features[row: row, column: column] - mean[column]
                variance[column] += d * d / rows
            }
        }
        let scale = variance.map { $0 > 0 ? $0.squareRoot() : 1 }
        func apply(_ data: TrainingData) throws -> TrainingData {
            var values = data.features.values
            for index in values.indices {
                let column = index % columns
                values[index] = (values[index] - mean[column]) / scale[column]
            }
            let features = try FeatureMatrix(
                rowCount: data.rowCount, values: values, featureNames: data.features.featureNames)
            return try TrainingData(features: features, target: data.target)
        }
        return (try apply(train), try apply(test), dataset.reference)
    }

    /// The share of rows whose most probable class is the target's.
    static func accuracy(_ predictions: Predictions, _ target: TrainingTarget) -> Double {
        let labels = predictions.labels
        let correct = zip(labels, target.classes).filter { $0 == $1 }.count
        return Double(correct) / Double(max(1, labels.count))
    }

    /// R² of regression predictions.
    static func r2(_ predictions: Predictions, _ target: TrainingTarget) -> Double {
        let y = target.values
        let mean = y.reduce(0, +) / Double(y.count)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = zip(predictions.values, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return 1 - residual / total
    }

    /// The weights and biases of a fitted network as bit patterns (to compare byte for byte).
    static func bits(_ model: FittedMLP) -> [[UInt32]] {
        (model.weights + model.biases).map { $0.map(\.bitPattern) }
    }

    /// The exported graph of `fitted` with an input of `elementType`, finished as a model graph.
    static func graph(_ fitted: FittedMLP, elementType: ElementType) throws -> ModelGraph {
        var builder = GraphBuilder()
        let input = builder.input(name: "features", elementType: elementType, width: fitted.featureCount)
        let outputs = try fitted.export(into: &builder, input: input)
        return try builder.finish(name: "mlp", input: input, outputs: outputs, task: fitted.task)
    }

    /// Runs `model` on `features` (as `Float` or `Double` rows, whichever its input takes) and
    /// returns its `probability` or `prediction` output as `Float`s.
    static func run(_ model: Model, _ features: FeatureMatrix) throws -> [Float] {
        let counts = try model.outputElementCounts(rowCount: features.rowCount)
        let outputs = model.signature.outputs
        var buffers = zip(outputs, counts).map { output, count in
            UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(1, count) * (output.elementType == .int64 ? 8 : 4), alignment: 8)
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        buffers = buffers.map { $0 }
        if model.signature.inputs.first?.elementType == .float64 {
            try features.values.withUnsafeBufferPointer {
                try model.predict($0, rowCount: features.rowCount, into: buffers)
            }
        } else {
            try features.floatValues.withUnsafeBufferPointer {
                try model.predict($0, rowCount: features.rowCount, into: buffers)
            }
        }
        guard let index = outputs.firstIndex(where: { $0.name == "probability" || $0.name == "prediction" }) else {
            return []
        }
        let floats = buffers[index].bindMemory(to: Float.self)
        return Array(floats.prefix(counts[index]))
    }
}
