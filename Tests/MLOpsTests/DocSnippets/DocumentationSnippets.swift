import Foundation
import MLOps
import MLOpsTestKit
import Testing

// The Swift blocks of Documentation/*.md (Records.md has RecordsGuideTests), verbatim (indentation
// aside) between the declarations of the context they assume; DocSnippetTests checks that they stay so.

enum DocumentationSnippets {
    // Documentation/DataVersioning.md (opens .mlops and paths of the example: compiled, not run)
    static func dataVersioning() async throws -> ([DataLogEntry], ObjectID, DataDiff) {
        let workspace = try Workspace.open(at: ".mlops")
        let data = try await workspace.data

        // Stage a directory (paths are stored relative to the base directory) and commit it.
        try await data.add(["datasets/churn"], relativeTo: "/home/me/project")
        if let commit = try await data.commitStaged(message: "churn snapshot, November") {
            print(commit.id)  // sha256:…
        }

        // History, time travel and diffs.
        let history = try await data.log(from: "main", limit: 10)
        let lastWeek = try await data.resolve("main@{2026-11-30T00:00:00Z}")
        let changes = try await data.diff("main~1", "main")
        try await data.tag("v1", at: "main")

        // Materialise a version (atomically) into an empty or new directory.
        try await data.checkout("v1", into: "/tmp/churn-v1")
        return (history, lastWeek, changes)
    }

    // Documentation/ExperimentTracking.md (opens .mlops in the working directory: compiled, not run)
    static func experimentTracking() async throws -> (RunPage, Run?) {
        let workspace = try Workspace.open(at: ".mlops")
        let tracker = ExperimentTracker(metadata: workspace.metadata, artifacts: workspace.objects)

        try await tracker.withRun(experiment: "churn", name: "baseline") { run in
            try await run.log(params: ["lr": "0.01", "depth": "6"])
            try await run.logInput(DatasetInput(name: "customers.csv", digest: "3f2a9c1e", context: "training"))
            for epoch in 0..<100 {
                let loss = 1.0 / Double(epoch + 1)
                try await run.log(metrics: ["loss": loss, "auc": 0.9 - loss / 10], step: Int64(epoch))
            }
            try await run.logArtifact(path: "model/weights.bin", data: [0x00, 0x01, 0x02])
        }  // FINISHED, or FAILED with the error text if the body threw

        let page = try await tracker.searchRuns(
            filter: "metrics.auc > 0.8 AND params.depth = '6'", orderBy: ["metrics.auc DESC"])
        let best = try await tracker.bestRun(metric: "loss", goal: .minimize)
        return (page, best)
    }

    // Documentation/Exporting.md (writes mlruns/ and tb/: compiled, not run)
    static func exporting(workspace: Workspace) async throws -> String {
        let tracker = ExperimentTracker(metadata: workspace.metadata, artifacts: workspace.objects)
        try await MLflowExporter(tracker: tracker).export(to: "mlruns")
        try await TensorBoardExporter(tracker: tracker).export(
            to: "tb", selection: ExportSelection(experimentNames: ["churn"]))
        let csv = try await RunTableExporter(tracker: tracker).runsTable(format: .csv)
        return csv
    }

    // Documentation/Storage.md, "Paging"
    static func storagePaging(objects: any BlobStore) async throws {
        var cursor: BlobKey? = nil
        repeat {
            let page = try await objects.list(prefix: "runs", after: cursor, limit: 500)
            for key in page.keys { print(key) }
            cursor = page.next
        } while cursor != nil
    }
}

// Documentation/Storage.md lists KeyValueStore's requirements; the listing, declared here as a protocol
// of its own, must be met by the real in-memory store with exactly these signatures.
enum StorageListing {
    public protocol KeyValueStore: Sendable {
        func get(_ key: [UInt8]) async throws -> KeyValueEntry?
        func scan(_ request: KeyScan) async throws -> [KeyValueEntry]
        func commit(_ transaction: KeyValueTransaction) async throws -> UInt64
        // Default: built on scan(_:). Lends each entry's bytes to `body` without copies;
        // `body` returns false to stop.
        func scan(_ request: KeyScan, visiting body: (BorrowedKeyValueEntry) throws -> Bool) async throws
    }
}

extension InMemoryKeyValueStore: StorageListing.KeyValueStore {}

// Documentation/Storage.md, "Writing a backend"
struct StorageGuideConformance {
    @Test func conformance() async throws {
        try await KeyValueStoreConformance(makeStore: { InMemoryKeyValueStore() }).run()  // your store here
    }
}

@Suite struct DocumentationSnippetTests {
    @Test func paging() async throws {
        let objects = InMemoryBlobStore()
        for index in 0..<3 { try await objects.put("runs/\(index)", data: [UInt8(index)]) }
        try await DocumentationSnippets.storagePaging(objects: objects)
    }
}
