/// What an iterative estimator reports after each iteration (an epoch, a boosting round, a solver
/// step): the iteration number and the metrics measured so far.
///
/// Metric names are those a run logs: `train_loss`, `validation_loss`, and the names of the
/// estimator's own measures (e.g. `validation_auc`). Lower-is-better is the default for early
/// stopping; see ``EarlyStopping``.
public struct IterationReport: Sendable, Hashable {
    /// The iteration that just ended, counting from 1.
    public var iteration: Int
    /// The most iterations the estimator will run (for progress and ETA), if known.
    public var totalIterations: Int?
    /// The metrics of this iteration, by name.
    public var metrics: [String: Double]

    /// A report.
    public init(iteration: Int, totalIterations: Int? = nil, metrics: [String: Double]) {
        self.iteration = iteration
        self.totalIterations = totalIterations
        self.metrics = metrics
    }
}
