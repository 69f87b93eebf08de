/// A run's attributes: identity, name, place, status and times (MLflow's `RunInfo`).
public struct RunInfo: Sendable, Hashable, Codable {
    /// The run's identifier: a `SortableID` in text form, so newer
    /// runs sort later.
    public var runID: String
    /// The run's name (also the tag `mlflow.runName`).
    public var runName: String
    /// The experiment the run belongs to.
    public var experimentID: String
    /// Running, finished, failed…
    public var status: RunStatus
    /// Milliseconds since 1970 when the run started.
    public var startTime: Int64
    /// Milliseconds since 1970 when the run ended, or `nil` while it runs.
    public var endTime: Int64?
    /// Active or deleted.
    public var lifecycleStage: LifecycleStage
    /// The parent run for a nested run (also the tag `mlflow.parentRunId`).
    public var parentRunID: String?
    /// Who ran it (also the tag `mlflow.user`).
    public var userID: String
    /// The blob-store prefix of the run's artifacts: `runs/<runID>/artifacts`.
    public var artifactURI: String

    /// Creates run attributes (the tracker creates stored runs).
    public init(
        runID: String, runName: String, experimentID: String, status: RunStatus, startTime: Int64,
        endTime: Int64? = nil, lifecycleStage: LifecycleStage = .active, parentRunID: String? = nil,
        userID: String, artifactURI: String
    ) {
        self.runID = runID
        self.runName = runName
        self.experimentID = experimentID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.lifecycleStage = lifecycleStage
        self.parentRunID = parentRunID
        self.userID = userID
        self.artifactURI = artifactURI
    }
}
