/// A dataset a run used: MLflow's dataset input, plus the data version it
/// came from so lineage can be followed later.
///
/// ```swift
/// try await run.logInput(
///     DatasetInput(
///         name: "reviews.csv", digest: "3f2a9c1e", context: "training", dataVersionID: versionID))
/// ```
public struct DatasetInput: Sendable, Hashable, Codable {
    /// The dataset's name (≤ 500 characters).
    public var name: String
    /// A short content digest (≤ 36 characters), e.g. a hash prefix.
    public var digest: String
    /// How the run used it: `training`, `validation`, `evaluation`… (MLflow's
    /// `mlflow.data.context` tag); empty if unspecified.
    public var context: String
    /// Where the data came from (a path or URI); empty if unknown.
    public var source: String
    /// The kind of source (`local`, `s3`, `data-version`…); empty if unknown.
    public var sourceType: String
    /// The identifier of the data version in `DataVersioning`, if any.
    public var dataVersionID: String?

    /// The ``sourceType`` of an input whose ``source`` is the key of a content-addressed object
    /// (`sha256/<2 hex>/<64 hex>`) in the tracker's own blob store: the tracker's `check()` then
    /// verifies that the object still exists.
    public static let contentAddressedSourceType = "content-addressed-object"

    /// Creates a dataset input.
    public init(
        name: String, digest: String, context: String = "", source: String = "", sourceType: String = "",
        dataVersionID: String? = nil
    ) {
        self.name = name
        self.digest = digest
        self.context = context
        self.source = source
        self.sourceType = sourceType
        self.dataVersionID = dataVersionID
    }
}
