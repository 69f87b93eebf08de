import Foundation
import MLOps
import Testing

// CRC32C, TFRecord and TensorBoardEvent are internal: their doc snippets are for maintainers.
@testable import ExperimentTracking

// The Swift blocks of ExperimentTracking's doc comments, verbatim (indentation aside) between the
// declarations of the context they assume; DocSnippetTests checks that they stay so.
enum ExperimentTrackingSnippets {
    // Sources/ExperimentTracking/ExperimentTracker.swift
    static func tracker(workspace: Workspace) async throws -> Run? {
        let tracker = ExperimentTracker(metadata: workspace.metadata, artifacts: workspace.objects)
        try await tracker.withRun(experiment: "churn", name: "baseline") { run in
            try await run.log(params: ["lr": "0.01", "depth": "6"])
            for epoch in 0..<100 {
                try await run.log(metric: "loss", value: 1.0 / Double(epoch + 1), step: Int64(epoch))
            }
        }
        let best = try await tracker.bestRun(experimentIDs: [], metric: "loss", goal: .minimize)
        try await tracker.close()
        return best
    }

    // Sources/ExperimentTracking/ExperimentTracker+Search.swift
    static func search(tracker: ExperimentTracker) async throws -> RunPage {
        let page = try await tracker.searchRuns(
            experimentIDs: ["1"], filter: "metrics.acc > 0.9 AND params.optimizer = 'adam'",
            orderBy: ["metrics.acc DESC"])
        return page
    }

    // Sources/ExperimentTracking/Export/CRC32C.swift
    static func crc32c(header: [UInt8], part1: [UInt8], part2: [UInt8]) -> UInt32 {
        var crc = CRC32C.checksum(header)  // one call…
        crc = CRC32C.update(CRC32C.checksum(part1), part2)  // …or in parts
        let stored = CRC32C.masked(crc)  // as TFRecord stores it
        return stored
    }

    // Sources/ExperimentTracking/Export/ExportSelection.swift
    static func exportSelection(a: String, b: String) -> [ExportSelection] {
        let everything = ExportSelection()  // deleted records included
        let churn = ExportSelection(experimentNames: ["churn"], viewType: .activeOnly)  // one experiment's active runs
        let pair = ExportSelection(runIDs: [a, b])  // two runs, whatever their state
        return [everything, churn, pair]
    }

    // Sources/ExperimentTracking/Export/TensorBoardEvent.swift
    static func tensorBoardEvent() -> [UInt8] {
        var file: [UInt8] = []
        TFRecord.append(TensorBoardEvent.fileVersion(wallTime: 1.7e9).encoded(), to: &file)
        let event = TensorBoardEvent(wallTime: 1.7e9, step: 3, scalars: [.init(tag: "loss", value: 0.25)])
        TFRecord.append(event.encoded(), to: &file)
        return file
    }

    // Sources/ExperimentTracking/Model/DatasetInput.swift
    static func datasetInput(run: RunHandle, versionID: String) async throws {
        try await run.logInput(
            DatasetInput(
                name: "reviews.csv", digest: "3f2a9c1e", context: "training", dataVersionID: versionID))
    }

    // Sources/ExperimentTracking/Model/RunComparison.swift
    static func runComparison(tracker: ExperimentTracker, a: String, b: String) async throws -> RunComparison {
        let comparison = try await tracker.compareRuns(ids: [a, b])
        for key in comparison.differingParamKeys { print(key, comparison.runs.map { $0.params[key] ?? "-" }) }
        return comparison
    }

    // Sources/ExperimentTracking/RunHandle.swift
    static func runHandle(tracker: ExperimentTracker) async throws -> RunHandle {
        let run = try await tracker.startRun(experiment: "mnist")
        try await run.log(params: ["lr": "0.001", "batch": "64"])
        for step in 0..<1_000 {
            let loss = 1.0 / Double(step + 1)
            try await run.log(metrics: ["loss": loss, "acc": 1 - loss], step: Int64(step))
        }
        try await run.finish()
        return run
    }

    // Sources/ExperimentTracking/Search/FilterExpression.swift
    static func filterExpression() -> FilterExpression {
        let filter = FilterField.metric("accuracy") > 0.9 && FilterField.param("optimizer") == "adam"
        print(filter.description)  // metrics.`accuracy` > 0.9 AND params.`optimizer` = 'adam'
        return filter
    }

    // Sources/ExperimentTracking/Search/RunFilter.swift
    static func runFilter(runs: [Run]) throws -> [Run] {
        let filter = try RunFilter("metrics.accuracy > 0.9 AND params.optimizer = 'adam'")
        let hits = runs.filter { filter.matches($0) }
        return hits
    }
}

@Suite struct ExperimentTrackingSnippetTests {
    @Test func trackingAndSearch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snippets-\(SortableID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = try Workspace.open(at: directory)
        let best = try await ExperimentTrackingSnippets.tracker(workspace: workspace)
        #expect(best?.latestMetric("loss") == 0.01)
        try await workspace.close()

        let tracker = try await ExperimentTracker.open(
            metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore())
        let first = try await ExperimentTrackingSnippets.runHandle(tracker: tracker)
        let second = try await tracker.startRun(experiment: "mnist")
        try await second.log(params: ["lr": "0.01", "batch": "64"])
        try await ExperimentTrackingSnippets.datasetInput(run: second, versionID: "v1")
        try await second.finish()
        let comparison = try await ExperimentTrackingSnippets.runComparison(
            tracker: tracker, a: first.runID, b: second.runID)
        #expect(comparison.differingParamKeys == ["lr"])
        let runs = try await tracker.searchRuns(filter: RunFilter.all).runs
        #expect(try ExperimentTrackingSnippets.runFilter(runs: runs).isEmpty)
        _ = try await ExperimentTrackingSnippets.search(tracker: tracker)
        #expect(ExperimentTrackingSnippets.exportSelection(a: first.runID, b: second.runID).count == 3)
        try await tracker.close()
    }

    @Test func exportHelpers() {
        let stored = ExperimentTrackingSnippets.crc32c(
            header: Array("abcdef".utf8), part1: Array("abc".utf8), part2: Array("def".utf8))
        #expect(CRC32C.unmasked(stored) == CRC32C.checksum(Array("abcdef".utf8)))
        #expect(!ExperimentTrackingSnippets.tensorBoardEvent().isEmpty)
        #expect(ExperimentTrackingSnippets.filterExpression().description.contains("accuracy"))
    }
}
