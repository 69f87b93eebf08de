import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// `mlops export mlflow|tensorboard|csv|json DIR`.
@Suite struct ExportCommandTests {
    /// A workspace with two experiments and three runs; returns its path and the run IDs.
    func populated() async throws -> (path: String, ids: [String]) {
        let (path, tracker) = try trackedWorkspace("export")
        var ids: [String] = []
        for (index, experiment) in ["vision", "nlp", "vision"].enumerated() {
            let id = try await tracker.withRun(experiment: experiment, name: "run-\(index)") { run in
                try await run.log(params: ["lr": "0.0\(index + 1)"])
                for step in 0..<5 {
                    try await run.log(metric: "loss", value: 1 / Double(step + index + 1), step: Int64(step))
                }
                return run.runID
            }
            ids.append(id)
        }
        return (path, ids)
    }

    func run(_ arguments: [String]) async -> CLIResult { await runCLI(arguments) }

    func files(under directory: String, containing fragment: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var result: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.contains(fragment) { result.append(path) }
        }
        return result.sorted()
    }

    @Test func exportsEveryFormat() async throws {
        let (path, ids) = try await populated()
        defer { try? FileManager.default.removeItem(atPath: path) }

        let mlflow = await run(["export", "mlflow", path + "/out/mlruns", "--workspace", path, "--json"])
        #expect(mlflow.status == 0, "stderr: \(mlflow.err)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(mlflow.out.joined().utf8)) as? [String: Any])
        #expect(summary["format"] as? String == "mlflow")
        #expect(summary["runs"] as? Int == 3)
        #expect(summary["metricPoints"] as? Int == 15)
        let runDirectories = try FileManager.default.contentsOfDirectory(atPath: path + "/out/mlruns")
        #expect(runDirectories.contains(".trash") && runDirectories.contains("0"))
        let firstHex = MLflowExporter.mlflowRunID(ids[0])
        #expect(files(under: path + "/out/mlruns", containing: firstHex + "/metrics/loss").count == 1)

        let tensorboard = await run(["export", "tensorboard", path + "/out/tb", "--workspace", path])
        #expect(tensorboard.status == 0, "stderr: \(tensorboard.err)")
        #expect(tensorboard.out.first?.hasPrefix("exported         tensorboard → ") == true)
        // One file per run, and the hparams experiment summary directly in the directory.
        #expect(files(under: path + "/out/tb", containing: "tfevents").count == 3 + 1)

        for format in ["csv", "json"] {
            let table = await run(["export", format, path + "/out/" + format, "--workspace", path])
            #expect(table.status == 0, "stderr: \(table.err)")
            for name in ["experiments", "runs", "metrics"] {
                #expect(FileManager.default.fileExists(atPath: path + "/out/\(format)/\(name).\(format)"))
            }
        }
        let metrics = try String(contentsOfFile: path + "/out/csv/metrics.csv", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 1 + 15)
    }

    @Test func filtersByExperimentAndRun() async throws {
        let (path, ids) = try await populated()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let byName = await run([
            "export", "tensorboard", path + "/by-name", "--workspace", path, "--experiment", "vision",
        ])
        #expect(byName.status == 0, "stderr: \(byName.err)")
        let byNameFiles = files(under: path + "/by-name", containing: "tfevents")
        #expect(byNameFiles.count == 2 + 1)
        #expect(byNameFiles.filter { !$0.contains("/") }.count == 1)
        #expect(byNameFiles.filter { $0.contains("/") }.allSatisfy { $0.hasPrefix("vision/") })

        let byRun = await run(["export", "json", path + "/by-run", "--workspace", path, "--run", ids[1]])
        #expect(byRun.status == 0, "stderr: \(byRun.err)")
        let runs = try String(contentsOfFile: path + "/by-run/runs.json", encoding: .utf8)
        #expect(runs.contains(ids[1]) && !runs.contains(ids[0]) && !runs.contains(ids[2]))

        let experimentID = try #require(
            try await ExperimentTracker(
                metadata: Workspace.open(at: path).metadata, artifacts: Workspace.open(at: path).objects
            ).experiment(named: "nlp")?.id)
        let byID = await run(["export", "csv", path + "/by-id", "--workspace", path, "--experiment", experimentID])
        #expect(byID.status == 0, "stderr: \(byID.err)")
        let table = try String(contentsOfFile: path + "/by-id/runs.csv", encoding: .utf8)
        #expect(table.contains(ids[1]) && !table.contains(ids[0]))
    }

    @Test func badArgumentsAreErrors() async throws {
        let (path, _) = try await populated()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let unknown = await run(["export", "parquet", path + "/x", "--workspace", path])
        #expect(unknown.status == 2)
        #expect(unknown.err.first?.contains("unknown export format 'parquet'") == true)
        let missing = await run(["export", "mlflow", "--workspace", path])
        #expect(missing.status == 2)
        let noExperiment = await run(["export", "mlflow", path + "/x", "--workspace", path, "--experiment", "nope"])
        #expect(noExperiment.status == 1)
        #expect(noExperiment.err.first?.contains("nope") == true)
        let noRun = await run([
            "export", "mlflow", path + "/x", "--workspace", path, "--run", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        ])
        #expect(noRun.status == 1)
    }
}
