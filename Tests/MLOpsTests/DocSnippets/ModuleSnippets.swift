import Foundation
import MLOps
import Testing

// The Swift blocks of the doc comments of DataVersioning, Deployment, MLOps, Monitoring, SQLiteStorage
// and Training, verbatim (indentation aside) between the declarations of the context they assume;
// DocSnippetTests checks that they stay so. Those that open files at the paths they name are compiled,
// not run.
enum ModuleSnippets {
    // Sources/DataVersioning/ContentAddressedStore.swift
    static func contentAddressedStore(workspace: Workspace) async throws -> [UInt8] {
        let objects = ContentAddressedStore(blobs: workspace.objects)
        let digest = try await objects.put(Array("id,label\n1,0\n".utf8))
        let bytes = try await objects.get(digest)
        return bytes
    }

    // Sources/Deployment/TrafficSplit.swift
    static func trafficSplit() throws -> String {
        let split = try TrafficSplit(["stable": 0.9, "canary": 0.1])
        let variant = split.route("user-42")
        return variant
    }

    // Sources/MLOps/Workspace+Modules.swift
    static func workspaceTracking(workspace: Workspace) async throws {
        let tracker = try await workspace.tracking
        try await tracker.withRun(experiment: "churn") { run in
            try await run.log(metric: "auc", value: 0.91)
        }
    }

    // Sources/MLOps/Workspace.swift (opens .mlops in the working directory: compiled, not run)
    static func workspace() async throws -> (Workspace, Workspace) {
        let workspace = try Workspace.open(at: ".mlops")
        try await workspace.metadata.put(Array("hello".utf8), Array("world".utf8))

        // A command that only reads fails on a mistyped path instead of creating a workspace:
        let existing = try Workspace.open(at: ".mlops", mode: .readOnly)
        return (workspace, existing)
    }

    // Sources/Monitoring/RunningStatistics.swift
    static func runningStatistics(batch: [Double]) -> RunningStatistics {
        var stats = RunningStatistics()
        for x in batch { stats.add(x) }
        print(stats.mean, stats.standardDeviation)
        return stats
    }

    // Sources/SQLiteStorage/SQLiteKeyValueStore+Options.swift (compiled, not run)
    static func sqliteOptions() throws -> SQLiteKeyValueStore {
        var options = SQLiteKeyValueStore.Options()
        options.synchronous = .normal  // faster commits; see ``Synchronous``
        let store = try SQLiteKeyValueStore(path: "state/metadata.sqlite", options: options)
        return store
    }

    // Sources/SQLiteStorage/SQLiteKeyValueStore.swift (compiled, not run)
    static func sqliteStore(counter: [UInt8]) async throws {
        let store = try SQLiteKeyValueStore(path: "workspace/metadata.sqlite")
        try await store.transaction { tx in
            let n = try await tx.get(counter).map { Int($0.value[0]) } ?? 0
            tx.put(counter, [UInt8(n + 1)])
        }
    }

    // Sources/Training/TrainTestSplit.swift
    static func trainTestSplit(table: Table) throws -> (Table, Table) {
        let split = try TrainTestSplit(rowCount: table.rowCount, testFraction: 0.2, seed: 42)
        let train = try table.rows(split.train)
        let test = try table.rows(split.test)
        return (train, test)
    }
}

@Suite struct ModuleSnippetTests {
    @Test func workspaceStores() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snippets-\(SortableID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = try Workspace.open(at: directory)
        #expect(try await ModuleSnippets.contentAddressedStore(workspace: workspace) == Array("id,label\n1,0\n".utf8))
        try await ModuleSnippets.workspaceTracking(workspace: workspace)
        let runs = try await workspace.tracking.searchRuns(filter: RunFilter.all).runs
        #expect(runs.map { $0.latestMetric("auc") } == [0.91])
        try await workspace.close()
    }

    @Test func valuesAndTables() throws {
        #expect(try ModuleSnippets.trafficSplit() == ModuleSnippets.trafficSplit())
        let stats = ModuleSnippets.runningStatistics(batch: [1, 2, 3])
        #expect(stats.mean == 2)
        let table = try Table(columns: [.int("id", Array(0..<10))])
        let (train, test) = try ModuleSnippets.trainTestSplit(table: table)
        #expect(train.rowCount == 8 && test.rowCount == 2)
    }
}
