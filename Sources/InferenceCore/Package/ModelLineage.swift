/// Where a model came from, for audit and reproducibility. Every field is optional; later
/// stages of the lifecycle (tracking, registry) fill them.
public struct ModelLineage: Sendable, Hashable, Codable {
    /// The experiment-tracking run that produced the model.
    public var runId: String?
    /// The dataset version the model was trained on.
    public var dataVersion: String?
    /// When the model was created, as an ISO 8601 timestamp.
    public var createdAt: String?
    /// The tool or importer that produced the graph (e.g. `"xgboost"`, `"onnx"`).
    public var source: String?

    /// Creates lineage; all fields default to unknown.
    public init(runId: String? = nil, dataVersion: String? = nil, createdAt: String? = nil, source: String? = nil) {
        self.runId = runId
        self.dataVersion = dataVersion
        self.createdAt = createdAt
        self.source = source
    }
}
