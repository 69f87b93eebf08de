public import InferenceCore
import MLOpsCore

extension ModelRegistry {
    /// Registers `model` as the next version of the model `name` (creating the model if it is
    /// new), storing it as a model package.
    ///
    /// The package bytes (`model.package.encoded()`) are stored under their SHA-256; registering
    /// identical bytes again — as another version or another model — reuses them. Lineage the
    /// caller leaves out is taken from the model's own (`Model.lineage`: run, data version,
    /// source).
    ///
    /// - Returns: The new version, numbered one above the model's newest.
    /// - Throws: `invalidArgument` for a bad name, metric (not finite) or key; `limitExceeded`
    ///   for overlong text; storage errors (then no version is recorded; package bytes already
    ///   stored are kept, and reused by the next attempt).
    @discardableResult
    public func register(
        _ model: Model, name: String, description: String = "", lineage: ModelVersion.Lineage = .init(),
        actor: String? = nil, reason: String? = nil
    ) async throws -> ModelVersion {
        try await register(
            model.package, name: name, format: model.format, description: description, lineage: lineage, actor: actor,
            reason: reason)
    }

    /// Registers `package` as the next version of the model `name` (creating the model if it is
    /// new); as the overload that takes a `Model`.
    ///
    /// - Parameters:
    ///   - package: The model package to store.
    ///   - name: The registered model's name.
    ///   - format: The format the model was read from before it was packaged, recorded
    ///     on the version.
    ///   - description: A description of the version.
    ///   - lineage: The run, data version, metrics and source; what is left out is taken from the
    ///     package's own lineage.
    ///   - actor: Who registers, for the audit log (default: the registry's default actor).
    ///   - reason: Why, for the audit log.
    @discardableResult
    public func register(
        _ package: ModelPackage, name: String, format: ModelFormat = .package, description: String = "",
        lineage: ModelVersion.Lineage = .init(), actor: String? = nil, reason: String? = nil
    ) async throws -> ModelVersion {
        try RegistryNames.checkModelName(name)
        var lineage = lineage
        lineage.runID = lineage.runID ?? package.lineage.runId
        lineage.dataVersion = lineage.dataVersion ?? package.lineage.dataVersion
        lineage.source = lineage.source ?? package.lineage.source
        try Self.check(lineage)
        try RegistryNames.checkText(description, "a description")
        let bytes = try package.encoded()
        let digest = SHA256.hash(bytes)
        try await storePackage(bytes, digest: digest)
        let signature = package.signature
        return try await change(name, creating: true, actor: actor, reason: reason) { tx, change in
            let number = change.model.latestVersion + 1
            let version = ModelVersion(
                name: name, version: number, packageDigest: digest, packageSize: bytes.count, format: format,
                signature: signature, lineage: lineage, author: change.actor, description: description,
                createdMilliseconds: change.now)
            try await tx.insert(VersionRecord(version: version))
            change.record.model.latestVersion = number
            var detail = "package sha256:\(digest.hexString.prefix(12))…, \(bytes.count) bytes, \(format)"
            if let run = lineage.runID { detail += ", run \(run)" }
            change.append(.versionRegistered, version: number, detail: detail)
            return version
        }.result
    }

    /// Records metrics of the evaluation set `set` on a version (merged into any recorded
    /// before: a metric given again replaces its value). Promotion gates read them
    /// (``PromotionGate/metric(_:on:_:margin:)``).
    ///
    /// - Returns: The version as updated.
    /// - Throws: `notFound` for an unknown model or version; `invalidArgument` for an empty or
    ///   non-finite metric, or a bad set name.
    @discardableResult
    public func recordEvaluation(
        _ name: String, version: Int, set: String, metrics: [String: Double], actor: String? = nil,
        reason: String? = nil
    ) async throws -> ModelVersion {
        try RegistryNames.checkKey(set, "an evaluation set name")
        guard !metrics.isEmpty else {
            throw MLOpsError(.invalidArgument, "an evaluation needs at least one metric", value: set)
        }
        try Self.check(metrics: metrics)
        return try await change(name, actor: actor, reason: reason) { tx, change in
            let id = VersionRecord.id(name, version)
            guard version >= 1, var stored = try await tx.get(VersionRecord.self, id: id)?.record else {
                throw MLOpsError(.notFound, "model '\(name)' has no version \(version)", value: String(version))
            }
            stored.version.lineage.evaluations[set, default: [:]].merge(metrics) { _, new in new }
            try await tx.save(stored)
            change.append(.evaluationRecorded, version: version, detail: "\(set): " + Self.describe(metrics))
            return stored.version
        }.result
    }

    /// `a=1, b=2` in key order.
    static func describe(_ metrics: [String: Double]) -> String {
        metrics.keys.sorted().map { "\($0)=\(metrics[$0] ?? 0)" }.joined(separator: ", ")
    }

    static func check(_ lineage: ModelVersion.Lineage) throws {
        for (field, text) in [
            ("a run ID", lineage.runID), ("a data version", lineage.dataVersion), ("a source", lineage.source),
        ] {
            if let text { try RegistryNames.checkText(text, field) }
        }
        try check(metrics: lineage.metrics)
        for (set, metrics) in lineage.evaluations {
            try RegistryNames.checkKey(set, "an evaluation set name")
            try check(metrics: metrics)
        }
    }

    static func check(metrics: [String: Double]) throws {
        for (key, value) in metrics {
            try RegistryNames.checkKey(key, "a metric name")
            guard value.isFinite else {
                throw MLOpsError(.invalidArgument, "metric '\(key)' is not a finite number", value: String(value))
            }
        }
    }
}
