/// A named group of runs, with tags and a lifecycle (MLflow's experiment).
///
/// Names are unique among active experiments; a deleted experiment's name may
/// be reused, and restoring it fails while another active experiment holds
/// the name. Identifiers are decimal strings (`"0"` is the `Default`
/// experiment), as in MLflow, so exported stores keep them.
public struct Experiment: Sendable, Hashable, Codable {
    /// The identifier, e.g. `"3"`.
    public var id: String
    /// The name, unique among active experiments.
    public var name: String
    /// Free-form tags.
    public var tags: [String: String]
    /// Active or deleted.
    public var lifecycleStage: LifecycleStage
    /// Milliseconds since 1970 at creation.
    public var creationTime: Int64
    /// Milliseconds since 1970 at the last change (rename, tag, delete, restore).
    public var lastUpdateTime: Int64
    /// Where the experiment's artifacts live, as a logical blob-store prefix.
    /// Run artifacts themselves live under each run's ``RunInfo/artifactURI``.
    public var artifactLocation: String

    /// Creates an experiment value (the tracker creates stored ones).
    public init(
        id: String, name: String, tags: [String: String] = [:], lifecycleStage: LifecycleStage = .active,
        creationTime: Int64, lastUpdateTime: Int64, artifactLocation: String
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.artifactLocation = artifactLocation
    }

    /// The name of the experiment runs go to when none is named.
    public static let defaultName = "Default"
    /// The identifier of the `Default` experiment.
    public static let defaultID = "0"
}
