import Foundation
import MLOps
import MLOpsTestKit
import SQLiteStorage
import Testing

// The Swift blocks of MLOpsTestKit's doc comments, verbatim (indentation aside) between the
// declarations of the context they assume; DocSnippetTests checks that they stay so. The `@Test`
// snippets run as tests here (on the in-memory stores); those that start worker processes are compiled,
// not run (MLOpsTestKitTests and StorageCrashTests run the real thing).

// Sources/MLOpsTestKit/BlobStoreConformance.swift
struct BlobStoreConformanceSnippet {
    @Test func conformance() async throws {
        try await BlobStoreConformance(makeStore: { InMemoryBlobStore() }).run()
    }
}

// Sources/MLOpsTestKit/ConformanceCheck.swift
struct ConformanceCheckSnippet {
    @Test(arguments: KeyValueStoreConformance.checkNames)
    func conformance(_ name: String) async throws {
        try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: name)
    }
}

// Sources/MLOpsTestKit/RecordStoreConformance.swift
struct RecordStoreConformanceSnippet {
    @Test(arguments: RecordStoreConformance.checkNames)
    func records(_ name: String) async throws {
        try await RecordStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: name)
    }
}

// Sources/MLOpsTestKit/KeyValueStoreConformance.swift
struct KeyValueStoreConformanceSnippet {
    @Test func conformance() async throws {
        try await KeyValueStoreConformance(makeStore: { InMemoryKeyValueStore() }).run()
    }
}

enum MLOpsTestKitSnippets {
    // Sources/MLOpsTestKit/ConformanceFailure.swift (compiled; the suite runs in ConformanceCheckSnippet)
    static func conformanceFailure() async throws {
        do {
            try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run()
        } catch let failure as ConformanceFailure {
            print(failure.check, failure.message)
        }
    }

    // Sources/MLOpsTestKit/CrashLoop.swift (compiled, not run)
    static func crashLoop(exe: String, dir: String) async throws -> CrashLoop.Report {
        let report = try await CrashLoop(workerExecutable: exe).run(
            keyValuePath: dir + "/metadata.sqlite", blobRoot: dir + "/objects",
            openKeyValueStore: { try SQLiteKeyValueStore(path: $0) }, openBlobStore: { try FileBlobStore(root: $0) })
        return report
    }

    // Sources/MLOpsTestKit/FaultPlan.swift
    static func faultPlan() -> FaultyKeyValueStore {
        let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(3))
        // the third commit throws MLOpsError(.injectedFault, …) and changes nothing
        return store
    }

    // Sources/MLOpsTestKit/FaultyBlobStore.swift
    static func faultyBlobStore(dir: String, key: BlobKey, bytes: [UInt8]) async throws -> Bool {
        let blobs = FaultyBlobStore(wrapping: try FileBlobStore(root: dir), plan: .tearNthBlobWrite(1))
        try? await blobs.put(key, data: bytes)  // throws injectedFault
        let visible = try await blobs.base.exists(key)  // false: nothing partial is visible
        return visible
    }

    // Sources/MLOpsTestKit/FaultyKeyValueStore.swift
    static func faultyKeyValueStore() async throws -> (FaultyKeyValueStore, ExperimentTracker) {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failWrites(after: 10))
        let tracker = ExperimentTracker(metadata: faulty, artifacts: InMemoryBlobStore())
        // … the 11th commit onwards throws MLOpsError(.injectedFault, …)
        return (faulty, tracker)
    }

    // Sources/MLOpsTestKit/KeyValueStoreConformance+MultiProcess.swift (compiled, not run)
    static func multiProcess(dir: String) async throws {
        try await KeyValueStoreConformance.multiProcessCounter(
            workerExecutable: try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker"),
            storePath: dir + "/store.sqlite",
            openStore: { try SQLiteKeyValueStore(path: $0) })
    }

    // Sources/MLOpsTestKit/RecordingKeyValueStore.swift
    static func recordingKeyValueStore() async throws {
        let store = RecordingKeyValueStore(wrapping: InMemoryKeyValueStore())
        let records = try await RecordStore.open(try RecordNamespace("catalog", owner: "MyApp"), on: store)
        store.reset()
        try await records.insert(DatasetRecord(id: "d1", name: "churn"))
        #expect(store.counts.commits == 1)  // the record and its index entry in one transaction
        #expect(store.writtenKeys.count == 2)
    }

    // Sources/MLOpsTestKit/StorageWorker.swift (a worker's main.swift: compiled, not run)
    static func storageWorker() async {
        // Sources/MyStorageWorker/main.swift
        await StorageWorker.main(
            arguments: Array(CommandLine.arguments.dropFirst()),
            openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
            openBlobStore: { try FileBlobStore(root: $0) })
    }

    // Sources/MLOpsTestKit/WorkerProcess.swift (compiled, not run)
    static func workerProcess(dbPath: String, dir: String) async throws -> (WorkerProcess.Termination, [String]) {
        let exe = try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker")
        let worker = try WorkerProcess.start(
            executable: exe, arguments: ["kv-append", dbPath, "0"], outputFile: dir + "/w0.out")
        try await Task.sleep(for: .milliseconds(50))
        worker.kill()
        let termination = await worker.waitForExit()  // .signalled(SIGKILL)
        let acknowledged = worker.outputLines()  // ["1", "2", …]
        return (termination, acknowledged)
    }
}

@Suite struct MLOpsTestKitSnippetTests {
    @Test func faultsAndRecording() async throws {
        try await MLOpsTestKitSnippets.recordingKeyValueStore()
        let store = MLOpsTestKitSnippets.faultPlan()
        var transaction = KeyValueTransaction()
        transaction.put(Array("a".utf8), Array("1".utf8))
        for _ in 1...2 { try await store.commit(transaction) }
        await #expect(throws: MLOpsError.self) { try await store.commit(transaction) }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snippets-\(SortableID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try await !MLOpsTestKitSnippets.faultyBlobStore(dir: dir, key: BlobKey("a/b"), bytes: [1, 2, 3]))

        let (faulty, tracker) = try await MLOpsTestKitSnippets.faultyKeyValueStore()
        await #expect(throws: MLOpsError.self) {
            for step in 0..<100 {
                try await tracker.withRun(experiment: "e") { run in
                    try await run.log(metric: "m", value: 1, step: Int64(step))
                }
            }
        }
        #expect(faulty.injectedFaultCount > 0)
        try? await tracker.close()
    }
}
