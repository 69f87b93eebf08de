public import MLOpsCore

/// The ready-made pipelines of `mlops train --model`: an estimator with the shared reference
/// datasets' recipes as defaults, and the preprocessing each needs, so that a user gets a
/// reference-grade model without tuning.
///
/// | Recipe | Preprocessing | Estimator defaults |
/// |---|---|---|
/// | `linear` | mean-impute numbers, one-hot text | ``Ridge``, alpha 1 (always regression) |
/// | `logistic` | mean-impute and standardise numbers, one-hot text | ``LogisticRegression``, L2, C 1, tol 1e-10, max_iter 10,000 (solved to convergence) |
/// | `mlp` | mean-impute and standardise numbers, one-hot text | ``MLP``, one hidden layer of 64 ReLU units, Adam, max_iter 500 |
/// | `gbdt` | ordinal-encode text (unknown → −1); missing values native | ``GradientBoosting``, 100 trees, 31 leaves, learning rate 0.1 |
///
/// Standardising and imputing are fitted on the training rows only. Hyperparameters given to
/// ``pipeline(for:target:task:parameters:)`` override the defaults, by the estimator's names.
public enum TrainingRecipe: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ridge regression.
    case linear
    /// L2 logistic regression (binary or multinomial).
    case logistic
    /// A multilayer perceptron.
    case mlp
    /// Histogram gradient-boosted trees.
    case gbdt

    public var description: String { rawValue }

    /// The hyperparameter names the recipe's estimator accepts.
    public var parameterNames: [String] {
        switch self {
        case .linear: Ridge.parameterNames
        case .logistic: LogisticRegression.parameterNames
        case .mlp: MLP.parameterNames
        case .gbdt: GradientBoosting.parameterNames
        }
    }

    /// The recipe named `name`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the value and listing the recipes.
    public init(named name: String) throws {
        guard let recipe = TrainingRecipe(rawValue: name.lowercased()) else {
            throw MLOpsError(
                .invalidArgument,
                "unknown model \(name); use " + Self.allCases.map(\.rawValue).joined(separator: ", "), value: name)
        }
        self = recipe
    }

    /// The recipe's pipeline for the feature columns of `table` (every column but `target`).
    ///
    /// - Parameters:
    ///   - table: The training rows (only its column types are read).
    ///   - target: The target column.
    ///   - task: The task to train for; inferred from the target when `nil` (`linear` is always
    ///     regression).
    ///   - parameters: Estimator hyperparameters overriding the recipe's defaults.
    /// - Throws: `MLOpsError` `invalidArgument` for an unknown hyperparameter name (listing the
    ///   valid ones) or a value that does not parse; `notFound` for a missing target column.
    public func pipeline(
        for table: Table, target: String, task: TrainingTask? = nil, parameters: [String: String] = [:]
    ) throws -> FeaturePipeline {
        guard table.column(named: target) != nil else {
            throw MLOpsError(.notFound, "the table has no target column named \(target)", value: target)
        }
        let features = table.columns.filter { $0.name != target }
        let text = features.filter { $0.type == .string }.map(\.name)
        let numeric = features.filter { $0.type != .string }.map(\.name)
        var steps: [any Transformer] = []
        switch self {
        case .linear, .logistic, .mlp:
            if !numeric.isEmpty {
                steps.append(SimpleImputer(columns: numeric, strategy: .mean))
                if self != .linear { steps.append(StandardScaler(columns: numeric)) }
            }
            if !text.isEmpty { steps.append(OneHotEncoder(columns: text, handleUnknown: .ignore)) }
        case .gbdt:
            if !text.isEmpty { steps.append(OrdinalEncoder(columns: text, handleUnknown: .useEncodedValue(-1))) }
        }
        func merged(_ defaults: [String: String]) -> [String: String] {
            defaults.merging(parameters) { _, given in given }
        }
        switch self {
        case .linear:
            return FeaturePipeline(
                steps: steps, estimator: try Ridge(parameters: merged([:])), task: task ?? .regression)
        case .logistic:
            let estimator = try LogisticRegression(parameters: merged(["C": "1", "tol": "1e-10", "max_iter": "10000"]))
            return FeaturePipeline(steps: steps, estimator: estimator, task: task)
        case .mlp:
            let estimator = try MLP(parameters: merged(["hidden_layer_sizes": "64", "max_iter": "500"]))
            return FeaturePipeline(steps: steps, estimator: estimator, task: task)
        case .gbdt:
            let estimator = try GradientBoosting(
                parameters: merged(["n_estimators": "100", "num_leaves": "31", "learning_rate": "0.1"]))
            return FeaturePipeline(steps: steps, estimator: estimator, task: task, allowsMissingValues: true)
        }
    }
}
