/// What an export wrote.
public struct ExportSummary: Sendable, Hashable, Codable {
    /// `mlflow`, `tensorboard`, `csv` or `json`.
    public var format: String
    /// The directory written into.
    public var directory: String
    /// Experiments exported.
    public var experiments: Int = 0
    /// Runs exported.
    public var runs: Int = 0
    /// Params exported.
    public var params: Int = 0
    /// Tags exported (experiment and run tags).
    public var tags: Int = 0
    /// Metric points exported.
    public var metricPoints: Int = 0
    /// Dataset inputs exported (MLflow: one per distinct dataset and run).
    public var datasetInputs: Int = 0
    /// Artifact files copied.
    public var artifacts: Int = 0
    /// Files written.
    public var files: Int = 0

    /// Creates an empty summary.
    public init(format: String, directory: String) {
        self.format = format
        self.directory = directory
    }
}
