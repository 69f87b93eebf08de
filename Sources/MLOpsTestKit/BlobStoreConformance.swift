public import MLOpsCore

/// The checks every `BlobStore` backend must pass: round trips, immutability,
/// missing keys, ordered whole-segment listing, paged listing (also while keys
/// are added), empty and large objects through
/// the streaming reader and writer, aborted writes, key validation and
/// concurrent puts of one key.
///
/// A backend runs the whole suite from one test:
///
/// ```swift
/// @Test func conformance() async throws {
///     try await BlobStoreConformance(makeStore: { InMemoryBlobStore() }).run()
/// }
/// ```
///
/// What a caller must know:
/// - `makeStore` is called once per check and must return an **empty** store
///   used by no other check; ``cleanUp`` receives it afterwards (e.g. to
///   remove a temporary directory).
/// - ``run()`` runs every check and then throws a ``ConformanceFailure`` naming
///   the first failed check and listing the others; ``run(checkNamed:)`` runs one.
/// - ``Configuration/largeObjectSize`` (32 MiB by default) sets the streamed
///   object's size; lower it for slow remote stores.
public struct BlobStoreConformance: Sendable {
    /// Sizes and counts for the heavier checks.
    public struct Configuration: Sendable {
        /// Bytes in the object streamed through a writer and a reader.
        public var largeObjectSize: Int = 32 << 20
        /// Concurrent tasks putting the same key.
        public var concurrentTasks: Int = 16

        /// The default configuration.
        public init() {}
    }

    /// Makes a new, empty store for one check.
    public let makeStore: @Sendable () async throws -> any BlobStore
    /// Called with each check's store when the check has finished, or `nil`.
    public let cleanUp: (@Sendable (any BlobStore) async throws -> Void)?
    /// Sizes and counts used by the checks.
    public var configuration: Configuration

    /// Creates the suite.
    ///
    /// - Parameters:
    ///   - configuration: Sizes and counts; the defaults suit local backends.
    ///   - makeStore: Returns a new, empty store; called once per check.
    ///   - cleanUp: Releases a check's store (remove its directory); optional.
    public init(
        configuration: Configuration = Configuration(),
        makeStore: @escaping @Sendable () async throws -> any BlobStore,
        cleanUp: (@Sendable (any BlobStore) async throws -> Void)? = nil
    ) {
        self.configuration = configuration
        self.makeStore = makeStore
        self.cleanUp = cleanUp
    }

    /// The names of every check, in the order ``run()`` runs them.
    public static var checkNames: [String] { BlobStoreConformance { InMemoryBlobStore() }.checks.map(\.name) }

    /// Every check, in the order ``run()`` runs them.
    public var checks: [ConformanceCheck<any BlobStore>] {
        let configuration = configuration
        return [
            ConformanceCheck(name: "putGetExistsDelete", summary: "objects round-trip, exist and are deleted") {
                try await Self.checkPutGetExistsDelete($0)
            },
            ConformanceCheck(name: "immutability", summary: "same bytes are a no-op, different bytes a conflict") {
                try await Self.checkImmutability($0)
            },
            ConformanceCheck(name: "notFound", summary: "get and openReader of an absent key throw notFound") {
                try await Self.checkNotFound($0)
            },
            ConformanceCheck(name: "listing", summary: "list is in byte order and matches whole segments") {
                try await Self.checkListing($0)
            },
            ConformanceCheck(name: "paging", summary: "paged listing gives list's keys once each, in order") {
                try await Self.checkPaging($0)
            },
            ConformanceCheck(
                name: "pagingUnderConcurrentInserts",
                summary: "paging while keys are added loses and repeats no key present throughout"
            ) {
                try await Self.checkPagingUnderConcurrentInserts($0)
            },
            ConformanceCheck(name: "unusualKeys", summary: "every valid key works: dots, spaces, Unicode, long") {
                try await Self.checkUnusualKeys($0)
            },
            ConformanceCheck(name: "emptyObject", summary: "a zero-byte object exists and reads back empty") {
                try await Self.checkEmptyObject($0)
            },
            ConformanceCheck(name: "largeStreaming", summary: "a large object streams in and out in odd chunks") {
                try await Self.checkLargeStreaming($0, size: configuration.largeObjectSize)
            },
            ConformanceCheck(name: "writerVisibility", summary: "nothing is visible before commit or after abort") {
                try await Self.checkWriterVisibility($0)
            },
            ConformanceCheck(name: "keyValidation", summary: "keys that could escape or alias are rejected") {
                try await Self.checkKeyValidation($0)
            },
            ConformanceCheck(name: "concurrentSamePuts", summary: "concurrent puts of the same bytes all succeed") {
                try await Self.checkConcurrentSamePuts($0, tasks: configuration.concurrentTasks)
            },
            ConformanceCheck(name: "concurrentConflictingPuts", summary: "of different bytes exactly one wins") {
                try await Self.checkConcurrentConflictingPuts($0, tasks: configuration.concurrentTasks)
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
    /// - Throws: ``ConformanceFailure`` if the store breaks the contract.
    public func run(_ check: ConformanceCheck<any BlobStore>) async throws {
        try await runCheck(suite: "BlobStoreConformance", check, make: makeStore, cleanUp: cleanUp)
    }

    /// Runs the check called `name`.
    ///
    /// - Throws: ``ConformanceFailure`` if the store fails it, or `MLOpsError`
    ///   `invalidArgument` if there is no such check.
    public func run(checkNamed name: String) async throws {
        try await run(try check(named: name, in: checks, suite: "BlobStoreConformance"))
    }
}
