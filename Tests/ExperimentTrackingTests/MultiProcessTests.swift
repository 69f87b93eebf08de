import ExperimentTracking
import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

/// Two processes log into one SQLite workspace — the same run and runs of their own — and nothing is lost.
@Suite(.serialized) struct MultiProcessTests {
    @Test func twoProcessesLogIntoOneSQLiteWorkspace() async throws {
        let scratch = try TrackingScratch()
        let database = scratch.path + "/metadata.sqlite"
        let objects = scratch.path + "/objects"
        let tracker = ExperimentTracker(
            metadata: try SQLiteKeyValueStore(path: database), artifacts: try FileBlobStore(root: objects),
            options: .init(captureEnvironment: false))
        let shared = try await tracker.startRun(experiment: "multi", name: "shared")
        try await shared.flush()

        let executable = try WorkerProcess.locateExecutable(
            named: "ExperimentTrackingWorker", environmentVariable: "MLOPS_TRACKING_WORKER")
        let points = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 20_000 : 3_000
        let workers = try (0..<2).map { worker in
            try WorkerProcess.start(
                executable: executable,
                arguments: ["log-shared", database, objects, shared.runID, String(worker), String(points)],
                outputFile: scratch.path + "/worker\(worker).out")
        }
        // Log from this process too, meanwhile.
        for step in 0..<500 { try await shared.log(metric: "parent", value: Double(step), step: Int64(step)) }
        for worker in workers {
            #expect(await worker.waitForExit() == .exited(0), "\(worker.errorOutput())")
            #expect(worker.outputLines() == ["done"])
        }
        try await shared.finish()

        let run = try await tracker.run(id: shared.runID)
        #expect(run.params == ["worker0": "0", "worker1": "1"])
        #expect(run.tags["worker0.state"] == "logging")
        #expect(run.tags["worker1.state"] == "logging")
        #expect(run.info.status == .finished)
        for worker in 0..<2 {
            let history = try await tracker.metricHistory(runID: shared.runID, key: "w\(worker)")
            #expect(history.map(\.step) == (0..<Int64(points)).map { $0 })
            #expect(run.metrics["w\(worker)"]?.step == Int64(points - 1))
        }
        let sharedHistory = try await tracker.metricHistory(runID: shared.runID, key: "shared")
        #expect(sharedHistory.map(\.step) == (0..<Int64(2 * points)).map { $0 })
        #expect(run.metrics["shared"]?.value == 1)
        #expect(try await tracker.metricHistory(runID: shared.runID, key: "parent").count == 500)

        let own = try await tracker.searchRuns(filter: "attributes.run_name LIKE 'proc-%'", orderBy: ["run_name"])
        #expect(own.runs.map(\.info.runName) == ["proc-0", "proc-1"])
        for child in own.runs {
            #expect(child.info.status == .finished)
            #expect(try await tracker.metricHistory(runID: child.id, key: "loss").count == points)
        }
        #expect(try SQLiteKeyValueStore(path: database).checkIntegrity() == [])
    }
}
