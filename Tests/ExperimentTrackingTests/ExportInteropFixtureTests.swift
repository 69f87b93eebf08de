import ExperimentTracking
import Foundation
import MLOpsCore
import SQLiteStorage
import Testing

/// Writes the runs that `Tests/Interop/run_interop_checks.sh` exports and reads
/// back with MLflow's and TensorBoard's own readers: every edge the exporters
/// handle (NaN and ±infinity, keys with `/`, Unicode, multi-line values,
/// nested, failed, killed, running and deleted runs, a deleted experiment,
/// artifacts, repeated steps, dataset inputs shared between runs, repeated in
/// one run, with and without context, source and data version, in a deleted
/// experiment; numeric, boolean and text params for TensorBoard's hparams).
/// Runs only when `MLOPS_INTEROP_WORKSPACE` names
/// the workspace directory to write into; the script then compares what the
/// tools read against the workspace's own JSON export.
@Suite struct ExportInteropFixtureTests {
    static let workspace = ProcessInfo.processInfo.environment["MLOPS_INTEROP_WORKSPACE"]

    @Test(.enabled(if: workspace != nil, "set MLOPS_INTEROP_WORKSPACE to write the interop fixture"))
    func writeInteropWorkspace() async throws {
        let directory = try #require(Self.workspace)
        try FileManager.default.createDirectory(atPath: directory + "/objects", withIntermediateDirectories: true)
        let metadata = try SQLiteKeyValueStore(path: directory + "/metadata.sqlite")
        let blobs = try FileBlobStore(root: directory + "/objects")
        let tracker = ExperimentTracker(
            metadata: metadata, artifacts: blobs, options: .init(captureEnvironment: true, user: "interop"))
        var random = SeededRandom(seed: 20_240_611)

        let name = "interop: edge cases"
        let experiment = try await tracker.createExperiment(name: name)
        try await tracker.setExperimentTag(id: experiment.id, key: "owner", value: "swift-mlops CI")
        try await tracker.setExperimentTag(id: experiment.id, key: "team/area", value: "métriques ✓")

        let parent = try await tracker.startRun(
            experiment: name, name: "résumé ✓ baseline", tags: ["purpose": "multi\nline: value", "quote": "it's \"x\""])
        try await parent.log(params: [
            "learning_rate": "0.001", "optimizer/name": "adam", "layers": "[64, 32]", "empty": "",
            "long": String(repeating: "x", count: 6_000), "space key": " padded ",
        ])
        for step in 0..<300 {
            let loss = 2 * exp(-Double(step) / 60) + random.uniform(in: 0..<0.05)
            try await parent.log(
                metrics: ["loss": loss, "train/acc": 1 - loss / 3, "val/loss": loss * 1.1], step: Int64(step))
        }
        let base: Int64 = 1_800_000_000_000
        let odd: [Double] = [
            .nan, .infinity, -.infinity, -0.0, Double.leastNonzeroMagnitude, 1e300, -1e-300, 0.1, 1e16, 123_456.789,
        ]
        for (index, value) in odd.enumerated() {
            try await parent.log(metric: "odd values", value: value, step: Int64(index), timestamp: base + Int64(index))
        }
        // Repeated steps and timestamps, a negative and a very large step.
        try await parent.log(metric: "repeats", value: 1, step: 5, timestamp: base)
        try await parent.log(metric: "repeats", value: 2, step: 5, timestamp: base)
        try await parent.log(metric: "repeats", value: 3, step: 5, timestamp: base + 1)
        try await parent.log(metric: "repeats", value: 4, step: -7, timestamp: base + 2)
        try await parent.log(metric: "repeats", value: 5, step: 1 << 40, timestamp: base + 3)
        try await parent.logArtifact(
            path: "model/weights.bin", data: (0..<4_096).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try await parent.logArtifact(path: "reports/summary.md", data: Array("# Summary\nloss fell.\n".utf8))
        try await parent.logInput(DatasetInput(name: "train.csv", digest: "0123abcd", context: "training"))
        try await parent.logInput(
            DatasetInput(
                name: "validation: données ✓", digest: "e3b0c442", context: "validation", source: "/data/val dir/v.csv",
                sourceType: "local", dataVersionID: SortableID().description))
        // The same dataset again in another role: MLflow keeps the first input per dataset and run.
        try await parent.logInput(DatasetInput(name: "train.csv", digest: "0123abcd", context: "evaluation"))
        try await parent.logInput(DatasetInput(name: "no-context", digest: "1", source: #"{"uri": "s3://b/k"}"#))

        let child = try await parent.startChildRun(name: "trial-1")
        try await child.log(params: ["trial": "1"])
        try await child.logInput(DatasetInput(name: "train.csv", digest: "0123abcd", context: "training"))
        try await child.log(metric: "loss", value: 0.75, step: 0)
        try await child.finish(status: .failed, error: "diverged at step 0")
        let killed = try await tracker.startRun(experiment: name, name: "killed")
        try await killed.log(metric: "loss", value: 9, step: 0)
        try await killed.finish(status: .killed)
        let running = try await tracker.startRun(experiment: name, name: "still-running")
        try await running.log(metric: "loss", value: 1.5, step: 0)
        try await running.flush()
        let deleted = try await tracker.startRun(experiment: name, name: "deleted")
        try await deleted.log(metric: "loss", value: 3, step: 0)
        try await deleted.finish()
        try await tracker.deleteRun(id: deleted.runID)
        try await parent.finish()

        // A batch of ordinary runs.
        for index in 0..<20 {
            try await tracker.withRun(experiment: "interop sweep", name: "sweep-\(index)") { run in
                try await run.log(params: [
                    "index": String(index), "lr": String(0.1 / Double(index + 1)),
                    "shuffle": index.isMultiple(of: 3) ? "true" : "false",
                ])
                try await run.logInput(
                    DatasetInput(
                        name: "sweep.parquet", digest: "sweep\(index % 2)",
                        context: index.isMultiple(of: 2) ? "training" : "validation"))
                for step in 0..<100 {
                    try await run.log(metric: "loss", value: random.uniform(in: 0..<1), step: Int64(step))
                }
                try await run.setTag("group", index.isMultiple(of: 2) ? "even" : "odd")
            }
        }

        // A deleted experiment keeps its runs (MLflow moves it to .trash).
        let archivedName = "interop archived \(SortableID())"
        try await tracker.withRun(experiment: archivedName, name: "archived-run") { run in
            try await run.log(metric: "loss", value: 0.5, step: 1)
            try await run.logInput(DatasetInput(name: "archived.csv", digest: "a1", context: "training"))
        }
        let archived = try #require(try await tracker.experiment(named: archivedName))
        try await tracker.deleteExperiment(id: archived.id)
        try await tracker.flush()
        #expect(try await tracker.listRuns(experimentIDs: [experiment.id], viewType: .all).count == 5)
    }
}
