public import MLOpsCore

/// The record-layer commands of ``StorageWorker``: opening with migrations from many
/// processes at once, and churning indexed records until killed.
extension StorageWorker {
    /// The namespace the record commands use.
    public static func recordsNamespace() throws -> RecordNamespace {
        try RecordNamespace("worker-records", owner: "StorageWorker")
    }

    /// The migrations `records-migrate` applies: the second one increments a counter record, so
    /// running it twice is visible.
    public static var recordMigrations: [RecordMigration] {
        [
            RecordMigration("create counter") { tx in
                try await tx.insert(WorkerRecord(id: "counter", name: "counter", group: "migrations"))
            },
            RecordMigration("increment counter") { tx in
                guard var counter = try await tx.get(WorkerRecord.self, id: "counter")?.record else {
                    throw MLOpsError(.notFound, "the counter record the first migration creates is missing")
                }
                counter.count += 1
                try await tx.save(counter)
            },
        ]
    }

    /// `records-migrate <path>`: opens the record store with ``recordMigrations``; prints `migrated`.
    static func migrateRecords(_ store: any KeyValueStore) async throws {
        _ = try await RecordStore.open(try recordsNamespace(), on: store, migrations: recordMigrations)
        printLine("migrated")
    }

    /// `records-churn <path> <worker-id> [count]`: saves, renames, regroups and deletes indexed
    /// records of this worker, printing each acknowledged operation's sequence number.
    static func churnRecords(_ store: any KeyValueStore, worker: Int, count: Int?) async throws {
        let records = try await RecordStore.open(try recordsNamespace(), on: store)
        var random = SeededRandom(seed: UInt64(worker) &* 7_919 &+ UInt64(ContinuousClock.now.hashValue & 0xFFFF))
        var sequence = 0
        while count.map({ sequence < $0 }) ?? true {
            let id = "w\(worker)-\(random.next() % 50)"
            let record = WorkerRecord(
                id: id, name: "w\(worker)-name-\(random.next() % 80)", group: "g\(random.next() % 6)",
                count: sequence)
            do {
                if random.next() % 4 == 0 {
                    try await records.delete(WorkerRecord.self, id: id)
                } else {
                    try await records.save(record)
                }
            } catch let error as MLOpsError where error.code == .conflict {
                // A unique name held by another of this worker's records: a refused write, not a failure.
            }
            sequence += 1
            printLine(String(sequence))
        }
    }
}

/// The indexed record the worker commands write.
public struct WorkerRecord: StoredRecord, Equatable {
    /// `worker-record`.
    public static let recordType = "worker-record"
    /// A unique index on the name and a non-unique one on the group.
    public static let indexes: [RecordIndex<WorkerRecord>] = [
        RecordIndex("name", unique: true) { $0.name }, RecordIndex("group") { $0.group },
    ]
    /// The record's ID.
    public var id: String
    /// A unique name.
    public var name: String
    /// A group many records share.
    public var group: String
    /// A counter.
    public var count = 0
    /// The ID.
    public var recordID: String { id }

    /// Creates a record.
    public init(id: String, name: String, group: String, count: Int = 0) {
        self.id = id
        self.name = name
        self.group = group
        self.count = count
    }
}
