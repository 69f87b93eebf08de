/// What a finished training job logs besides its per-iteration metrics: final metrics and files
/// (the model package, reports).
public struct TrainingSummary: Sendable, Hashable {
    /// Final metrics by name (e.g. `accuracy`, `rmse`, `validation_log_loss`).
    public var metrics: [String: Double]
    /// Artifacts by path within the run (e.g. `model/model.mlpkg`).
    public var artifacts: [String: [UInt8]]
    /// Tags set on the run at the end.
    public var tags: [String: String]

    /// A summary.
    public init(metrics: [String: Double] = [:], artifacts: [String: [UInt8]] = [:], tags: [String: String] = [:]) {
        self.metrics = metrics
        self.artifacts = artifacts
        self.tags = tags
    }
}
