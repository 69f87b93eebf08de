import InferenceCore
import MLOpsCore

/// One MLP fit: the data in single precision, the network's parameters and optimiser state, and every
/// buffer the passes need, allocated once when the fit starts (nothing is allocated per batch).
///
/// Parameters are one flat array: the weights of every layer (layer `l` is `units[l] × units[l+1]`,
/// row-major, scikit-learn's `coefs_[l]`), then the biases of every layer. Gradients, Adam's moments
/// (or SGD's velocities) and the best-so-far copy share that layout, so the optimiser is one loop.
final class MLPTrainer {
    /// How the output layer turns scores into predictions.
    enum Output {
        /// One unit per class, softmax, log loss.
        case softmax
        /// One unit, the probability of class 1, binary log loss.
        case logistic
        /// One unit, the prediction, squared loss / 2.
        case identity
    }

    let config: MLP
    let task: TrainingTask
    let output: Output
    /// Units per layer, input first, output last.
    let units: [Int]
    let featureNames: [String]
    let classLabels: [String]
    /// The rows trained on (all of them, or those left after the validation split).
    let trainCount: Int
    let validationCount: Int
    /// Rows per mini-batch.
    let batchSize: Int
    /// Offsets of each layer's weights and biases in the parameter array.
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    /// The number of weights (the penalised parameters, stored first).
    let weightCount: Int
    let parameterCount: Int
    /// The pool the products run on (`nil` for one thread).
    let pool: WorkerPool?

    // Buffers (see `allocate`).
    let x: UnsafeMutablePointer<Float>
    let xValidation: UnsafeMutablePointer<Float>
    /// Class index (classification) or target value (regression) of each training / validation row.
    let y: UnsafeMutablePointer<Double>
    let yValidation: UnsafeMutablePointer<Double>
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    /// Adam's first moments, or SGD's velocities.
    let moments: UnsafeMutablePointer<Float>
    /// Adam's second moments (unused by SGD).
    let squares: UnsafeMutablePointer<Float>
    /// The parameters of the best validation epoch (early stopping only).
    let best: UnsafeMutablePointer<Float>
    /// `activations[l]`: `batchSize × units[l]` (layer 0 is the gathered batch).
    let activations: [UnsafeMutablePointer<Float>]
    /// `deltas[l]`: the loss gradient with respect to layer `l`'s pre-activation, `batchSize × units[l]`
    /// (index 0 unused).
    let deltas: [UnsafeMutablePointer<Float>]
    /// The training rows of the current epoch, in order.
    var order: [Int]

    var progress: MLPProgress

    /// Every buffer, freed by `deinit`.
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var doubleBuffers: [UnsafeMutablePointer<Double>] = []

    /// Prepares a fit of `estimator` on `data`: checks the features, resumes from the context's
    /// checkpoint or draws the initial weights and the validation split from its generator, and
    /// allocates every buffer.
    init(estimator: MLP, data: TrainingData, context: inout TrainingContext) throws {
        config = estimator
        task = data.task
        let features = data.features
        guard features.columnCount > 0 else {
            throw MLOpsError(.invalidArgument, "the MLP needs at least one feature column", value: data.target.name)
        }
        try Self.checkFinite(features)
        featureNames = features.featureNames
        classLabels = data.target.classLabels
        switch task {
        case .multiclass: output = .softmax
        case .binary: output = .logistic
        case .regression: output = .identity
        }
        let outputUnits = output == .softmax ? data.target.classCount : 1
        units = [features.columnCount] + estimator.hiddenLayerSizes + [outputUnits]
        var weightOffsets: [Int] = []
        var total = 0
        for layer in 0..<(units.count - 1) {
            weightOffsets.append(total)
            total = try Self.checkedSum(total, try Self.checkedProduct(units[layer], units[layer + 1]))
        }
        weightCount = total
        var biasOffsets: [Int] = []
        for layer in 0..<(units.count - 1) {
            biasOffsets.append(total)
            total = try Self.checkedSum(total, units[layer + 1])
        }
        parameterCount = total
        self.weightOffsets = weightOffsets
        self.biasOffsets = biasOffsets
        pool = context.threadCount > 1 ? context.pool : nil

        // Start: from the checkpoint, or fresh (weights first, then the split, as scikit-learn).
        var initial: [Float] = []
        var resumed: (MLPProgress, MLPStateReader)?
        if let checkpoint = context.resumeCheckpoint() {
            var reader = MLPStateReader(checkpoint.state)
            let progress = try MLPProgress(reading: &reader, units: units, epoch: checkpoint.iteration)
            resumed = (progress, reader)
        } else {
            initial = [Float](repeating: 0, count: parameterCount)
            let factor = estimator.activation == .logistic ? 2.0 : 6.0
            for layer in 0..<(units.count - 1) {
                let bound = (factor / Double(units[layer] + units[layer + 1])).squareRoot()
                for index in 0..<(units[layer] * units[layer + 1]) {
                    initial[weightOffsets[layer] + index] = Float(context.random.uniform(in: -bound..<bound))
                }
                for index in 0..<units[layer + 1] {
                    initial[biasOffsets[layer] + index] = Float(context.random.uniform(in: -bound..<bound))
                }
            }
        }
        var progress = resumed?.0 ?? MLPProgress(estimator: estimator)
        if resumed == nil, estimator.earlyStopping { progress.splitSeed = context.random.next() }

        // The validation split (early stopping), stratified for classifiers.
        var trainRows = Array(0..<features.rowCount)
        var validationRows: [Int] = []
        if estimator.earlyStopping {
            let split = try? TrainTestSplit(
                rowCount: features.rowCount, testFraction: estimator.validationFraction, seed: progress.splitSeed,
                stratifyBy: task.isClassification ? data.target.classes : nil)
            guard let split, split.test.count >= 2, !split.train.isEmpty else {
                throw MLOpsError(
                    .invalidArgument,
                    "the MLP's validation split of \(features.rowCount) rows (validation_fraction "
                        + "\(estimator.validationFraction)) has fewer than two rows; use more rows or a larger fraction",
                    value: String(features.rowCount))
            }
            trainRows = split.train
            validationRows = split.test
        }
        let batch = min(max(1, estimator.batchSize ?? 200), trainRows.count)
        trainCount = trainRows.count
        validationCount = validationRows.count
        batchSize = batch
        order = Array(0..<trainRows.count)

        // Buffers.
        let columns = features.columnCount
        let widest = units.max() ?? 1
        _ = try Self.checkedProduct(try Self.checkedProduct(features.rowCount, columns), 4)
        _ = try Self.checkedProduct(try Self.checkedProduct(batch, widest), 2 * units.count)
        func allocate<Element: BinaryFloatingPoint>(_ count: Int, as: Element.Type) -> UnsafeMutablePointer<Element> {
            let pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(1, count))
            pointer.initialize(repeating: 0, count: max(1, count))
            return pointer
        }
        let trainX = allocate(trainRows.count * columns, as: Float.self)
        let validationX = allocate(validationRows.count * columns, as: Float.self)
        let trainY = allocate(trainRows.count, as: Double.self)
        let validationY = allocate(validationRows.count, as: Double.self)
        let values = features.values
        let targets = data.target.values
        values.withUnsafeBufferPointer { source in
            for (index, row) in trainRows.enumerated() {
                for column in 0..<columns { trainX[index * columns + column] = Float(source[row * columns + column]) }
                trainY[index] = targets[row]
            }
            for (index, row) in validationRows.enumerated() {
                for column in 0..<columns {
                    validationX[index * columns + column] = Float(source[row * columns + column])
                }
                validationY[index] = targets[row]
            }
        }
        x = trainX
        xValidation = validationX
        y = trainY
        yValidation = validationY
        parameters = allocate(parameterCount, as: Float.self)
        gradients = allocate(parameterCount, as: Float.self)
        moments = allocate(parameterCount, as: Float.self)
        squares = allocate(estimator.solver == .adam ? parameterCount : 0, as: Float.self)
        best = allocate(estimator.earlyStopping ? parameterCount : 0, as: Float.self)
        activations = units.map { allocate(batch * $0, as: Float.self) }
        deltas = units.map { allocate(batch * $0, as: Float.self) }
        self.progress = progress
        buffers = [x, xValidation, parameters, gradients, moments, squares, best] + activations + deltas
        doubleBuffers = [y, yValidation]
        if var (_, reader) = resumed {
            try reader.floats(into: parameters, count: parameterCount)
            try reader.floats(into: moments, count: parameterCount)
            if estimator.solver == .adam { try reader.floats(into: squares, count: parameterCount) }
            if estimator.earlyStopping { try reader.floats(into: best, count: parameterCount) }
            guard reader.isAtEnd else { throw MLPStateReader.corrupt("it has trailing bytes") }
        } else {
            for index in 0..<parameterCount { parameters[index] = initial[index] }
            if estimator.earlyStopping { best.update(from: parameters, count: parameterCount) }
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        for buffer in doubleBuffers { buffer.deallocate() }
    }

    /// The number of layers with weights.
    var layerCount: Int { units.count - 1 }

    /// Trains epoch after epoch until a stopping rule or the context stops it; returns the model.
    func run(context: inout TrainingContext) throws -> FittedMLP {
        while progress.epoch < config.maxIter {
            let loss = trainEpoch(random: &context.random)
            progress.epoch += 1
            progress.samplesSeen += trainCount
            progress.lossCurve.append(loss)
            var metrics = ["train_loss": loss]
            if config.earlyStopping {
                let (validationLoss, score) = validate()
                progress.validationScores.append(score)
                metrics["validation_loss"] = validationLoss
                metrics[task.isClassification ? "validation_accuracy" : "validation_r2"] = score
                if score < progress.bestScore + config.tol {
                    progress.noImprovement += 1
                } else {
                    progress.noImprovement = 0
                }
                if score > progress.bestScore {
                    progress.bestScore = score
                    best.update(from: parameters, count: parameterCount)
                }
            } else {
                if loss > progress.bestLoss - config.tol {
                    progress.noImprovement += 1
                } else {
                    progress.noImprovement = 0
                }
                if loss < progress.bestLoss { progress.bestLoss = loss }
            }
            if config.solver == .sgd, config.learningRate == .invscaling {
                // learningRateInit / (t + 1)^powerT
                let scale = Platform.exp(config.powerT * Platform.log(Double(progress.samplesSeen + 1)))
                progress.learningRate = config.learningRateInit / scale
            }
            var stop = false
            if progress.noImprovement > config.nIterNoChange {
                if config.solver == .sgd, config.learningRate == .adaptive, progress.learningRate > 1e-6 {
                    progress.learningRate /= 5
                    progress.noImprovement = 0
                } else {
                    progress.converged = true
                    stop = true
                }
            }
            let report = IterationReport(iteration: progress.epoch, totalIterations: config.maxIter, metrics: metrics)
            if context.report(report) == .stop { stop = true }
            if stop || progress.epoch == config.maxIter { break }
            context.checkpointIfDue(iteration: progress.epoch) { checkpointState() }
        }
        if config.earlyStopping { parameters.update(from: best, count: parameterCount) }
        return fittedModel()
    }

    /// The model of the current parameters.
    func fittedModel() -> FittedMLP {
        var weights: [[Float]] = []
        var biases: [[Float]] = []
        for layer in 0..<layerCount {
            let start = parameters + weightOffsets[layer]
            weights.append(Array(UnsafeBufferPointer(start: start, count: units[layer] * units[layer + 1])))
            biases.append(Array(UnsafeBufferPointer(start: parameters + biasOffsets[layer], count: units[layer + 1])))
        }
        return FittedMLP(
            task: task, featureNames: featureNames, classLabels: classLabels, activation: config.activation,
            weights: weights, biases: biases, layerSizes: units, iterationCount: progress.epoch,
            lossCurve: progress.lossCurve, validationScores: progress.validationScores, converged: progress.converged)
    }

    /// The state a checkpoint holds: the progress, then parameters, moments and the best copy.
    func checkpointState() -> [UInt8] {
        var writer = MLPStateWriter(capacity: 64 + 16 * progress.lossCurve.count + 4 * 4 * parameterCount)
        progress.write(into: &writer, units: units)
        writer.floats(parameters, count: parameterCount)
        writer.floats(moments, count: parameterCount)
        if config.solver == .adam { writer.floats(squares, count: parameterCount) }
        if config.earlyStopping { writer.floats(best, count: parameterCount) }
        return writer.bytes
    }

    // MARK: - Checks

    /// Throws `invalidArgument` naming the column and the 1-based row of the first NaN or infinity.
    static func checkFinite(_ features: FeatureMatrix) throws {
        guard let index = features.values.firstIndex(where: { !$0.isFinite }) else { return }
        let row = index / max(1, features.columnCount)
        let column = features.featureNames[index % max(1, features.columnCount)]
        let value = features.values[index]
        throw MLOpsError(
            .invalidArgument,
            "the feature \(column) has \(value.isNaN ? "a missing value (NaN)" : "an infinite value") at row "
                + "\(row + 1) (1-based); the MLP needs finite features: impute or drop it first", value: column)
    }

    static func checkedProduct(_ a: Int, _ b: Int) throws -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, product <= Int(Int32.max) * 16 else {
            throw MLOpsError(.invalidArgument, "the MLP is too large (\(a) × \(b) values)", value: "\(a)x\(b)")
        }
        return product
    }

    static func checkedSum(_ a: Int, _ b: Int) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, sum <= Int(Int32.max) * 16 else {
            throw MLOpsError(.invalidArgument, "the MLP is too large (\(a) + \(b) parameters)", value: "\(a)+\(b)")
        }
        return sum
    }
}
