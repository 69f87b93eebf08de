import MLOpsCore

/// The result of cross-validating an estimator: the metrics of every fold, and their mean and
/// standard deviation.
///
/// Each fold fits the estimator afresh on the fold's training rows (``TrainingData/rows(_:)``),
/// predicts the held-out rows and scores them with ``Evaluation``. Make one with
/// ``crossValidate(estimator:data:folds:context:)`` (or
/// ``crossValidate(estimator:data:splitter:context:)``, which also draws the folds).
///
/// **Determinism.** Fold `i` trains with a context of its own whose generator is the `i`-th
/// `SeededRandom.split()` of the caller's ``TrainingContext/random`` (taken in fold order, before
/// any fitting), on the caller's pool, with copies of the caller's callbacks as they were before
/// the first fold (so each fold's early stopping starts afresh) and no checkpointing. The same seed,
/// data and build give the same result on any number of threads.
public struct CrossValidation: Sendable, Hashable {
    /// What one fold measured.
    public struct FoldResult: Sendable, Hashable {
        /// The number of rows the fold trained on.
        public let trainCount: Int
        /// The number of held-out rows it scored.
        public let testCount: Int
        /// The evaluation of the held-out rows (its ``Evaluation/metrics`` are the fold's metrics).
        public let evaluation: Evaluation
        /// The iteration reports of the fold's training, in order (empty for non-iterative
        /// estimators).
        public let reports: [IterationReport]

        /// The fold's metrics by name.
        public var metrics: [String: Double] { evaluation.metrics }
    }

    /// The estimator's name (its `name`).
    public let estimator: String
    /// The folds' results, in fold order.
    public let folds: [FoldResult]
    /// The mean of each metric over the folds that define it.
    public let mean: [String: Double]
    /// The population standard deviation (divisor n, as NumPy's `std` and scikit-learn's
    /// `cv_results_`) of each metric over the folds that define it.
    public let standardDeviation: [String: Double]

    /// Cross-validates `estimator` on the given folds of `data`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for no folds, or a fold with no training or no test
    ///   rows or a row index outside `data` (naming the fold); the errors of the estimator's `fit`
    ///   and `predict` and of ``Evaluation/init(predictions:target:)``.
    public init<E: Estimator>(estimator: E, data: TrainingData, folds: [Fold], context: inout TrainingContext) throws {
        guard !folds.isEmpty else {
            throw MLOpsError(.invalidArgument, "cross-validation needs at least one fold", value: "0")
        }
        for (index, fold) in folds.enumerated() {
            guard !fold.train.isEmpty, !fold.test.isEmpty else {
                throw MLOpsError(
                    .invalidArgument, "fold \(index) has no training rows or no test rows",
                    value: "fold \(index): \(fold.train.count) train, \(fold.test.count) test")
            }
            if let bad = (fold.train + fold.test).first(where: { $0 < 0 || $0 >= data.rowCount }) {
                throw MLOpsError(
                    .invalidArgument, "fold \(index) names row \(bad), outside the \(data.rowCount) rows of the data",
                    value: "fold \(index): \(bad)")
            }
        }
        let generators = folds.map { _ in context.random.split() }
        var results: [FoldResult] = []
        results.reserveCapacity(folds.count)
        for (fold, generator) in zip(folds, generators) {
            var foldContext = TrainingContext(seed: context.seed)
            foldContext.random = generator
            foldContext.pool = context.pool
            foldContext.callbacks = context.callbacks
            let fitted = try estimator.fit(data.rows(fold.train), context: &foldContext)
            let held = data.rows(fold.test)
            let evaluation = try Evaluation(predictions: fitted.predict(held.features), target: held.target)
            results.append(
                FoldResult(
                    trainCount: fold.train.count, testCount: fold.test.count, evaluation: evaluation,
                    reports: foldContext.reports))
        }
        var mean: [String: Double] = [:]
        var deviation: [String: Double] = [:]
        for name in Set(results.flatMap(\.metrics.keys)) {
            let values = results.compactMap { $0.metrics[name] }
            let average = values.reduce(0, +) / Double(values.count)
            mean[name] = average
            deviation[name] = (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count))
                .squareRoot()
        }
        self.estimator = E.name
        self.folds = results
        self.mean = mean
        self.standardDeviation = deviation
    }

    /// Cross-validates `estimator` on the folds `splitter` makes of `data`, drawing any shuffle
    /// from the context's generator first.
    ///
    /// - Throws: The errors of the splitter and of ``init(estimator:data:folds:context:)``.
    public init<E: Estimator>(
        estimator: E, data: TrainingData, splitter: some CrossValidationSplitter, context: inout TrainingContext
    ) throws {
        let folds = try splitter.folds(for: data, random: &context.random)
        try self.init(estimator: estimator, data: data, folds: folds, context: &context)
    }
}

/// Cross-validates `estimator` on `folds` of `data`; see ``CrossValidation``.
///
/// - Throws: The errors of ``CrossValidation/init(estimator:data:folds:context:)``.
public func crossValidate<E: Estimator>(
    estimator: E, data: TrainingData, folds: [Fold], context: inout TrainingContext
) throws -> CrossValidation {
    try CrossValidation(estimator: estimator, data: data, folds: folds, context: &context)
}

/// Cross-validates `estimator` on the folds `splitter` makes of `data`; see ``CrossValidation``.
///
/// - Throws: The errors of ``CrossValidation/init(estimator:data:splitter:context:)``.
public func crossValidate<E: Estimator>(
    estimator: E, data: TrainingData, splitter: some CrossValidationSplitter, context: inout TrainingContext
) throws -> CrossValidation {
    try CrossValidation(estimator: estimator, data: data, splitter: splitter, context: &context)
}
