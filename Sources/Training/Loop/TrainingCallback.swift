/// Code run after each iteration of an iterative estimator: progress display, early stopping,
/// logging. A callback returns whether training should go on.
///
/// Callbacks are values kept by the ``TrainingContext``; one that keeps state (the best loss so far)
/// mutates itself. They run on the training thread, between iterations, so they must be quick:
/// a callback that logs to a store hands the metrics off rather than writing synchronously.
public protocol TrainingCallback: Sendable {
    /// Called after each iteration; return ``TrainingDecision/stop`` to end training after it.
    mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision

    /// Called once when training ends (normally, stopped early, or by an error), with the last
    /// report if any.
    mutating func trainingEnded(_ last: IterationReport?)
}

extension TrainingCallback {
    /// Does nothing.
    public mutating func trainingEnded(_ last: IterationReport?) {}
}

/// Whether training goes on after an iteration.
public enum TrainingDecision: Sendable, Hashable {
    /// Run the next iteration.
    case proceed
    /// End training; the estimator keeps the model as it is (or, with early stopping, as it was at
    /// the best iteration).
    case stop
}
