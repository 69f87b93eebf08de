import InferenceCore
public import MLOpsCore

/// Preprocessing steps and an estimator, fitted together and exported as one `Model`.
///
/// ``fit(_:target:context:)`` fits the steps in order on the training table (without the target
/// column), turns the result into a ``FeatureMatrix``, fits the estimator, and exports the steps
/// and the estimator as one InferenceCore graph: the ``FittedPipeline/model`` that predicts in
/// process and after it is written and read back, so training and serving run the same transform.
///
/// The exported model takes the raw table columns the steps read. When they are all numeric (or
/// boolean) it has one `float64` input named `features` with those columns as its feature names;
/// when one is text, each column is an input of its own, named after it (`float64` [N, 1], or
/// `string` [N, 1] for text), and `Model`'s `predict(_:)` feeds each from the column of that name.
public struct FeaturePipeline: Sendable {
    /// The preprocessing steps, applied in order.
    public var steps: [any Transformer]
    /// The estimator fitted to the steps' output.
    public var estimator: any Estimator
    /// The task to train for; inferred from the target column when `nil` (see ``TrainingTarget``).
    public var task: TrainingTask?
    /// Whether the estimator takes missing values (NaN) natively, as gradient-boosted trees do.
    /// When `false` (the default) a missing value left after the steps is an error naming the
    /// column, raised before the estimator runs.
    public var allowsMissingValues: Bool

    /// A pipeline of `steps` and `estimator`.
    public init(
        steps: [any Transformer] = [], estimator: some Estimator, task: TrainingTask? = nil,
        allowsMissingValues: Bool = false
    ) {
        self.steps = steps
        self.estimator = estimator
        self.task = task
        self.allowsMissingValues = allowsMissingValues
    }

    /// Fits the steps and the estimator to `table`, predicting the column `target`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a table without rows, a text column left after
    ///   the steps (naming it), a missing value left after the steps when
    ///   ``allowsMissingValues`` is `false` (naming the column and row), the target errors of
    ///   ``TrainingTarget/init(_:task:)``; `notFound` for a missing target column; the errors of
    ///   the steps and the estimator; `unsupported` when a step cannot be exported.
    public func fit(_ table: Table, target: String, context: inout TrainingContext) throws -> FittedPipeline {
        guard let targetColumn = table.column(named: target) else {
            throw MLOpsError(.notFound, "the table has no target column named \(target)", value: target)
        }
        guard table.rowCount > 0 else {
            throw MLOpsError(.invalidArgument, "the table has no rows to train on", value: target)
        }
        let features = try table.removing(columns: [target])
        guard features.columnCount > 0 else {
            throw MLOpsError(.invalidArgument, "the table has no columns besides the target \(target)", value: target)
        }
        var current = features
        var fittedSteps: [any FittedTransformer] = []
        for step in steps {
            let fitted = try step.fit(current)
            current = try fitted.transform(current)
            fittedSteps.append(fitted)
        }
        let matrix = try FeatureMatrix(current)
        if !allowsMissingValues, let missing = matrix.firstMissing() {
            throw MLOpsError(
                .invalidArgument,
                "the column \(missing.column) has a missing value at row \(missing.row + 1) after the pipeline's "
                    + "steps; impute it (SimpleImputer) or use an estimator that takes missing values",
                value: missing.column)
        }
        let data = try TrainingData(features: matrix, target: TrainingTarget(targetColumn, task: task))
        let fittedEstimator = try Self.fit(estimator, data, &context)
        let types = features.columns.map { (name: $0.name, isText: $0.type == .string) }
        // Export once to learn which raw columns the steps read, then with only those as inputs.
        let all = try PipelineExport.graph(
            inputs: types, steps: fittedSteps, estimator: fittedEstimator, featureNames: matrix.featureNames)
        let used = types.filter { all.used.contains($0.name) }
        let export = try PipelineExport.graph(
            inputs: used, steps: fittedSteps, estimator: fittedEstimator, featureNames: matrix.featureNames)
        var metadata = [
            "mlops.task": fittedEstimator.task.rawValue,
            "mlops.target": target,
            "mlops.class_labels": PipelineExport.jsonArray(fittedEstimator.classLabels),
            "mlops.estimator": type(of: estimator).name,
            "mlops.input_columns": PipelineExport.jsonArray(used.map(\.name)),
            "mlops.feature_names": PipelineExport.jsonArray(matrix.featureNames),
        ]
        for (key, value) in estimator.parameters { metadata["mlops.param.\(key)"] = value }
        let model = try Model(graph: export.graph, featureNames: export.featureNames, metadata: metadata)
        return FittedPipeline(
            steps: fittedSteps, estimator: fittedEstimator, target: target, inputColumns: used.map(\.name),
            featureNames: matrix.featureNames, model: model)
    }

    private static func fit<E: Estimator>(
        _ estimator: E, _ data: TrainingData, _ context: inout TrainingContext
    ) throws -> any FittedEstimator {
        try estimator.fit(data, context: &context)
    }
}

/// Builds a pipeline's graph.
enum PipelineExport {
    /// The graph of `steps` and `estimator` over the raw columns `inputs`, the feature names for
    /// `Model`, and the raw columns the steps read.
    static func graph(
        inputs: [(name: String, isText: Bool)], steps: [any FittedTransformer], estimator: any FittedEstimator,
        featureNames: [String]
    ) throws -> (graph: ModelGraph, featureNames: [String], used: Set<String>) {
        var builder = GraphBuilder()
        var sources: [(name: String, value: GraphValue, index: Int)] = []
        var declared: [GraphValue] = []
        let separate = inputs.contains { $0.isText }
        if separate {
            for input in inputs {
                let value = builder.input(name: input.name, elementType: input.isText ? .string : .float64, width: 1)
                guard value.name == input.name else {
                    throw MLOpsError(
                        .invalidArgument,
                        "the column \(input.name) cannot be a model input (the name is taken by a model output)",
                        value: input.name)
                }
                declared.append(value)
                sources.append((input.name, value, 0))
            }
        } else {
            let value = builder.input(name: "features", elementType: .float64, width: inputs.count)
            declared.append(value)
            for (i, input) in inputs.enumerated() { sources.append((input.name, value, i)) }
        }
        var columns = GraphColumns(sources)
        for step in steps { try step.export(into: &builder, columns: &columns) }
        guard columns.names == featureNames else {
            throw MLOpsError(
                .invalidState,
                "the exported steps give the columns \(columns.names.joined(separator: ", ")) but the fitted ones "
                    + featureNames.joined(separator: ", "), value: columns.names.joined(separator: ", "))
        }
        let features = try columns.gather(featureNames, as: .float32, builder: &builder)
        let outputs = try estimator.export(into: &builder, input: features)
        guard let first = declared.first else {
            throw MLOpsError(.invalidArgument, "the pipeline has no input columns", value: "")
        }
        var graph = try builder.finish(name: "pipeline", input: first, outputs: outputs, task: estimator.task)
        graph.inputs = declared.map {
            ValueInfo(name: $0.name, elementType: $0.elementType, shape: [.batch, .fixed($0.width)])
        }
        let used = Set(sources.filter { columns.isUsed($0.value, index: $0.index) }.map(\.name))
        let names = separate ? (inputs.count == 1 ? [inputs[0].name] : []) : inputs.map(\.name)
        return (graph, names, used)
    }

    /// `values` as a JSON array of strings.
    static func jsonArray(_ values: [String]) -> String { JSONText.array(values) }
}
