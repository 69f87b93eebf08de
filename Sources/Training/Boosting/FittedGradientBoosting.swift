public import InferenceCore
import MLOpsCore

/// A fitted ``GradientBoosting`` model: boosted trees on the raw feature values.
///
/// The raw score of output `k` is `initialScores[k]` plus the leaf value of every tree of output
/// `k`, added in tree order in double precision; binary classification applies a sigmoid,
/// multiclass a softmax. A split sends a value `x` left when `x <= threshold` and NaN the way it
/// learned, so ``predict(_:)``, the exported `TreeEnsemble` (double precision) and training agree
/// on every row.
public struct FittedGradientBoosting: FittedEstimator {
    public let task: TrainingTask
    public let featureCount: Int
    public let featureNames: [String]
    public let classLabels: [String]
    /// The starting raw score of each output (one for regression and binary, one per class).
    public let initialScores: [Double]
    /// The boosting rounds the model keeps (the best round's when early stopping stopped training).
    public let iterationCount: Int
    /// The trees, in the order their leaves are added (round by round, class by class).
    let trees: [BoostedTree]

    init(
        task: TrainingTask, featureNames: [String], classLabels: [String], initialScores: [Double],
        iterationCount: Int, trees: [BoostedTree]
    ) {
        self.task = task
        self.featureCount = featureNames.count
        self.featureNames = featureNames
        self.classLabels = classLabels
        self.initialScores = initialScores
        self.iterationCount = iterationCount
        self.trees = trees
    }

    /// The number of trees (rounds × outputs).
    public var treeCount: Int { trees.count }

    /// The number of raw scores per row (the class count for multiclass, else 1).
    public var outputCount: Int { initialScores.count }

    /// The number of leaves of every tree, in tree order.
    public var leafCounts: [Int] { trees.map { $0.leafValue.count } }

    /// The raw scores (margins) of every row, row-major, ``outputCount`` per row.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `features` does not have ``featureCount``
    ///   columns.
    public func rawScores(_ features: FeatureMatrix) throws -> [Double] {
        guard features.columnCount == featureCount else {
            throw MLOpsError(
                .invalidArgument,
                "the model takes \(featureCount) features but the matrix has \(features.columnCount) columns",
                value: String(features.columnCount))
        }
        let outputs = outputCount
        var scores = [Double](repeating: 0, count: features.rowCount * outputs)
        features.values.withUnsafeBufferPointer { values in
            scores.withUnsafeMutableBufferPointer { out in
                for row in 0..<features.rowCount {
                    for k in 0..<outputs { out[row * outputs + k] = initialScores[k] }
                    guard let base = values.baseAddress else { continue }
                    let rowValues = base + row * featureCount
                    for tree in trees {
                        out[row * outputs + tree.output] += tree.leafValue[tree.leaf(row: rowValues)]
                    }
                }
            }
        }
        return scores
    }

    /// Predicts in double precision: regression values, or class probabilities.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `features` does not have ``featureCount``
    ///   columns. NaN is a missing value and follows each split's learned direction.
    public func predict(_ features: FeatureMatrix) throws -> Predictions {
        let scores = try rawScores(features)
        switch task {
        case .regression:
            return Predictions(regression: scores)
        case .binary:
            var probabilities = [Double](repeating: 0, count: scores.count * 2)
            for (row, score) in scores.enumerated() {
                let p = 1 / (1 + Platform.exp(-score))
                probabilities[row * 2] = 1 - p
                probabilities[row * 2 + 1] = p
            }
            return try Predictions(probabilities: probabilities, classCount: 2)
        case .multiclass:
            let classes = outputCount
            var probabilities = scores
            for row in 0..<features.rowCount {
                let base = row * classes
                var largest = -Double.infinity
                for k in 0..<classes { largest = max(largest, scores[base + k]) }
                var total = 0.0
                for k in 0..<classes {
                    probabilities[base + k] = Platform.exp(scores[base + k] - largest)
                    total += probabilities[base + k]
                }
                for k in 0..<classes { probabilities[base + k] /= total }
            }
            return try Predictions(probabilities: probabilities, classCount: classes)
        }
    }

    /// The trees as an InferenceCore `TreeEnsemble` in double precision (`x <= threshold` goes to
    /// the true branch, NaN by each split's learned direction; the initial scores start the sum).
    ///
    /// - Throws: The ensemble's `MLOpsError` if it exceeds `TreeEnsemble.Limits.default`.
    public func treeEnsemble() throws -> TreeEnsemble {
        let ensembleTrees = trees.map { tree -> TreeEnsemble.Tree in
            let internalCount = tree.internalCount
            guard internalCount > 0 else {
                return TreeEnsemble.Tree(nodes: [.leaf(tree.leafValue[0])], output: tree.output)
            }
            func index(_ child: Int32) -> Int { child >= 0 ? Int(child) : internalCount + Int(~child) }
            var nodes: [TreeEnsemble.Node] = []
            nodes.reserveCapacity(internalCount + tree.leafValue.count)
            for node in 0..<internalCount {
                nodes.append(
                    .branch(
                        feature: Int(tree.splitFeature[node]), threshold: tree.threshold[node],
                        comparison: .lessOrEqual, trueChild: index(tree.leftChild[node]),
                        falseChild: index(tree.rightChild[node]),
                        missing: tree.defaultLeft[node] ? .nanTakesTrueBranch : .nanTakesFalseBranch))
            }
            for value in tree.leafValue { nodes.append(.leaf(value)) }
            return TreeEnsemble.Tree(nodes: nodes, output: tree.output)
        }
        let transform: TreeEnsemble.PostTransform
        let ensembleTask: TreeEnsemble.Task
        switch task {
        case .regression: (transform, ensembleTask) = (.none, .regression)
        case .binary: (transform, ensembleTask) = (.logistic, .binaryClassification)
        case .multiclass: (transform, ensembleTask) = (.softmax, .multiclassClassification)
        }
        return try TreeEnsemble(
            trees: ensembleTrees, featureCount: featureCount, outputCount: outputCount, precision: .float64,
            baseScores: initialScores, baseScoreOrder: .beforeTrees, aggregation: .sum, postTransform: transform,
            task: ensembleTask, featureNames: featureNames, objective: "gbdt \(task.rawValue)")
    }

    /// Appends a `treeEnsemble` node computing the predictions (regression, [N, 1]) or the
    /// probability of every class ([N, K], binary as [N, 2]), in `float64` when `input` is
    /// `float64` and `float32` otherwise.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `input` does not have ``featureCount``
    ///   columns; the ensemble's errors (see ``treeEnsemble()``).
    public func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
        guard input.width == featureCount else {
            throw MLOpsError(
                .invalidArgument, "the gbdt model takes \(featureCount) features but its input has \(input.width)",
                value: String(input.width))
        }
        let ensemble = try treeEnsemble()
        let scoreType: ElementType = input.elementType == .float64 ? .float64 : .float32
        switch task {
        case .regression:
            let node = GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: [.scores], scoreType: scoreType)
            let value = builder.add(
                .treeEnsemble(node), inputs: [input.name], output: (scoreType, 1), hint: "gbdt_prediction")
            return ExportedOutputs(prediction: value)
        case .binary:
            let node = GraphOp.TreeEnsembleNode(
                ensemble: ensemble, outputs: [.scores], labels: .int64([0, 1]), scoreType: scoreType)
            let value = builder.add(
                .treeEnsemble(node), inputs: [input.name], output: (scoreType, 2), hint: "gbdt_probabilities")
            return ExportedOutputs(probabilities: value)
        case .multiclass:
            let node = GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: [.scores], scoreType: scoreType)
            let value = builder.add(
                .treeEnsemble(node), inputs: [input.name], output: (scoreType, outputCount),
                hint: "gbdt_probabilities")
            return ExportedOutputs(probabilities: value)
        }
    }

    private static let magic = Array("MLGBDT1\n".utf8)

    /// The model as bytes (a versioned binary form: task, names, initial scores, every tree);
    /// equal models give equal bytes.
    public func encoded() -> [UInt8] {
        var writer = BoostingWriter()
        writer.bytes = Self.magic
        writer.string(task.rawValue)
        writer.int(featureNames.count)
        for name in featureNames { writer.string(name) }
        writer.int(classLabels.count)
        for label in classLabels { writer.string(label) }
        writer.doubles(initialScores)
        writer.int(iterationCount)
        writer.int(trees.count)
        for tree in trees { writer.tree(tree) }
        return writer.bytes
    }

    /// Decodes ``encoded()``.
    ///
    /// - Throws: `MLOpsError` `corruptData` naming `source` for bytes that are not a whole,
    ///   consistent model.
    public init(encoded bytes: [UInt8], source: String = "the model") throws {
        var reader = BoostingReader(bytes, source: source)
        guard bytes.starts(with: Self.magic) else { throw reader.corrupt("it does not start with the model marker") }
        reader.offset = Self.magic.count
        guard let task = TrainingTask(rawValue: try reader.string()) else { throw reader.corrupt("unknown task") }
        let names = try (0..<reader.count(max: bytes.count)).map { _ in try reader.string() }
        let labels = try (0..<reader.count(max: bytes.count)).map { _ in try reader.string() }
        let initial = try reader.doubles()
        let expectedOutputs = task == .multiclass ? labels.count : 1
        guard initial.count == expectedOutputs, task.isClassification == (labels.count >= 2),
            task != .binary || labels.count == 2
        else { throw reader.corrupt("its task, classes and initial scores disagree") }
        let iterations = try reader.int()
        let treeCount = try reader.count(max: bytes.count)
        let trees = try (0..<treeCount).map { _ in
            try reader.tree(featureCount: names.count, outputCount: expectedOutputs)
        }
        guard reader.isAtEnd else { throw reader.corrupt("it has bytes after the last tree") }
        let product = iterations.multipliedReportingOverflow(by: expectedOutputs)
        guard iterations >= 0, !product.overflow, product.partialValue == treeCount else {
            throw reader.corrupt("it has \(treeCount) trees for \(iterations) rounds")
        }
        self.init(
            task: task, featureNames: names, classLabels: labels, initialScores: initial, iterationCount: iterations,
            trees: trees)
    }
}
