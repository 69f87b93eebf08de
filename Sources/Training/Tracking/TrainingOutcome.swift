/// The result of ``Trainer/run(_:fit:summarize:)``: the fitted model and what happened on the way.
public struct TrainingOutcome<Fitted: Sendable>: Sendable {
    /// What the fit returned.
    public let fitted: Fitted
    /// The tracked run's ID, or `nil` when the trainer has no tracker.
    public let runID: String?
    /// Every iteration report of this process's part of the training (from the resumed iteration
    /// on when it resumed).
    public let reports: [IterationReport]
    /// The checkpoint iteration training resumed after, or `nil` when it started from scratch.
    public let resumedAfterIteration: Int?
    /// Whether a callback (early stopping) ended training before its last iteration.
    public let stoppedEarly: Bool
    /// The summary's final metrics.
    public let metrics: [String: Double]
}
