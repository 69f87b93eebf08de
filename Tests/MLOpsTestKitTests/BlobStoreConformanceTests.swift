import MLOpsCore
import MLOpsTestKit
import Synchronization
import Testing

struct BlobStoreConformanceTests {
    @Test func inMemoryStorePassesTheWholeSuite() async throws {
        try await BlobStoreConformance(makeStore: { InMemoryBlobStore() }).run()
    }

    @Test(arguments: BlobStoreConformance.checkNames)
    func inMemoryStorePassesEachCheck(_ name: String) async throws {
        var configuration = BlobStoreConformance.Configuration()
        configuration.largeObjectSize = 3 << 20 + 11
        try await BlobStoreConformance(configuration: configuration) { InMemoryBlobStore() }.run(checkNamed: name)
    }

    @Test func checkNamesAreUniqueAndCoverTheContract() {
        let names = BlobStoreConformance.checkNames
        #expect(Set(names).count == names.count)
        for required in [
            "putGetExistsDelete", "immutability", "notFound", "listing", "emptyObject", "largeStreaming",
            "writerVisibility", "keyValidation", "concurrentSamePuts", "concurrentConflictingPuts", "paging",
            "pagingUnderConcurrentInserts",
        ] {
            #expect(names.contains(required), "missing check \(required)")
        }
    }

    @Test func unknownCheckNameIsAnInvalidArgument() async throws {
        let error = try await #require(throws: MLOpsError.self) {
            try await BlobStoreConformance { InMemoryBlobStore() }.run(checkNamed: "nope")
        }
        #expect(error.code == .invalidArgument)
    }

    // MARK: The suite catches broken backends

    private func failure(
        of check: String,
        _ defect: BrokenBlobStore.Defect
    ) async throws -> ConformanceFailure {
        var configuration = BlobStoreConformance.Configuration()
        configuration.largeObjectSize = 1 << 20
        let suite = BlobStoreConformance(configuration: configuration) { BrokenBlobStore(defect) }
        let failure = try await #require(throws: ConformanceFailure.self, "\(check) passed a broken store") {
            try await suite.run(checkNamed: check)
        }
        #expect(failure.check == check)
        #expect(failure.suite == "BlobStoreConformance")
        return failure
    }

    @Test func overwritingStoreFailsImmutability() async throws {
        _ = try await failure(of: "immutability", .overwrites)
        _ = try await failure(of: "concurrentConflictingPuts", .overwrites)
    }

    @Test func unsortedListingFailsListing() async throws {
        let failure = try await failure(of: "listing", .unsortedList)
        #expect(failure.message.contains("list(prefix:"))
    }

    @Test func textPrefixListingFailsSegmentSemantics() async throws {
        let failure = try await failure(of: "listing", .textPrefixList)
        #expect(failure.message.contains("runs"))
    }

    @Test func eagerWriterFailsVisibility() async throws {
        _ = try await failure(of: "writerVisibility", .eagerWriter)
        _ = try await failure(of: "largeStreaming", .eagerWriter)
    }

    @Test func pagesThatRepeatTheCursorFailPaging() async throws {
        let paging = try await failure(of: "paging", .repeatingPages)
        #expect(paging.message.contains("list(prefix:"))
        _ = try await failure(of: "pagingUnderConcurrentInserts", .repeatingPages)
    }

    @Test func pagesThatSkipAKeyFailPaging() async throws {
        _ = try await failure(of: "paging", .skippingPages)
    }

    @Test func faultyBlobStoreForwardsPagesAndFailsThemByPlan() async throws {
        let base = InMemoryBlobStore()
        for index in 0..<5 { try await base.put(try BlobKey("k/\(index)"), data: [UInt8(index)]) }
        let store = FaultyBlobStore(wrapping: base)
        let page = try await store.list(prefix: "k", after: try BlobKey("k/1"), limit: 2)
        #expect(page.keys.map(\.rawValue) == ["k/2", "k/3"])
        #expect(page.next?.rawValue == "k/3")
        store.setPlan(FaultPlan(rules: [.init(operations: .list, trigger: .always, effect: .fail)]))
        let error = try await #require(throws: MLOpsError.self) {
            _ = try await store.list(prefix: "k", after: nil, limit: 2)
        }
        #expect(error.code == .injectedFault)
    }

    @Test func wrongErrorCodeFailsNotFound() async throws {
        _ = try await failure(of: "notFound", .wrongMissingError)
    }

    @Test func oversizedReadsFailStreaming() async throws {
        let failure = try await failure(of: "largeStreaming", .oversizedReads)
        #expect(failure.message.contains("read(upTo:"))
    }
}

/// An in-memory blob store with one deliberate contract violation.
final class BrokenBlobStore: BlobStore {
    enum Defect {
        case overwrites
        case unsortedList
        case textPrefixList
        case eagerWriter
        case wrongMissingError
        case oversizedReads
        case repeatingPages
        case skippingPages
    }

    let defect: Defect
    let base = InMemoryBlobStore()
    let objects = Mutex<[BlobKey: [UInt8]]>([:])

    init(_ defect: Defect) { self.defect = defect }

    func put(_ key: BlobKey, data: [UInt8]) async throws {
        if defect == .overwrites {
            objects.withLock { $0[key] = data }
            return
        }
        try await base.put(key, data: data)
    }

    func get(_ key: BlobKey) async throws -> [UInt8] {
        if defect == .overwrites, let data = objects.withLock({ $0[key] }) { return data }
        do {
            return try await base.get(key)
        } catch let error as MLOpsError where defect == .wrongMissingError {
            throw MLOpsError(.ioError, "missing", value: error.value)
        }
    }

    func exists(_ key: BlobKey) async throws -> Bool {
        if defect == .overwrites { return objects.withLock { $0[key] != nil } }
        return try await base.exists(key)
    }

    func list(prefix: String) async throws -> [BlobKey] {
        switch defect {
        case .unsortedList: return try await base.list(prefix: prefix).reversed()
        case .textPrefixList:
            try BlobKey.validatePrefix(prefix)
            return try await base.list(prefix: "").filter { $0.rawValue.hasPrefix(prefix) }
        case .overwrites:
            return objects.withLock { $0.keys.filter { $0.hasSegmentPrefix(prefix) } }.sorted()
        default: return try await base.list(prefix: prefix)
        }
    }

    func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage {
        guard defect == .repeatingPages || defect == .skippingPages else {
            return try await base.list(prefix: prefix, after: cursor, limit: limit)
        }
        let keys = try await base.list(prefix: prefix)
        // Repeating: starts at the cursor instead of after it. Skipping: starts one key after it.
        var start = cursor.map { cursor in keys.firstIndex { $0 >= cursor } ?? keys.endIndex } ?? 0
        if defect == .skippingPages, cursor != nil { start = Swift.min(keys.endIndex, start + 2) }
        let page = Array(keys[start...].prefix(limit))
        return BlobListPage(keys: page, next: start + page.count < keys.count ? page.last : nil)
    }

    func delete(_ key: BlobKey) async throws {
        _ = objects.withLock { $0.removeValue(forKey: key) }
        try await base.delete(key)
    }

    func openReader(_ key: BlobKey) async throws -> any BlobReader {
        let bytes = try await get(key)
        if defect == .oversizedReads { return OversizedReader(bytes: bytes) }
        return BufferedBlobReader(bytes: bytes)
    }

    func openWriter(_ key: BlobKey) async throws -> any BlobWriter {
        if defect == .eagerWriter { return EagerWriter(key: key, store: base) }
        return BufferedBlobWriter(key: key, store: self)
    }

    /// Makes the object visible with its first chunk, then replaces it as chunks arrive.
    final class EagerWriter: BlobWriter {
        let key: BlobKey
        let store: InMemoryBlobStore
        let written = Mutex<[UInt8]>([])

        init(key: BlobKey, store: InMemoryBlobStore) {
            self.key = key
            self.store = store
        }

        func write(_ bytes: [UInt8]) async throws {
            let all = written.withLock {
                $0 += bytes
                return $0
            }
            try? await store.delete(key)
            try await store.put(key, data: all)
        }

        func commit() async throws {
            let all = written.withLock { $0 }
            try await store.put(key, data: all)
        }

        func abort() async throws {}
    }

    /// Returns twice the bytes asked for.
    final class OversizedReader: BlobReader {
        let inner: BufferedBlobReader
        init(bytes: [UInt8]) { inner = BufferedBlobReader(bytes: bytes) }
        var size: Int { inner.size }
        func read(upTo maxLength: Int) async throws -> [UInt8] { try await inner.read(upTo: maxLength * 2) }
        func close() async throws { try await inner.close() }
    }
}
