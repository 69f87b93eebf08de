import ExperimentTracking
import MLOpsCore
import MLOpsTestKit
import Testing

@Suite struct TrackerCheckTests {
    /// A tracker with one experiment, two runs with params, metrics and artifacts.
    static func populated() async throws -> (ExperimentTracker, InMemoryKeyValueStore, InMemoryBlobStore, String) {
        let metadata = InMemoryKeyValueStore()
        let objects = InMemoryBlobStore()
        let tracker = try await ExperimentTracker.open(
            metadata: metadata, artifacts: objects, options: .init(captureEnvironment: true))
        var firstRunID = ""
        for index in 0..<2 {
            try await tracker.withRun(experiment: "check", name: "run \(index)") { run in
                if index == 0 { firstRunID = run.runID }
                try await run.log(params: ["lr": "0.1"])
                for step in 0..<20 { try await run.log(metric: "loss", value: Double(step), step: Int64(step)) }
                try await run.logArtifact(path: "model/weights.bin", data: Array(repeating: UInt8(index), count: 100))
            }
        }
        try await tracker.flush()
        return (tracker, metadata, objects, firstRunID)
    }

    static func problems(_ tracker: ExperimentTracker) async throws -> String {
        try await tracker.check().problems.map(\.description).joined(separator: "\n")
    }

    @Test func aSoundStoreHasNoProblemsAndEveryArtifactIsVerified() async throws {
        let (tracker, _, _, _) = try await Self.populated()
        let report = try await tracker.check()
        #expect(report.problems == [])
        #expect(report.objectsVerified == 2)
        #expect(report.recordsChecked >= 6)
    }

    @Test func aTamperedArtifactIsFound() async throws {
        let (tracker, metadata, _, runID) = try await Self.populated()
        // Same key, other bytes: replace the blob behind the store's back.
        let objects = InMemoryBlobStore()
        let copy = ExperimentTracker(metadata: metadata, artifacts: objects)
        try await objects.put(
            BlobKey("runs/\(runID)/artifacts/model/weights.bin"), data: Array(repeating: 9, count: 100))
        let text = try await Self.problems(copy)
        #expect(text.contains("do not match the SHA-256 recorded"), "\(text)")
        // The other run's artifact is missing from this blob store altogether.
        #expect(text.contains("cannot be read"), "\(text)")
        _ = tracker
    }

    @Test func anArtifactWithoutARecordIsFound() async throws {
        let (tracker, _, objects, runID) = try await Self.populated()
        try await objects.put(BlobKey("runs/\(runID)/artifacts/stray.txt"), data: [1])
        #expect(try await Self.problems(tracker).contains("artifact bytes with no artifact record"))
    }

    @Test func damagedAndDanglingRecordsAreFound() async throws {
        let (tracker, metadata, _, runID) = try await Self.populated()
        // A name index entry that points at a missing experiment, a run index entry for a
        // missing run, a damaged run record and a damaged metric chunk.
        try await metadata.put(StorageKey("tracking", "exp-name", "ghost").bytes, Array("999".utf8))
        try await metadata.put(StorageKey("tracking", "run-exp", "01JNOSUCHRUN").bytes, Array("1".utf8))
        let runs = try await metadata.scan(.prefix(StorageKey("tracking", "run").bytes))
        let damagedRun = try #require(runs.first { !$0.key.isEmpty && StorageKey.describe($0.key).contains(runID) })
        try await metadata.put(damagedRun.key, [1, 2, 3])
        let chunks = try await metadata.scan(.prefix(StorageKey("tracking", "metric").bytes))
        try await metadata.put(try #require(chunks.first).key, [1, 0xFF])
        let text = try await Self.problems(tracker)
        #expect(text.contains("'ghost' points at experiment 999, which does not exist"), "\(text)")
        #expect(text.contains("names run 01JNOSUCHRUN, which does not exist"), "\(text)")
        #expect(text.contains("corrupt record at"), "\(text)")
        #expect(text.contains("corrupt metric chunk"), "\(text)")
        // The damaged run's artifact now belongs to no readable run.
        #expect(text.contains("the artifact's run \(runID) does not exist"), "\(text)")
    }

    @Test func theNamespaceIsClaimedAndAnotherOwnerIsRefused() async throws {
        let metadata = InMemoryKeyValueStore()
        _ = try await ExperimentTracker.open(metadata: metadata, artifacts: InMemoryBlobStore())
        #expect(try await RecordStore.claimedNamespaces(in: metadata) == ["tracking": "ExperimentTracking"])
        await #expect(throws: MLOpsError.conflict) {
            _ = try await RecordStore.open(try RecordNamespace("tracking", owner: "SomethingElse"), on: metadata)
        }
    }
}

@Suite struct DamagedIndexMessageTests {
    @Test func aRunMissingFromTheRunIndexIsReportedAsDamageNotAsUnknown() async throws {
        let metadata = InMemoryKeyValueStore()
        let tracker = ExperimentTracker(metadata: metadata, artifacts: InMemoryBlobStore())
        let run = try await tracker.startRun(experiment: "index")
        try await run.finish()
        try await metadata.delete(StorageKey("tracking", "run-exp", run.runID).bytes)
        let error = await #expect(throws: MLOpsError.corruptData) { _ = try await tracker.run(id: run.runID) }
        #expect(error?.message.contains("the run index") == true)
        await #expect(throws: MLOpsError.notFound) { _ = try await tracker.run(id: "01JNOSUCHRUN0000000000000") }
    }

    @Test func aNameIndexPointingNowhereIsCorruptionNotALoop() async throws {
        let metadata = InMemoryKeyValueStore()
        let tracker = ExperimentTracker(metadata: metadata, artifacts: InMemoryBlobStore())
        try await metadata.put(StorageKey("tracking", "exp-name", "ghost").bytes, Array("999".utf8))
        await #expect(throws: MLOpsError.corruptData) { _ = try await tracker.experiment(namedOrCreated: "ghost") }
        await #expect(throws: MLOpsError.corruptData) { _ = try await tracker.startRun(experiment: "ghost") }
    }

    @Test func aDamagedRunRecordNamesItsKey() async throws {
        let metadata = InMemoryKeyValueStore()
        let tracker = ExperimentTracker(metadata: metadata, artifacts: InMemoryBlobStore())
        let run = try await tracker.startRun(experiment: "damage")
        try await run.finish()
        let key = StorageKey("tracking", "run", "1", run.runID).bytes
        try await metadata.put(key, [170, 1, 2, 3])
        for body in [{ _ = try await tracker.run(id: run.runID) }, { _ = try await tracker.searchRuns() }] {
            do {
                try await body()
                Issue.record("a damaged run record was read")
            } catch let error as MLOpsError {
                #expect(error.code == .corruptData)
                #expect(error.message.hasPrefix("corrupt record at tracking\\x00run\\x001\\x00"), "\(error.message)")
            }
        }
    }
}
