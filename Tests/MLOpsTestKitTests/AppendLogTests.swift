import MLOpsCore
import MLOpsTestKit
import Testing

/// The verifiers of the crash checks must catch every kind of damage they claim to.
struct AppendLogTests {
    private func filledKeyValueStore(records: Int = 10) async throws -> InMemoryKeyValueStore {
        let store = InMemoryKeyValueStore()
        for worker in [0, 1] {
            for sequence in 1...records {
                #expect(try await AppendLog.nextKeyValueSequence(store, worker: worker) == sequence)
                try await AppendLog.appendKeyValue(store, worker: worker, sequence: sequence)
            }
        }
        return store
    }

    @Test func intactKeyValueLogVerifies() async throws {
        let store = try await filledKeyValueStore()
        let last = try await AppendLog.verifyKeyValueLog(store, workers: [0, 1], acknowledged: [0: Array(1...10)])
        #expect(last == [0: 10, 1: 10])
        #expect(
            try await AppendLog.verifyKeyValueLog(InMemoryKeyValueStore(), workers: [0], acknowledged: [:]) == [0: 0])
    }

    @Test func appendRefusesToSkipOrRepeat() async throws {
        let store = try await filledKeyValueStore(records: 3)
        let skipped = try await #require(throws: MLOpsError.self) {
            try await AppendLog.appendKeyValue(store, worker: 0, sequence: 5)
        }
        #expect(skipped.code == .invalidState)
        await #expect(throws: MLOpsError.self) { try await AppendLog.appendKeyValue(store, worker: 0, sequence: 3) }
    }

    @Test func missingRecordIsAGap() async throws {
        let store = try await filledKeyValueStore()
        try await store.delete(AppendLog.keyValueKey(worker: 1, sequence: 5))
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await AppendLog.verifyKeyValueLog(store, workers: [0, 1], acknowledged: [:])
        }
        #expect(failure.message.contains("gapless"))
    }

    @Test func wrongValueIsCaught() async throws {
        let store = try await filledKeyValueStore()
        var value = AppendLog.keyValueValue(worker: 0, sequence: 4)
        value.removeLast()
        try await store.put(AppendLog.keyValueKey(worker: 0, sequence: 4), value)
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await AppendLog.verifyKeyValueLog(store, workers: [0], acknowledged: [:])
        }
        #expect(failure.message.contains("record 4"))
    }

    @Test func headOutOfStepWithRecordsIsCaught() async throws {
        let store = try await filledKeyValueStore()
        try await store.put(AppendLog.headKey(worker: 0), TestBytes.encode(9))
        await #expect(throws: ConformanceFailure.self) {
            try await AppendLog.verifyKeyValueLog(store, workers: [0], acknowledged: [:])
        }
        // A record without its head (a torn commit) is caught too.
        try await store.put(AppendLog.headKey(worker: 0), TestBytes.encode(10))
        try await store.put(
            AppendLog.keyValueKey(worker: 0, sequence: 11), AppendLog.keyValueValue(worker: 0, sequence: 11))
        await #expect(throws: ConformanceFailure.self) {
            try await AppendLog.verifyKeyValueLog(store, workers: [0], acknowledged: [:])
        }
    }

    @Test func lostAcknowledgedRecordIsCaught() async throws {
        let store = try await filledKeyValueStore()
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await AppendLog.verifyKeyValueLog(store, workers: [0], acknowledged: [0: Array(1...11)])
        }
        #expect(failure.message.contains("acknowledged record 11"))
    }

    private func filledBlobStore(blobs: Int = 6) async throws -> InMemoryBlobStore {
        let store = InMemoryBlobStore()
        for sequence in 1...blobs {
            #expect(try await AppendLog.nextBlobSequence(store, worker: 2) == sequence)
            let key = try AppendLog.blobKey(worker: 2, sequence: sequence)
            try await store.put(key, data: AppendLog.blobBytes(for: key))
        }
        return store
    }

    @Test func intactBlobLogVerifies() async throws {
        let store = try await filledBlobStore()
        #expect(try await AppendLog.verifyBlobLog(store, workers: [2], acknowledged: [2: [1, 2, 3]]) == [2: 6])
        let sizes = try (1...200).map { AppendLog.blobBytes(for: try AppendLog.blobKey(worker: 0, sequence: $0)).count }
        #expect(sizes.max() ?? 0 > 64 << 10, "some blobs are large")
        #expect(sizes.max() ?? 0 <= 1 << 20)
    }

    @Test func partialBlobIsCaught() async throws {
        let store = try await filledBlobStore()
        let key = try AppendLog.blobKey(worker: 2, sequence: 7)
        try await store.put(key, data: Array(AppendLog.blobBytes(for: key).dropLast()))
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await AppendLog.verifyBlobLog(store, workers: [2], acknowledged: [:])
        }
        #expect(failure.message.contains("partial"))
    }

    @Test func blobGapsAndStrayObjectsAreCaught() async throws {
        let store = try await filledBlobStore()
        try await store.delete(try AppendLog.blobKey(worker: 2, sequence: 3))
        await #expect(throws: ConformanceFailure.self) {
            try await AppendLog.verifyBlobLog(store, workers: [2], acknowledged: [:])
        }
        let stray = try await filledBlobStore()
        try await stray.put(try BlobKey("tmp/upload-1"), data: [1])
        let failure = try await #require(throws: ConformanceFailure.self) {
            try await AppendLog.verifyBlobLog(stray, workers: [2], acknowledged: [:])
        }
        #expect(failure.message.contains("unexpected object"))
        await #expect(throws: ConformanceFailure.self) {
            try await AppendLog.verifyBlobLog(try await filledBlobStore(), workers: [2], acknowledged: [2: [7]])
        }
    }

    @Test func storageWorkerRunsCommandsInProcess() async throws {
        let store = InMemoryKeyValueStore()
        try await StorageWorker.run(
            arguments: ["kv-counter", "ignored", "25"], openKeyValueStore: { _ in store },
            openBlobStore: { _ in InMemoryBlobStore() })
        #expect(try await store.get(StorageWorker.counterKey).flatMap { TestBytes.decode($0.value) } == 25)
        for bad in [[], ["kv-counter"], ["nope", "x", "1"], ["kv-append", "x", "minus"]] {
            let error = try await #require(throws: MLOpsError.self, "\(bad)") {
                try await StorageWorker.run(
                    arguments: bad, openKeyValueStore: { _ in store }, openBlobStore: { _ in InMemoryBlobStore() })
            }
            #expect(error.code == .invalidArgument)
        }
    }
}
