public import MLOpsCore

/// The checks every `KeyValueStore` backend must pass: ordering, versions,
/// scans and paging, compare-and-swap, all-or-nothing commits, large values,
/// the `transaction {}` helper and concurrent writers.
///
/// A backend runs the whole suite from one test:
///
/// ```swift
/// @Test func conformance() async throws {
///     try await KeyValueStoreConformance(makeStore: { InMemoryKeyValueStore() }).run()
/// }
/// ```
///
/// What a caller must know:
/// - `makeStore` is called once per check and must return an **empty** store
///   that no other check uses (for a file-backed store: a new file; for a
///   shared server: a fresh database or key space). ``cleanUp`` is called
///   with the store after its check, passed or failed.
/// - ``run()`` runs every check, then throws a ``ConformanceFailure`` naming the
///   first failed check (and listing the others). Run a single check with
///   ``run(_:)`` or ``run(checkNamed:)``; ``checks`` lists them.
/// - Sizes and concurrency come from ``Configuration``; the defaults take well
///   under a second on an in-memory store.
/// - Multi-process behaviour (several processes on one store) is not covered
///   here: see ``StorageWorker`` and ``WorkerProcess``.
public struct KeyValueStoreConformance: Sendable {
    /// Sizes and counts for the heavier checks.
    public struct Configuration: Sendable {
        /// Concurrent tasks in the concurrency checks (at least 2).
        public var concurrentTasks: Int = 8
        /// `transaction {}` increments each task makes in `concurrentCounter`.
        public var incrementsPerTask: Int = 25
        /// Bytes in the value of `bigValues`.
        public var bigValueSize: Int = 8 << 20
        /// Keys written by the single commit of `manyKeys`.
        public var manyKeysCount: Int = 10_000
        /// Keys paged through by `paging`.
        public var pagingKeyCount: Int = 600

        /// The default configuration.
        public init() {}
    }

    /// Makes a new, empty store for one check.
    public let makeStore: @Sendable () async throws -> any KeyValueStore
    /// Called with each check's store when the check has finished, or `nil`.
    public let cleanUp: (@Sendable (any KeyValueStore) async throws -> Void)?
    /// Sizes and counts used by the checks.
    public var configuration: Configuration

    /// Creates the suite.
    ///
    /// - Parameters:
    ///   - configuration: Sizes and counts; the defaults suit most backends.
    ///   - makeStore: Returns a new, empty store; called once per check.
    ///   - cleanUp: Releases a check's store (close it, remove its file); optional.
    public init(
        configuration: Configuration = Configuration(),
        makeStore: @escaping @Sendable () async throws -> any KeyValueStore,
        cleanUp: (@Sendable (any KeyValueStore) async throws -> Void)? = nil
    ) {
        self.configuration = configuration
        self.makeStore = makeStore
        self.cleanUp = cleanUp
    }

    /// The names of every check, in the order ``run()`` runs them.
    public static var checkNames: [String] { KeyValueStoreConformance { InMemoryKeyValueStore() }.checks.map(\.name) }

    /// Every check, in the order ``run()`` runs them.
    public var checks: [ConformanceCheck<any KeyValueStore>] {
        let configuration = configuration
        return [
            ConformanceCheck(name: "emptyStore", summary: "a new store has no keys and read-only commits pass") {
                try await Self.checkEmptyStore($0)
            },
            ConformanceCheck(name: "putGetOverwriteDelete", summary: "values round-trip, overwrite and delete") {
                try await Self.checkPutGetOverwriteDelete($0)
            },
            ConformanceCheck(name: "versions", summary: "versions are positive, per commit, increasing") {
                try await Self.checkVersions($0)
            },
            ConformanceCheck(name: "byteOrdering", summary: "keys sort as unsigned bytes, shorter first") {
                try await Self.checkByteOrdering($0)
            },
            ConformanceCheck(name: "rangeScans", summary: "bounds, prefixes with 0xFF, limits, descending order") {
                try await Self.checkRangeScans($0)
            },
            ConformanceCheck(name: "paging", summary: "paging with after/before returns every key exactly once") {
                try await Self.checkPaging($0, keyCount: configuration.pagingKeyCount)
            },
            ConformanceCheck(name: "casAbsent", summary: "absent checks succeed on new keys and conflict on old") {
                try await Self.checkCASAbsent($0)
            },
            ConformanceCheck(name: "casVersion", summary: "version checks succeed when current and conflict else") {
                try await Self.checkCASVersion($0)
            },
            ConformanceCheck(name: "casAllOrNothing", summary: "a failed check anywhere leaves the store unchanged") {
                try await Self.checkAllOrNothing($0)
            },
            ConformanceCheck(name: "writeOrder", summary: "writes apply in order; the last write to a key wins") {
                try await Self.checkWriteOrder($0)
            },
            ConformanceCheck(name: "readOnlyCommit", summary: "a commit without writes checks and changes nothing") {
                try await Self.checkReadOnlyCommit($0)
            },
            ConformanceCheck(name: "bigValues", summary: "multi-megabyte values round-trip exactly") {
                try await Self.checkBigValues($0, size: configuration.bigValueSize)
            },
            ConformanceCheck(name: "manyKeys", summary: "one commit writes and deletes thousands of keys") {
                try await Self.checkManyKeys($0, count: configuration.manyKeysCount)
            },
            ConformanceCheck(name: "transactionHelper", summary: "transaction {} reads its writes, retries, gives up") {
                try await Self.checkTransactionHelper($0)
            },
            ConformanceCheck(name: "concurrentCounter", summary: "concurrent transaction {} increments lose nothing") {
                try await Self.checkConcurrentCounter(
                    $0, tasks: configuration.concurrentTasks, increments: configuration.incrementsPerTask)
            },
            ConformanceCheck(name: "concurrentDisjointWriters", summary: "concurrent writers' keys are all kept") {
                try await Self.checkConcurrentDisjointWriters($0, tasks: configuration.concurrentTasks)
            },
            ConformanceCheck(name: "atomicVisibility", summary: "reads never see half of a concurrent commit") {
                try await Self.checkAtomicVisibility($0)
            },
        ]
    }

    /// Runs every check on its own new store, then throws the first failure.
    ///
    /// - Throws: ``ConformanceFailure`` naming the first failed check; its
    ///   ``ConformanceFailure/otherFailedChecks`` lists the rest.
    public func run() async throws {
        try await runEvery(checks) { try await run($0) }
    }

    /// Runs one check on a new store.
    ///
    /// - Throws: ``ConformanceFailure`` if the store breaks the contract (any
    ///   error the store throws unexpectedly is wrapped in one).
    public func run(_ check: ConformanceCheck<any KeyValueStore>) async throws {
        try await runCheck(suite: "KeyValueStoreConformance", check, make: makeStore, cleanUp: cleanUp)
    }

    /// Runs the check called `name`.
    ///
    /// - Throws: ``ConformanceFailure`` if the store fails it, or `MLOpsError`
    ///   `invalidArgument` if there is no such check.
    public func run(checkNamed name: String) async throws {
        try await run(try check(named: name, in: checks, suite: "KeyValueStoreConformance"))
    }
}

/// Runs every check, each through `run` (on its own new store), then throws the first failure,
/// listing the other failed checks in it.
func runEvery<Store: Sendable>(
    _ checks: [ConformanceCheck<Store>], _ run: (ConformanceCheck<Store>) async throws -> Void
) async throws {
    var failures: [ConformanceFailure] = []
    for check in checks {
        do {
            try await run(check)
        } catch let failure as ConformanceFailure {
            failures.append(failure)
        }
    }
    if var first = failures.first {
        first.otherFailedChecks = failures.dropFirst().map(\.check)
        throw first
    }
}

/// The check called `name` among `checks`.
///
/// - Throws: `MLOpsError` `invalidArgument` naming `suite` if there is no such check.
func check<Store: Sendable>(
    named name: String, in checks: [ConformanceCheck<Store>], suite: String
) throws -> ConformanceCheck<Store> {
    guard let check = checks.first(where: { $0.name == name }) else {
        throw MLOpsError(.invalidArgument, "no \(suite) check has this name", value: name)
    }
    return check
}

/// Makes a store, runs `check` on it, cleans up, and names the check in any failure.
func runCheck<Store: Sendable>(
    suite: String,
    _ check: ConformanceCheck<Store>,
    make: @Sendable () async throws -> Store,
    cleanUp: (@Sendable (Store) async throws -> Void)?
) async throws {
    let store: Store
    do {
        store = try await make()
    } catch {
        throw ConformanceFailure(
            suite: suite, check: check.name, message: "makeStore threw; it must return a new empty store",
            underlying: error)
    }
    var failure: ConformanceFailure?
    do {
        try await check.body(store)
    } catch var caught as ConformanceFailure {
        caught.suite = suite
        caught.check = check.name
        failure = caught
    } catch {
        failure = ConformanceFailure(
            suite: suite, check: check.name, message: "the store threw unexpectedly", underlying: error)
    }
    if let cleanUp {
        do {
            try await cleanUp(store)
        } catch {
            if failure == nil {
                failure = ConformanceFailure(
                    suite: suite, check: check.name, message: "cleanUp threw", underlying: error)
            }
        }
    }
    if let failure { throw failure }
}
