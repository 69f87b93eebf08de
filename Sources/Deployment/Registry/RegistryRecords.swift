import MLOpsCore

// The records a model registry keeps in its `registry` namespace. A model's record holds
// everything that changes together — its aliases, the newest version number, the length of its
// audit log — so every change to a model is one compare-and-swap on it. Versions and events
// are stored under `<name>/<zero-padded number>`: they are read by number, 1 to the count the
// model record holds, never scanned.

/// A registered model, with the counters and alias history the registry keeps for it.
struct ModelRecord: StoredRecord {
    static let recordType = "model"
    /// How many past targets of one alias are kept for rollbacks.
    static let maxAliasHistory = 100

    var model: RegisteredModel
    /// How many events the model's audit log holds (the sequence number of the newest).
    var eventCount: Int
    /// Each alias's targets, oldest first; the last one is the alias's current target.
    var aliasHistory: [String: [Int]]
    var recordID: String { model.name }
}

/// One registered version.
struct VersionRecord: StoredRecord {
    static let recordType = "version"
    var version: ModelVersion
    var recordID: String { Self.id(version.name, version.version) }

    static func id(_ name: String, _ version: Int) -> String { name + "/" + RegistryNames.padded(version, width: 10) }
}

/// One audit event.
struct EventRecord: StoredRecord {
    static let recordType = "event"
    var event: RegistryEvent
    var recordID: String { Self.id(event.model, event.sequence) }

    static func id(_ name: String, _ sequence: Int) -> String {
        name + "/" + RegistryNames.padded(sequence, width: 12)
    }
}

/// A change to one model being made inside a transaction: the model record as it will be
/// stored and the audit events the change appends. Created afresh for every attempt.
final class ModelChange {
    var record: ModelRecord
    private(set) var events: [RegistryEvent] = []
    let actor: String
    let reason: String
    let now: UInt64

    init(record: ModelRecord, actor: String, reason: String, now: UInt64) {
        self.record = record
        self.actor = actor
        self.reason = reason
        self.now = now
    }

    var model: RegisteredModel { record.model }

    /// Appends an event with the next sequence number and returns it.
    @discardableResult
    func append(
        _ kind: RegistryEvent.Kind, version: Int? = nil, alias: String? = nil, previousVersion: Int? = nil,
        sourceAlias: String? = nil, passed: Bool? = nil, gates: [GateResult] = [], detail: String = ""
    ) -> RegistryEvent {
        record.eventCount += 1
        record.model.updatedMilliseconds = now
        let event = RegistryEvent(
            sequence: record.eventCount, model: record.model.name, kind: kind, timeMilliseconds: now, actor: actor,
            reason: reason, version: version, alias: alias, previousVersion: previousVersion, sourceAlias: sourceAlias,
            passed: passed, gates: gates, detail: detail)
        events.append(event)
        return event
    }

    /// Replaces the detail of the first event this change appended.
    func replaceFirstDetail(_ detail: String) {
        if !events.isEmpty { events[0].detail = detail }
    }

    /// Points `alias` at `version`, remembering the target for rollbacks.
    func point(_ alias: String, at version: Int) {
        guard record.model.aliases[alias] != version else { return }
        record.model.aliases[alias] = version
        var history = record.aliasHistory[alias] ?? []
        history.append(version)
        if history.count > ModelRecord.maxAliasHistory {
            history.removeFirst(history.count - ModelRecord.maxAliasHistory)
        }
        record.aliasHistory[alias] = history
    }

    /// Removes `alias` and its history.
    func remove(_ alias: String) {
        record.model.aliases[alias] = nil
        record.aliasHistory[alias] = nil
    }
}
