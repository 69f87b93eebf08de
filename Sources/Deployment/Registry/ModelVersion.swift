public import InferenceCore
public import MLOpsCore

/// One registered version of a model: the package it points at, by content hash, and where it
/// came from.
///
/// A version never changes once registered, except for the evaluations recorded on it later
/// (``ModelRegistry/recordEvaluation(_:version:set:metrics:actor:reason:)``). Its package bytes
/// live in the registry's `BlobStore` under ``packageKey``, immutable; loading them checks them
/// against ``packageDigest``.
public struct ModelVersion: Sendable, Hashable, Codable {
    /// Where a version came from and how it scored.
    public struct Lineage: Sendable, Hashable, Codable {
        /// The experiment-tracking run that produced the model.
        public var runID: String?
        /// The dataset version (e.g. a DataVersioning commit id) it was trained on.
        public var dataVersion: String?
        /// Metrics at registration, by name (finite numbers only).
        public var metrics: [String: Double]
        /// Metrics per named evaluation set (`holdout`, `2026-q1`, …), by set then metric name.
        /// Promotion gates compare these (``PromotionGate/metric(_:on:_:margin:)``).
        public var evaluations: [String: [String: Double]]
        /// The file or location the model was registered from.
        public var source: String?

        /// Creates lineage; every field is optional.
        public init(
            runID: String? = nil, dataVersion: String? = nil, metrics: [String: Double] = [:],
            evaluations: [String: [String: Double]] = [:], source: String? = nil
        ) {
            self.runID = runID
            self.dataVersion = dataVersion
            self.metrics = metrics
            self.evaluations = evaluations
            self.source = source
        }
    }

    /// The model's name.
    public var name: String
    /// The version number: 1 for the first version of a model, then 2, 3, …
    public var version: Int
    /// The SHA-256 of the package bytes (`ModelPackage.encoded()`).
    public var packageDigest: SHA256Digest
    /// The package's size in bytes.
    public var packageSize: Int
    /// The format the model was read from before it was packaged (`package` if it was one).
    public var format: ModelFormat
    /// The model's inputs and outputs.
    public var signature: ModelSignature
    /// Run, data version, metrics, evaluations and source.
    public var lineage: Lineage
    /// Who registered it.
    public var author: String
    /// A free-form description (empty if none).
    public var description: String
    /// When it was registered, in milliseconds since 1970 (UTC).
    public var createdMilliseconds: UInt64

    /// Creates a version description; the registry creates these, hosts read them.
    public init(
        name: String, version: Int, packageDigest: SHA256Digest, packageSize: Int, format: ModelFormat,
        signature: ModelSignature, lineage: Lineage = Lineage(), author: String, description: String = "",
        createdMilliseconds: UInt64
    ) {
        self.name = name
        self.version = version
        self.packageDigest = packageDigest
        self.packageSize = packageSize
        self.format = format
        self.signature = signature
        self.lineage = lineage
        self.author = author
        self.description = description
        self.createdMilliseconds = createdMilliseconds
    }

    /// Where the package bytes live in the registry's `BlobStore`: `registry/packages/sha256/<hex>`.
    public var packageKey: String { ModelRegistry.packageKeyText(packageDigest) }

    /// `name/version`, the reference ``ModelRegistry/resolve(_:)`` reads back.
    public var reference: String { "\(name)/\(version)" }
}
