/// A run as stored: attributes, parameters, tags, latest metrics, dataset
/// inputs and the environment it ran in.
///
/// `metrics` holds each metric's *latest* value (highest step, then latest
/// timestamp); the full series comes from
/// ``ExperimentTracker/metricHistory(runID:key:maxPoints:)``. `Run` conforms
/// to ``RunFilterSubject``, so a ``RunFilter`` can test it directly.
public struct Run: Sendable, Hashable, Codable, RunFilterSubject {
    /// Identity, name, status, times.
    public var info: RunInfo
    /// Parameters (immutable once logged).
    public var params: [String: String]
    /// Tags, including system tags such as `mlflow.runName`.
    public var tags: [String: String]
    /// Each metric's latest measurement, by key.
    public var metrics: [String: Metric]
    /// Datasets the run used.
    public var inputs: [DatasetInput]
    /// Where and how the run ran, if it was captured.
    public var environment: RunEnvironment?

    /// Creates a run value.
    public init(
        info: RunInfo, params: [String: String] = [:], tags: [String: String] = [:],
        metrics: [String: Metric] = [:], inputs: [DatasetInput] = [], environment: RunEnvironment? = nil
    ) {
        self.info = info
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.inputs = inputs
        self.environment = environment
    }

    /// The run's identifier (shorthand for `info.runID`).
    public var id: String { info.runID }

    // MARK: RunFilterSubject

    /// See ``RunFilterSubject/attribute(_:)``.
    public func attribute(_ key: String) -> RunAttributeValue? {
        switch key {
        case "run_id": .text(info.runID)
        case "run_name": .text(info.runName)
        case "status": .text(info.status.rawValue)
        case "user_id": .text(info.userID)
        case "artifact_uri": .text(info.artifactURI)
        case "start_time": .number(info.startTime)
        case "end_time": info.endTime.map(RunAttributeValue.number)
        default: nil
        }
    }

    /// See ``RunFilterSubject/param(_:)``.
    public func param(_ key: String) -> String? { params[key] }
    /// See ``RunFilterSubject/tag(_:)``: a stored tag, or one an MLflow export
    /// derives from the run's ID and ``environment`` (`mlops.run_id`,
    /// `mlflow.source.git.*`, `mlflow.source.name`, `mlops.env.*`), which
    /// ``tags`` does not hold.
    public func tag(_ key: String) -> String? {
        guard DerivedRunTags.mayDerive(key) else { return tags[key] }
        return DerivedRunTags.tags(stored: tags, runID: info.runID, environment: environment)[key]
    }
    /// See ``RunFilterSubject/latestMetric(_:)``.
    public func latestMetric(_ key: String) -> Double? { metrics[key]?.value }

    /// See ``RunFilterSubject/datasetFields(_:)``.
    public func datasetFields(_ key: String) -> [String] {
        // MLflow keeps one input per dataset (name and digest) and run, the first; so do its export
        // and search.
        var seen: Set<[String]> = []
        let distinct = inputs.filter { seen.insert([$0.name, $0.digest]).inserted }
        switch key {
        case "name": return distinct.map(\.name)
        case "digest": return distinct.map(\.digest)
        // An empty context is "unspecified": MLflow stores no `mlflow.data.context` tag for it, and
        // its search compares only the contexts that exist.
        case "context": return distinct.map(\.context).filter { !$0.isEmpty }
        default: return []
        }
    }
}
