import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

/// Several processes on one SQLite file and one FileBlobStore, killed with SIGKILL at
/// random moments: nothing acknowledged is lost, nothing partial is visible.
///
/// The worker is the `MLOpsStorageWorker` executable, found beside the test binary.
/// `MLOPS_LONG_TESTS=1` runs 120 kill rounds with more processes instead of 10.
@Suite(.serialized)
struct StorageCrashTests {
    static let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"

    private func worker() throws -> String { try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker") }

    @Test func fourProcessesCountExactlyOnOneSQLiteFile() async throws {
        let directory = try ScratchDirectory()
        let path = directory.path + "/counter.sqlite"
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await KeyValueStoreConformance.multiProcessCounter(
                workerExecutable: try worker(), storePath: path, processes: 4, increments: Self.long ? 500 : 60,
                openStore: { try SQLiteKeyValueStore(path: $0) })
        }
        let store = try SQLiteKeyValueStore(path: path)
        #expect(try store.checkIntegrity() == [])
        print("multi-process counter: 4 processes in \(elapsed)")
    }

    @Test func sigkillLoopLosesNothingAcknowledgedAndExposesNothingPartial() async throws {
        let directory = try ScratchDirectory()
        let kvPath = directory.path + "/metadata.sqlite"
        let blobRoot = directory.path + "/objects"
        var configuration = CrashLoop.Configuration()
        configuration.rounds = Self.long ? 120 : 10
        configuration.keyValueWorkers = Self.long ? 3 : 2
        configuration.blobWorkers = Self.long ? 2 : 1
        configuration.killAfterMilliseconds = 20...200
        configuration.seed = 20_241_123
        configuration.verifyEvery = Self.long ? 10 : 1
        let clock = ContinuousClock()
        var report = CrashLoop.Report()
        let elapsed = try await clock.measure {
            report = try await CrashLoop(workerExecutable: try worker(), configuration: configuration).run(
                keyValuePath: kvPath, blobRoot: blobRoot,
                openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
                openBlobStore: { try FileBlobStore(root: $0) })
        }
        print("SIGKILL loop: \(report) in \(elapsed)")
        #expect(report.rounds == configuration.rounds)
        #expect(report.kills > 0)
        // The loop must have done real work, or it proves nothing.
        #expect(report.keyValueStored.values.reduce(0, +) > 0)
        #expect(report.blobStored.values.reduce(0, +) > 0)
        for (worker, acknowledged) in report.keyValueAcknowledged {
            #expect(acknowledged <= report.keyValueStored[worker] ?? 0)
        }
        let store = try SQLiteKeyValueStore(path: kvPath)
        #expect(try store.checkIntegrity() == [])
        // The store is still writable after all the kills.
        try await AppendLog.appendKeyValue(
            store, worker: 0, sequence: try await AppendLog.nextKeyValueSequence(store, worker: 0))
    }

    /// Several processes open one store with the same migrations at the same moment: each
    /// migration runs exactly once (the second one increments a counter).
    @Test func migrationsRunOnceUnderConcurrentOpensFromManyProcesses() async throws {
        for round in 0..<(Self.long ? 6 : 2) {
            let directory = try ScratchDirectory()
            let path = directory.path + "/records.sqlite"
            let workers = try (0..<4).map { index in
                try WorkerProcess.start(
                    executable: try worker(), arguments: ["records-migrate", path],
                    outputFile: directory.path + "/migrate-\(index).out")
            }
            for process in workers {
                #expect(await process.waitForExit() == .exited(0), "round \(round): \(process.errorOutput())")
                #expect(process.outputLines() == ["migrated"])
            }
            let store = try SQLiteKeyValueStore(path: path)
            let records = try await RecordStore.open(
                try StorageWorker.recordsNamespace(), on: store, migrations: StorageWorker.recordMigrations)
            #expect(try await records.get(WorkerRecord.self, id: "counter")?.record.count == 1)
            #expect(try await records.appliedMigrations() == ["create counter", "increment counter"])
        }
    }

    /// Processes churning indexed records are SIGKILLed at random moments: afterwards every
    /// index entry matches a record and every record has its index entries.
    @Test func sigkillMidCommitNeverSplitsRecordsFromIndexes() async throws {
        let directory = try ScratchDirectory()
        let path = directory.path + "/records.sqlite"
        var random = SeededRandom(seed: 20_261_207)
        var acknowledged = 0
        for round in 0..<(Self.long ? 40 : 6) {
            let workers = try (0..<2).map { index in
                try WorkerProcess.start(
                    executable: try worker(), arguments: ["records-churn", path, String(index)],
                    outputFile: directory.path + "/churn-\(round)-\(index).out")
            }
            try await Task.sleep(for: .milliseconds(Int(50 + random.next() % 250)))
            for process in workers { process.kill() }
            for process in workers {
                _ = await process.waitForExit()
                acknowledged += process.outputLines().count
            }
            let store = try SQLiteKeyValueStore(path: path)
            var report = StoreCheckReport(component: "records")
            try await RecordStore(checking: try StorageWorker.recordsNamespace(), on: store)
                .check(WorkerRecord.self, into: &report)
            #expect(report.problems == [], "round \(round)")
            #expect(try store.checkIntegrity() == [])
            store.close()
        }
        // The loop must have done real work, or it proves nothing.
        #expect(acknowledged > 0)
    }

    @Test func workerAppendsACountAndExits() async throws {
        let directory = try ScratchDirectory()
        let kv = try WorkerProcess.start(
            executable: try worker(), arguments: ["kv-append", directory.path + "/kv.sqlite", "7", "5"],
            outputFile: directory.path + "/kv.out")
        let blobs = try WorkerProcess.start(
            executable: try worker(), arguments: ["blob-append", directory.path + "/objects", "3", "4"],
            outputFile: directory.path + "/blob.out")
        #expect(await kv.waitForExit() == .exited(0), "\(kv.errorOutput())")
        #expect(await blobs.waitForExit() == .exited(0), "\(blobs.errorOutput())")
        #expect(kv.outputLines() == ["1", "2", "3", "4", "5"])
        #expect(blobs.outputLines() == ["1", "2", "3", "4"])
        let store = try SQLiteKeyValueStore(path: directory.path + "/kv.sqlite")
        #expect(
            try await AppendLog.verifyKeyValueLog(store, workers: [7], acknowledged: [7: [1, 2, 3, 4, 5]]) == [7: 5])
        let blobStore = try FileBlobStore(root: directory.path + "/objects")
        #expect(try await AppendLog.verifyBlobLog(blobStore, workers: [3], acknowledged: [3: [1, 2, 3, 4]]) == [3: 4])

        // A second run continues after the stored records.
        let again = try WorkerProcess.start(
            executable: try worker(), arguments: ["kv-append", directory.path + "/kv.sqlite", "7", "2"],
            outputFile: directory.path + "/kv2.out")
        #expect(await again.waitForExit() == .exited(0))
        #expect(again.outputLines() == ["6", "7"])
    }

    @Test func workerRejectsBadArguments() async throws {
        let directory = try ScratchDirectory()
        for arguments in [
            [], ["frobnicate", "x", "1"], ["kv-counter", directory.path + "/c.sqlite", "-3"], ["kv-append"],
        ] {
            let process = try WorkerProcess.start(
                executable: try worker(), arguments: arguments, outputFile: directory.path + "/bad.out")
            #expect(await process.waitForExit() == .exited(1), "arguments \(arguments)")
            #expect(process.outputLines().isEmpty)
            #expect(process.errorOutput().contains("invalid_argument"), "arguments \(arguments)")
        }
    }

    @Test func killedWorkerReportsTheSignal() async throws {
        let directory = try ScratchDirectory()
        let process = try WorkerProcess.start(
            executable: try worker(), arguments: ["kv-append", directory.path + "/k.sqlite", "0"],
            outputFile: directory.path + "/k.out")
        try await Task.sleep(for: .milliseconds(300))
        #expect(process.termination == nil)
        process.kill()
        #expect(await process.waitForExit() == .signalled(SIGKILL))
        process.kill()  // a second kill of an ended process does nothing
        let acknowledged = process.outputLines().compactMap(Int.init)
        let store = try SQLiteKeyValueStore(path: directory.path + "/k.sqlite")
        let stored = try await AppendLog.verifyKeyValueLog(store, workers: [0], acknowledged: [0: acknowledged])
        #expect(acknowledged == Array(1..<(acknowledged.count + 1)))
        #expect((stored[0] ?? 0) >= acknowledged.count)
    }

    @Test func missingWorkerIsNotFound() throws {
        let error = try #require(throws: MLOpsError.self) {
            try WorkerProcess.locateExecutable(named: "NoSuchWorker-\(UInt64.random(in: 0...UInt64.max))")
        }
        #expect(error.code == .notFound)
    }
}

/// A temporary directory removed when the value is released.
final class ScratchDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("mlops-crash-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
