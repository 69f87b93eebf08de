public import InferenceCore
public import MLOpsCore

/// A model registry — MLflow's, with aliases rather than stages — on the record layer: registered
/// models, versions numbered 1, 2, … that point at model packages by content hash, aliases
/// (`champion`, `challenger`, …) moved atomically, promotion gates, rollbacks, and an append-only
/// audit log of every change.
///
/// Records live in the `registry` namespace of a `KeyValueStore`; package bytes
/// (`ModelPackage.encoded()`) live in a `BlobStore` under `registry/packages/sha256/<hex>`,
/// written once and shared by every version with the same bytes. `Workspace` opens one as
/// `workspace.registry`.
///
/// A host registers a `Model` (``register(_:name:description:lineage:actor:reason:)``), points
/// aliases at versions (``setAlias(_:_:version:expecting:actor:reason:)``), promotes through
/// gates (``promote(_:from:to:policy:actor:reason:)``) and loads what an alias names as the
/// serving engine's ``ModelCatalog`` (``version(of:alias:)``, ``model(_:version:)``).
///
/// What a caller must know:
/// - Every change to a model is one transaction that updates the model's record and appends its
///   audit event: both happen or neither does, even across a crash.
/// - Alias moves take an ``AliasExpectation`` (compare-and-swap): of two writers — tasks or
///   processes — moving an alias from the same target, one wins and the other gets
///   `MLOpsError` `conflict`; nothing is lost and only the winning move is in the log.
/// - Names: a model name is 1 to 255 bytes without `/`, `@` or control characters; an alias
///   follows MLflow's rules (letters, digits, `_`, `-`, at most 255 characters; `latest` and
///   `v<digits>` are reserved). Bad names throw `invalidArgument` naming the value.
/// - Every method that changes something takes an `actor` (default: ``Options/defaultActor``)
///   and a `reason`, both recorded.
/// - The registry is a value: copies share the stores. It keeps no cache, so changes made by
///   other processes are seen by the next read.
public struct ModelRegistry: Sendable {
    /// Settings a host may change.
    public struct Options: Sendable {
        /// The actor recorded when a change names none.
        public var defaultActor: String

        /// Defaults: the actor is the process's `USER`, else `unknown`.
        public init(defaultActor: String? = nil) {
            self.defaultActor = defaultActor ?? Platform.environmentValue("USER") ?? "unknown"
        }
    }

    /// The record namespace the registry owns.
    public static let namespaceName = "registry"
    /// The blob-store prefix of package bytes.
    public static let packagePrefix = "registry/packages/sha256"

    /// Where records live.
    public let metadata: any KeyValueStore
    /// Where package bytes live.
    public let blobs: any BlobStore
    /// The options in use.
    public let options: Options

    let records: RecordStore

    private init(metadata: any KeyValueStore, blobs: any BlobStore, options: Options, records: RecordStore) {
        self.metadata = metadata
        self.blobs = blobs
        self.options = options
        self.records = records
    }

    static func namespace() throws -> RecordNamespace { try RecordNamespace(namespaceName, owner: "Deployment") }

    /// Opens (creating on first use) the registry in `metadata` and `blobs`, claiming the
    /// `registry` namespace.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module owns the namespace; storage errors.
    public static func open(
        metadata: any KeyValueStore, blobs: any BlobStore, options: Options = Options()
    ) async throws -> ModelRegistry {
        let records = try await RecordStore.open(try namespace(), on: metadata)
        return ModelRegistry(metadata: metadata, blobs: blobs, options: options, records: records)
    }

    /// A registry over stores that must not be written (a read-only workspace, a check): claims
    /// nothing; reads work, changes fail in the store.
    public static func reading(
        metadata: any KeyValueStore, blobs: any BlobStore, options: Options = Options()
    ) throws -> ModelRegistry {
        ModelRegistry(
            metadata: metadata, blobs: blobs, options: options,
            records: RecordStore(checking: try namespace(), on: metadata))
    }

    // MARK: Reading

    /// The registered model `name`.
    ///
    /// - Throws: `notFound` if there is none; `invalidArgument` for a malformed name.
    public func registeredModel(_ name: String) async throws -> RegisteredModel {
        try await modelRecord(name).record.model
    }

    /// Every registered model, by name.
    public func models() async throws -> [RegisteredModel] {
        var models: [RegisteredModel] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await records.list(ModelRecord.self, after: cursor, limit: 1_000)
            models += page.records.map(\.record.model)
            cursor = page.next
        } while cursor != nil
        return models
    }

    /// Version `version` of the model `name`.
    ///
    /// - Throws: `notFound` for an unknown model or version.
    public func modelVersion(_ name: String, version: Int) async throws -> ModelVersion {
        try RegistryNames.checkModelName(name)
        guard version >= 1, let found = try await records.get(VersionRecord.self, id: VersionRecord.id(name, version))
        else {
            _ = try await modelRecord(name)
            throw MLOpsError(.notFound, "model '\(name)' has no version \(version)", value: String(version))
        }
        return found.record.version
    }

    /// The version `alias` points at (`latest`, in any case: the newest version).
    ///
    /// - Throws: `notFound` for an unknown model or alias, or `latest` of a model with no versions.
    public func modelVersion(_ name: String, alias: String) async throws -> ModelVersion {
        let model = try await registeredModel(name)
        return try await modelVersion(name, version: try Self.target(of: alias, in: model))
    }

    /// Every version of the model `name`, oldest first.
    ///
    /// - Throws: `notFound` for an unknown model; `corruptData` if a version record is missing.
    public func versions(of name: String) async throws -> [ModelVersion] {
        let model = try await registeredModel(name)
        var versions: [ModelVersion] = []
        versions.reserveCapacity(model.latestVersion)
        for number in stride(from: 1, through: model.latestVersion, by: 1) {
            guard let found = try await records.get(VersionRecord.self, id: VersionRecord.id(name, number)) else {
                throw MLOpsError(
                    .corruptData, "the registry lacks the record of version \(number) of model '\(name)'",
                    value: VersionRecord.id(name, number))
            }
            versions.append(found.record.version)
        }
        return versions
    }

    /// The version a reference names: `name@alias`, `name@latest`, `name/<version>`,
    /// `name/latest`, or a bare `name` (its newest version); an MLflow `models:/` prefix is
    /// accepted and ignored.
    ///
    /// - Throws: `notFound` for an unknown model, alias or version; `invalidArgument` for a
    ///   malformed reference.
    public func resolve(_ reference: String) async throws -> ModelVersion {
        var text = Substring(reference)
        if text.hasPrefix("models:/") { text = text.dropFirst("models:/".count) }
        if let at = text.lastIndex(of: "@") {
            return try await modelVersion(String(text[..<at]), alias: String(text[text.index(after: at)...]))
        }
        if let slash = text.lastIndex(of: "/") {
            let name = String(text[..<slash])
            let tail = String(text[text.index(after: slash)...])
            if tail.lowercased() == "latest" { return try await modelVersion(name, alias: "latest") }
            guard let number = Int(tail), number >= 1 else {
                throw MLOpsError(
                    .invalidArgument,
                    "a model reference is NAME@ALIAS, NAME/VERSION (a number from 1) or NAME; the part after '/' is "
                        + "not a version number",
                    value: DisplayText.escapingControlCharacters(String(reference.prefix(300))))
            }
            return try await modelVersion(name, version: number)
        }
        return try await modelVersion(String(text), alias: "latest")
    }

    /// The audit log of the model `name`, oldest event first.
    ///
    /// - Throws: `notFound` for an unknown model; `corruptData` if an event is missing.
    public func auditLog(of name: String) async throws -> [RegistryEvent] {
        let record = try await modelRecord(name).record
        var events: [RegistryEvent] = []
        events.reserveCapacity(record.eventCount)
        for sequence in stride(from: 1, through: record.eventCount, by: 1) {
            guard let found = try await records.get(EventRecord.self, id: EventRecord.id(name, sequence)) else {
                throw MLOpsError(
                    .corruptData, "the audit log of model '\(name)' lacks event \(sequence)",
                    value: EventRecord.id(name, sequence))
            }
            events.append(found.record.event)
        }
        return events
    }

    // MARK: Packages

    /// The package bytes of a version, checked against the recorded SHA-256.
    ///
    /// - Throws: `notFound` for an unknown model or version; `corruptData` when the bytes are
    ///   missing from the blob store or do not hash to the recorded digest.
    public func packageBytes(_ name: String, version: Int) async throws -> [UInt8] {
        try await packageBytes(of: try await modelVersion(name, version: version))
    }

    /// The package of a version, checked against the recorded SHA-256 and decoded.
    ///
    /// - Throws: As ``packageBytes(_:version:)``, and what `ModelPackage(bytes:)` throws.
    public func package(_ name: String, version: Int) async throws -> ModelPackage {
        try ModelPackage(bytes: try await packageBytes(name, version: version))
    }

    func packageBytes(of version: ModelVersion) async throws -> [UInt8] {
        let key = try BlobKey(version.packageKey)
        let bytes: [UInt8]
        do {
            bytes = try await blobs.get(key)
        } catch let error as MLOpsError where error.code == .notFound {
            throw MLOpsError(
                .corruptData,
                "the package of version \(version.version) of model '\(version.name)' is missing from the blob store",
                value: version.packageKey, cause: error)
        }
        let digest = SHA256.hash(bytes)
        guard digest == version.packageDigest, bytes.count == version.packageSize else {
            throw MLOpsError(
                .corruptData,
                "the package of version \(version.version) of model '\(version.name)' does not match its recorded "
                    + "SHA-256 (\(bytes.count) bytes hashing to \(digest.hexString.prefix(16))…, recorded "
                    + "\(version.packageSize) bytes, \(version.packageDigest.hexString.prefix(16))…)",
                value: version.packageKey)
        }
        return bytes
    }

    static func packageKeyText(_ digest: SHA256Digest) -> String { packagePrefix + "/" + digest.hexString }

    /// Stores package bytes under their digest unless an intact copy is there already.
    func storePackage(_ bytes: [UInt8], digest: SHA256Digest) async throws {
        let key = try BlobKey(Self.packageKeyText(digest))
        if try await blobs.exists(key) {
            let stored = try await blobs.sizeAndDigest(of: key)
            if stored.size == bytes.count, stored.digest == digest { return }
            // A damaged copy: the bytes are immutable, so replace it whole.
            try await blobs.delete(key)
        }
        try await blobs.put(key, data: bytes)
    }

    // MARK: Changing

    /// The stored record of `name`.
    func modelRecord(_ name: String) async throws -> VersionedRecord<ModelRecord> {
        try RegistryNames.checkModelName(name)
        guard let found = try await records.get(ModelRecord.self, id: name) else {
            throw MLOpsError(.notFound, "no registered model with this name", value: name)
        }
        return found
    }

    /// The version `alias` of `model` points at (`latest`: the newest).
    static func target(of alias: String, in model: RegisteredModel) throws -> Int {
        if alias.lowercased() == "latest" {
            guard model.latestVersion > 0 else {
                throw MLOpsError(.notFound, "model '\(model.name)' has no versions yet", value: alias)
            }
            return model.latestVersion
        }
        guard let version = model.aliases[alias] else {
            throw MLOpsError(
                .notFound, "model '\(model.name)' has no alias '\(DisplayText.escapingControlCharacters(alias))'",
                value: DisplayText.escapingControlCharacters(String(alias.prefix(300))))
        }
        return version
    }

    /// Runs `body` on the model `name` in one transaction, then stores the model record and the
    /// events `body` appended (nothing if it appended none). `creating`: a missing model is
    /// created (with its `model_created` event) instead of being `notFound`.
    nonisolated(nonsending) func change<Result>(
        _ name: String, creating: Bool = false, actor: String?, reason: String?,
        _ body: nonisolated(nonsending) (RecordTransaction, ModelChange) async throws -> Result
    ) async throws -> (result: Result, events: [RegistryEvent]) {
        try RegistryNames.checkModelName(name)
        let actor = actor ?? options.defaultActor
        let reason = reason ?? ""
        try RegistryNames.checkText(actor, "an actor")
        try RegistryNames.checkText(reason, "a reason")
        return try await records.transaction { tx in
            let now = Platform.wallClockMilliseconds()
            let change: ModelChange
            if let existing = try await tx.get(ModelRecord.self, id: name) {
                change = ModelChange(record: existing.record, actor: actor, reason: reason, now: now)
            } else {
                guard creating else { throw MLOpsError(.notFound, "no registered model with this name", value: name) }
                let model = RegisteredModel(name: name, createdMilliseconds: now, updatedMilliseconds: now)
                change = ModelChange(
                    record: ModelRecord(model: model, eventCount: 0, aliasHistory: [:]), actor: actor, reason: reason,
                    now: now)
                change.append(.modelCreated)
            }
            let result = try await body(tx, change)
            guard !change.events.isEmpty else { return (result, []) }
            try await tx.save(change.record)
            for event in change.events { try await tx.insert(EventRecord(event: event)) }
            return (result, change.events)
        }
    }
}
