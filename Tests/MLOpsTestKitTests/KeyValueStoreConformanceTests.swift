import MLOpsCore
import MLOpsTestKit
import Testing

struct KeyValueStoreConformanceTests {
    @Test func inMemoryStorePassesTheWholeSuite() async throws {
        try await KeyValueStoreConformance(makeStore: { InMemoryKeyValueStore() }).run()
    }

    @Test(arguments: KeyValueStoreConformance.checkNames)
    func inMemoryStorePassesEachCheck(_ name: String) async throws {
        try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: name)
    }

    @Test func checkNamesAreUniqueAndCoverTheContract() {
        let names = KeyValueStoreConformance.checkNames
        #expect(Set(names).count == names.count)
        for required in [
            "byteOrdering", "rangeScans", "paging", "casAbsent", "casVersion", "casAllOrNothing", "writeOrder",
            "readOnlyCommit", "bigValues", "manyKeys", "transactionHelper", "concurrentCounter",
            "concurrentDisjointWriters",
        ] {
            #expect(names.contains(required), "missing check \(required)")
        }
    }

    @Test func unknownCheckNameIsAnInvalidArgument() async throws {
        await #expect(throws: MLOpsError.self) {
            try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: "noSuchCheck")
        }
    }

    @Test func cleanUpSeesEveryStore() async throws {
        let made = Counter()
        let cleaned = Counter()
        try await KeyValueStoreConformance(
            configuration: .small,
            makeStore: {
                made.increment()
                return InMemoryKeyValueStore()
            },
            cleanUp: { _ in cleaned.increment() }
        ).run()
        #expect(made.value == KeyValueStoreConformance.checkNames.count)
        #expect(cleaned.value == made.value)
    }

    @Test func makeStoreFailureIsReportedWithTheCheckName() async throws {
        struct Boom: Error {}
        let suite = KeyValueStoreConformance { throw Boom() }
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await suite.run(checkNamed: "versions")
        }
        #expect(failure.check == "versions")
        #expect(failure.underlying is Boom)
    }

    // MARK: The suite catches broken backends

    /// Runs one check against a broken store and returns its failure.
    private func failure(
        of check: String,
        _ makeStore: @escaping @Sendable () -> any KeyValueStore
    ) async throws -> ConformanceFailure {
        let suite = KeyValueStoreConformance(makeStore: makeStore)
        return try await #require(throws: ConformanceFailure.self, "the check \(check) passed a broken store") {
            try await suite.run(checkNamed: check)
        }
    }

    @Test func storeIgnoringChecksFailsCAS() async throws {
        for check in ["casAbsent", "casVersion", "casAllOrNothing", "readOnlyCommit"] {
            let failure = try await failure(of: check) { BrokenKeyValueStore(.ignoresChecks) }
            #expect(failure.check == check)
            #expect(failure.suite == "KeyValueStoreConformance")
        }
    }

    @Test func storeCommittingWriteByWriteFailsAtomicity() async throws {
        _ = try await failure(of: "versions") { BrokenKeyValueStore(.commitsEachWriteSeparately) }
        _ = try await failure(of: "casAllOrNothing") { BrokenKeyValueStore(.appliesWritesBeforeChecks) }
        _ = try await failure(of: "manyKeys") { BrokenKeyValueStore(.commitsEachWriteSeparately) }
    }

    @Test func storeWithSignedOrderingFailsOrdering() async throws {
        _ = try await failure(of: "byteOrdering") { BrokenKeyValueStore(.signedOrder) }
        _ = try await failure(of: "rangeScans") { BrokenKeyValueStore(.signedOrder) }
    }

    @Test func storeIgnoringLimitsFailsScansAndPaging() async throws {
        _ = try await failure(of: "rangeScans") { BrokenKeyValueStore(.ignoresLimit) }
        _ = try await failure(of: "paging") { BrokenKeyValueStore(.ignoresLimit) }
    }

    @Test func storeLosingEmptyValuesFailsRoundTrip() async throws {
        let failure = try await failure(of: "putGetOverwriteDelete") { BrokenKeyValueStore(.emptyValueIsAbsent) }
        #expect(failure.message.contains("empty value"))
    }

    @Test func storeTruncatingValuesFailsBigValues() async throws {
        let failure = try await failure(of: "bigValues") { BrokenKeyValueStore(.truncatesValues) }
        #expect(failure.message.contains("first difference"))
    }

    @Test func storeWithoutCASLosesConcurrentIncrements() async throws {
        // Checks are ignored, so concurrent read-modify-write loses updates. Delaying each
        // commit (after the read) makes the interleaving certain.
        let failure = try await failure(of: "concurrentCounter") {
            FaultyKeyValueStore(
                wrapping: BrokenKeyValueStore(.ignoresChecks),
                plan: .delay(.milliseconds(1), operations: .commit))
        }
        #expect(failure.message.contains("lost update"))
    }

    @Test func runReportsFirstFailureAndListsTheOthers() async throws {
        let suite = KeyValueStoreConformance(configuration: .small) { BrokenKeyValueStore(.ignoresChecks) }
        let failure = try await #require(throws: ConformanceFailure.self) { try await suite.run() }
        #expect(failure.check == "emptyStore")
        #expect(failure.otherFailedChecks.contains("casAbsent"))
        #expect(failure.otherFailedChecks.contains("casAllOrNothing"))
        #expect(!failure.otherFailedChecks.contains("byteOrdering"))
        #expect(failure.description.contains("emptyStore"))
    }

    @Test func smallConfigurationStillRunsEveryCheck() async throws {
        try await KeyValueStoreConformance(configuration: .small) { InMemoryKeyValueStore() }.run()
    }
}

extension KeyValueStoreConformance.Configuration {
    /// Tiny sizes for tests about the suite itself rather than a store.
    static var small: Self {
        var configuration = Self()
        configuration.bigValueSize = 1_000
        configuration.manyKeysCount = 10
        configuration.pagingKeyCount = 5
        configuration.concurrentTasks = 2
        configuration.incrementsPerTask = 3
        return configuration
    }
}
