public import MLOpsCore

/// The checks MLOpsCore's record layer (`RecordStore`) must pass on a `KeyValueStore`
/// backend: records and schema versions, unique and non-unique indexes kept with their
/// records, compare-and-swap, paging under concurrent inserts, migrations run once,
/// namespace claims, and a self-check that finds damaged records and stray index entries.
///
/// The record layer is generic over the store, so a backend that passes
/// ``KeyValueStoreConformance`` should pass this too; running it proves it:
///
/// ```swift
/// @Test(arguments: RecordStoreConformance.checkNames)
/// func records(_ name: String) async throws {
///     try await RecordStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: name)
/// }
/// ```
///
/// `makeStore` must return a new, empty store for each check; ``cleanUp`` is called after it.
public struct RecordStoreConformance: Sendable {
    /// Makes a new, empty store for one check.
    public let makeStore: @Sendable () async throws -> any KeyValueStore
    /// Called with each check's store when the check has finished, or `nil`.
    public let cleanUp: (@Sendable (any KeyValueStore) async throws -> Void)?
    /// Concurrent tasks in the concurrency checks (at least 2).
    public var concurrentTasks: Int

    /// Creates the suite.
    public init(
        concurrentTasks: Int = 6,
        makeStore: @escaping @Sendable () async throws -> any KeyValueStore,
        cleanUp: (@Sendable (any KeyValueStore) async throws -> Void)? = nil
    ) {
        self.concurrentTasks = Swift.max(2, concurrentTasks)
        self.makeStore = makeStore
        self.cleanUp = cleanUp
    }

    /// The names of every check, in the order ``run()`` runs them.
    public static var checkNames: [String] { RecordStoreConformance { InMemoryKeyValueStore() }.checks.map(\.name) }

    /// Every check, in the order ``run()`` runs them.
    public var checks: [ConformanceCheck<any KeyValueStore>] {
        let tasks = concurrentTasks
        return [
            ConformanceCheck(name: "roundTrip", summary: "insert, get, save, delete; duplicate inserts conflict") {
                try await Self.checkRoundTrip($0)
            },
            ConformanceCheck(name: "damagedAndNewer", summary: "damaged bytes and newer schemas are typed errors") {
                try await Self.checkDamagedAndNewer($0)
            },
            ConformanceCheck(name: "uniqueIndex", summary: "unique values are enforced, moved and freed") {
                try await Self.checkUniqueIndex($0)
            },
            ConformanceCheck(name: "lookupIndex", summary: "non-unique index lookups follow updates, with paging") {
                try await Self.checkLookupIndex($0)
            },
            ConformanceCheck(name: "compareAndSwap", summary: "stale versions conflict and write nothing") {
                try await Self.checkCompareAndSwap($0)
            },
            ConformanceCheck(name: "pagingUnderInserts", summary: "paging sees every old record exactly once") {
                try await Self.checkPagingUnderInserts($0)
            },
            ConformanceCheck(name: "concurrentUpdates", summary: "concurrent read-modify-write loses no update") {
                try await Self.checkConcurrentUpdates($0, tasks: tasks)
            },
            ConformanceCheck(name: "migrationsOnce", summary: "migrations run once, in order, even concurrently") {
                try await Self.checkMigrationsOnce($0, tasks: tasks)
            },
            ConformanceCheck(name: "failedMigration", summary: "a failing migration leaves no trace") {
                try await Self.checkFailedMigration($0)
            },
            ConformanceCheck(name: "namespaceClaims", summary: "a namespace has one owner") {
                try await Self.checkNamespaceClaims($0)
            },
            ConformanceCheck(name: "selfCheck", summary: "check() passes a sound store and finds damage") {
                try await Self.checkSelfCheck($0)
            },
        ]
    }

    /// Runs every check on its own new store, then throws the first failure.
    public func run() async throws {
        try await runEvery(checks) { try await run($0) }
    }

    /// Runs one check on a new store.
    public func run(_ check: ConformanceCheck<any KeyValueStore>) async throws {
        try await runCheck(suite: "RecordStoreConformance", check, make: makeStore, cleanUp: cleanUp)
    }

    /// Runs the check called `name`.
    ///
    /// - Throws: ``ConformanceFailure``, or `MLOpsError` `invalidArgument` for an unknown name.
    public func run(checkNamed name: String) async throws {
        try await run(try check(named: name, in: checks, suite: "RecordStoreConformance"))
    }
}

/// The record type the checks store: an item with a unique name, a category and a counter.
struct ConformanceItem: StoredRecord, Equatable {
    static let recordType = "item"
    static let schemaVersion = 2
    static let indexes: [RecordIndex<ConformanceItem>] = [
        RecordIndex("name", unique: true) { $0.name },
        RecordIndex("category") { $0.category },
        RecordIndex("tag") { $0.tags },
    ]

    var id: String
    var name: String
    var category: String?
    var tags: [String] = []
    var count = 0

    var recordID: String { id }
}
