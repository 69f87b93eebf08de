import InferenceCore
import MLOpsCore

/// A trained ``MLP``: its layers' single-precision weights and biases, and how training went.
///
/// ``predict(_:)`` evaluates the network in double precision from the `Float` parameters; the
/// exported graph (``export(into:input:)``) evaluates it in single precision with InferenceCore's
/// `gemm` (fused activation) and `softmax` ops, so the two agree to float32 rounding.
public struct FittedMLP: FittedEstimator {
    public let task: TrainingTask
    public let featureNames: [String]
    public let classLabels: [String]
    /// The hidden layers' activation.
    public let activation: MLP.Activation
    /// Each layer's weights, `layerSizes[l] × layerSizes[l + 1]` row-major (scikit-learn's `coefs_`).
    public let weights: [[Float]]
    /// Each layer's biases (scikit-learn's `intercepts_`).
    public let biases: [[Float]]
    /// The units of every layer: features, hidden layers, outputs (classes for multiclass, 1 for
    /// binary — the probability of class 1 — and regression).
    public let layerSizes: [Int]
    /// Epochs run (scikit-learn's `n_iter_`).
    public let iterationCount: Int
    /// The training loss of each epoch, L2 term included (scikit-learn's `loss_curve_`).
    public let lossCurve: [Double]
    /// With early stopping, the validation score of each epoch (accuracy, or R² for regression).
    public let validationScores: [Double]
    /// Whether the stopping rule (no improvement for `n_iter_no_change` epochs) ended training,
    /// rather than `max_iter` or a callback.
    public let converged: Bool

    public var featureCount: Int { layerSizes.first ?? 0 }

    /// A fitted network from its parts (as ``MLP/fit(_:context:)`` makes it).
    init(
        task: TrainingTask, featureNames: [String], classLabels: [String], activation: MLP.Activation,
        weights: [[Float]], biases: [[Float]], layerSizes: [Int], iterationCount: Int, lossCurve: [Double],
        validationScores: [Double], converged: Bool
    ) {
        self.task = task
        self.featureNames = featureNames
        self.classLabels = classLabels
        self.activation = activation
        self.weights = weights
        self.biases = biases
        self.layerSizes = layerSizes
        self.iterationCount = iterationCount
        self.lossCurve = lossCurve
        self.validationScores = validationScores
        self.converged = converged
    }

    /// Predicts in double precision: class probabilities (binary: `[1 − p, p]`), or the regression
    /// value.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a different number of columns, or a NaN or
    ///   infinite feature (naming the column and the 1-based row).
    public func predict(_ features: FeatureMatrix) throws -> Predictions {
        guard features.columnCount == featureCount else {
            throw MLOpsError(
                .invalidArgument,
                "the MLP takes \(featureCount) features but the matrix has \(features.columnCount) columns",
                value: String(features.columnCount))
        }
        try MLPTrainer.checkFinite(features)
        let outputs = layerSizes.last ?? 1
        var result = [Double](repeating: 0, count: features.rowCount * (task == .binary ? 2 : outputs))
        var current = [Double](repeating: 0, count: layerSizes.max() ?? 0)
        var next = current
        features.values.withUnsafeBufferPointer { values in
            for row in 0..<features.rowCount {
                for column in 0..<featureCount { current[column] = values[row * featureCount + column] }
                for layer in 0..<weights.count {
                    let fanIn = layerSizes[layer]
                    let fanOut = layerSizes[layer + 1]
                    let w = weights[layer]
                    for j in 0..<fanOut { next[j] = Double(biases[layer][j]) }
                    for i in 0..<fanIn {
                        let a = current[i]
                        for j in 0..<fanOut { next[j] += a * Double(w[i * fanOut + j]) }
                    }
                    if layer < weights.count - 1 {
                        for j in 0..<fanOut { next[j] = Self.activate(next[j], activation) }
                    }
                    swap(&current, &next)
                }
                switch task {
                case .regression:
                    result[row] = current[0]
                case .binary:
                    let p = Self.activate(current[0], .logistic)
                    result[2 * row] = 1 - p
                    result[2 * row + 1] = p
                case .multiclass:
                    let largest = current[0..<outputs].max() ?? 0
                    var sum = 0.0
                    for k in 0..<outputs {
                        let e = Platform.exp(current[k] - largest)
                        result[row * outputs + k] = e
                        sum += e
                    }
                    for k in 0..<outputs { result[row * outputs + k] /= sum }
                }
            }
        }
        if task == .regression { return Predictions(regression: result) }
        return try Predictions(probabilities: result, classCount: task == .binary ? 2 : outputs)
    }

    static func activate(_ x: Double, _ activation: MLP.Activation) -> Double {
        switch activation {
        case .identity: x
        case .relu: max(x, 0)
        case .tanh: Platform.tanh(x)
        case .logistic: x >= 0 ? 1 / (1 + Platform.exp(-x)) : Platform.exp(x) / (1 + Platform.exp(x))
        }
    }

    /// Appends the network: a `cast` to `float32` if `input` is another type, then one `gemm` per
    /// layer with its activation fused, then `softmax` (multiclass). A binary model's last `gemm` has
    /// two columns, `−z` and `z`, with a fused sigmoid: `[1 − p, p]`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `input` does not have ``featureCount`` columns.
    public func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
        guard input.width == featureCount else {
            throw MLOpsError(
                .invalidArgument, "the MLP takes \(featureCount) features but its input has \(input.width) columns",
                value: input.name)
        }
        var value = input
        if input.elementType != .float32 {
            value = builder.add(
                .cast(to: .float32), inputs: [input.name], output: (.float32, input.width), hint: "mlp_input")
        }
        for layer in 0..<weights.count {
            let fanIn = layerSizes[layer]
            var fanOut = layerSizes[layer + 1]
            var w = weights[layer]
            var b = biases[layer]
            let last = layer == weights.count - 1
            var fused: GraphOp.Activation =
                switch activation {
                case .identity: .none
                case .relu: .relu
                case .tanh: .tanh
                case .logistic: .sigmoid
                }
            if last {
                fused = .none
                if task == .binary {
                    // Columns −z and z through a sigmoid: [σ(−z), σ(z)] = [1 − p, p].
                    fanOut = 2
                    w = (0..<fanIn).flatMap { [-weights[layer][$0], weights[layer][$0]] }
                    b = [-biases[layer][0], biases[layer][0]]
                    fused = .sigmoid
                }
            }
            let weightName = builder.constant(try Tensor(shape: [fanIn, fanOut], float32: w), hint: "mlp_w\(layer)")
            let biasName = builder.constant(try Tensor(shape: [fanOut], float32: b), hint: "mlp_b\(layer)")
            value = builder.add(
                .gemm(GraphOp.Gemm(activation: fused)), inputs: [value.name, weightName, biasName],
                output: (.float32, fanOut), hint: last ? "mlp_output" : "mlp_hidden\(layer)")
        }
        switch task {
        case .regression:
            return ExportedOutputs(prediction: value)
        case .binary:
            return ExportedOutputs(probabilities: value)
        case .multiclass:
            let probabilities = builder.add(
                .softmax(axis: 1), inputs: [value.name], output: (.float32, value.width), hint: "mlp_probabilities")
            return ExportedOutputs(probabilities: probabilities)
        }
    }
}
