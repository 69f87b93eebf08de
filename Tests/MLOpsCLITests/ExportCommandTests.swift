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

    /// Removes the workspace at `path` and the exports written beside it (`path-…`).
    func cleanUp(_ path: String) {
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(name) {
            try? FileManager.default.removeItem(atPath: parent + "/" + entry)
        }
    }

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
        defer { cleanUp(path) }

        let mlflow = await run(["export", "mlflow", path + "-out/mlruns", "--workspace", path, "--json"])
        #expect(mlflow.status == 0, "stderr: \(mlflow.err)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(mlflow.out.joined().utf8)) as? [String: Any])
        #expect(summary["format"] as? String == "mlflow")
        #expect(summary["runs"] as? Int == 3)
        #expect(summary["metricPoints"] as? Int == 15)
        let runDirectories = try FileManager.default.contentsOfDirectory(atPath: path + "-out/mlruns")
        #expect(runDirectories.contains(".trash") && runDirectories.contains("0"))
        let firstHex = MLflowExporter.mlflowRunID(ids[0])
        #expect(files(under: path + "-out/mlruns", containing: firstHex + "/metrics/loss").count == 1)

        let tensorboard = await run(["export", "tensorboard", path + "-out/tb", "--workspace", path])
        #expect(tensorboard.status == 0, "stderr: \(tensorboard.err)")
        #expect(tensorboard.out.first?.hasPrefix("exported         tensorboard → ") == true)
        // One file per run, and the hparams experiment summary directly in the directory.
        #expect(files(under: path + "-out/tb", containing: "tfevents").count == 3 + 1)

        for format in ["csv", "json"] {
            let table = await run(["export", format, path + "-out/" + format, "--workspace", path])
            #expect(table.status == 0, "stderr: \(table.err)")
            for name in ["experiments", "runs", "metrics"] {
                #expect(FileManager.default.fileExists(atPath: path + "-out/\(format)/\(name).\(format)"))
            }
        }
        let metrics = try String(contentsOfFile: path + "-out/csv/metrics.csv", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 1 + 15)
    }

    @Test func filtersByExperimentAndRun() async throws {
        let (path, ids) = try await populated()
        defer { cleanUp(path) }
        let byName = await run([
            "export", "tensorboard", path + "-by-name", "--workspace", path, "--experiment", "vision",
        ])
        #expect(byName.status == 0, "stderr: \(byName.err)")
        let byNameFiles = files(under: path + "-by-name", containing: "tfevents")
        #expect(byNameFiles.count == 2 + 1)
        #expect(byNameFiles.filter { !$0.contains("/") }.count == 1)
        #expect(byNameFiles.filter { $0.contains("/") }.allSatisfy { $0.hasPrefix("vision/") })

        let byRun = await run(["export", "json", path + "-by-run", "--workspace", path, "--run", ids[1]])
        #expect(byRun.status == 0, "stderr: \(byRun.err)")
        let runs = try String(contentsOfFile: path + "-by-run/runs.json", encoding: .utf8)
        #expect(runs.contains(ids[1]) && !runs.contains(ids[0]) && !runs.contains(ids[2]))

        let experimentID = try #require(
            try await ExperimentTracker(
                metadata: Workspace.open(at: path).metadata, artifacts: Workspace.open(at: path).objects
            ).experiment(named: "nlp")?.id)
        let byID = await run(["export", "csv", path + "-by-id", "--workspace", path, "--experiment", experimentID])
        #expect(byID.status == 0, "stderr: \(byID.err)")
        let table = try String(contentsOfFile: path + "-by-id/runs.csv", encoding: .utf8)
        #expect(table.contains(ids[1]) && !table.contains(ids[0]))
    }

    @Test func anExportInsideTheWorkspaceIsRefused() async throws {
        let (path, _) = try await populated()
        let outside = "/tmp/mlops-cli-export-outside-\(SortableID())"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let link = outside + "/to-workspace"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: outside)
        }
        let name = (path as NSString).lastPathComponent
        let before = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        let objectsBefore = files(under: path + "/objects", containing: "")
        for directory in [
            path, path + "/", path + "/exports", path + "/objects", path + "/objects/new/deeper",
            outside + "/../" + name + "/out", path + "/missing/../objects", link, link + "/out",
            outside + "/../" + (outside as NSString).lastPathComponent + "/to-workspace/./x",
        ] {
            for format in ["mlflow", "csv"] {
                let result = await run(["export", format, directory, "--workspace", path])
                #expect(result.status == 1, "\(directory): \(result.err)")
                #expect(result.err.first?.contains("inside the workspace") == true, "\(directory): \(result.err)")
            }
        }
        // Nothing was exported into it (SQLite's own -wal/-shm files aside).
        let after = try FileManager.default.contentsOfDirectory(atPath: path).sorted().filter {
            !$0.hasPrefix("metadata.sqlite-")
        }
        #expect(after == before, "\(before) → \(after)")
        #expect(files(under: path + "/objects", containing: "") == objectsBefore)
        // The workspace given through a link is recognised too.
        let viaLink = await run(["export", "csv", path + "/out", "--workspace", link])
        #expect(viaLink.status == 1)
        // Next to the workspace is fine.
        let beside = await run(["export", "csv", outside + "/out", "--workspace", link])
        #expect(beside.status == 0, "stderr: \(beside.err)")
    }

    @Test func csvExportEscapesFormulasUnlessToldNot() async throws {
        let (path, tracker) = try trackedWorkspace("export-formula")
        defer { cleanUp(path) }
        try await tracker.withRun(experiment: "=1+2", name: "@SUM(A1)") { run in
            try await run.log(params: ["cmd": "=HYPERLINK(\"http://x\")", "lr": "-0.5", "plus": "+1", "tab": "\tx"])
            try await run.setTag("note", "-2+3")
            try await run.log(metric: "-loss", value: -.infinity, step: 0)
        }
        let escaped = await run(["export", "csv", path + "-out/escaped", "--workspace", path])
        #expect(escaped.status == 0, "stderr: \(escaped.err)")
        let raw = await run(["export", "csv", path + "-out/raw", "--workspace", path, "--no-formula-escaping"])
        #expect(raw.status == 0, "stderr: \(raw.err)")
        let runs = try String(contentsOfFile: path + "-out/escaped/runs.csv", encoding: .utf8)
        #expect(runs.contains(",'=1+2,'@SUM(A1),"))
        #expect(runs.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(runs.contains(",-0.5,") && runs.contains(",+1,") && runs.contains(",'\tx,"))
        #expect(runs.contains(",'-2+3"))
        #expect(runs.contains(",-inf,"))
        #expect(!runs.contains("'-inf") && !runs.contains("'-0.5"))
        let metrics = try String(contentsOfFile: path + "-out/escaped/metrics.csv", encoding: .utf8)
        #expect(metrics.contains(",'-loss,0,") && metrics.hasSuffix(",-inf\n"))
        let experiments = try String(contentsOfFile: path + "-out/escaped/experiments.csv", encoding: .utf8)
        #expect(experiments.contains(",'=1+2,"))
        let unescaped = try String(contentsOfFile: path + "-out/raw/runs.csv", encoding: .utf8)
        #expect(unescaped.contains(",=1+2,@SUM(A1),") && unescaped.contains(",-2+3") && !unescaped.contains("'"))
    }

    @Test func theSummaryEscapesControlCharactersInTheDirectory() async throws {
        let (path, _) = try await populated()
        let directory = path + "-out/bell\u{7}esc\u{1B}[31m"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + "-out")
        }
        let result = await run(["export", "json", directory, "--workspace", path])
        #expect(result.status == 0, "stderr: \(result.err)")
        let line = try #require(result.out.first)
        #expect(line.contains("bell\\u{7}esc\\u{1B}[31m"))
        #expect(!result.out.joined().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func badArgumentsAreErrors() async throws {
        let (path, _) = try await populated()
        defer { cleanUp(path) }
        let unknown = await run(["export", "parquet", path + "-x", "--workspace", path])
        #expect(unknown.status == 2)
        #expect(unknown.err.first?.contains("unknown export format 'parquet'") == true)
        let missing = await run(["export", "mlflow", "--workspace", path])
        #expect(missing.status == 2)
        let noExperiment = await run(["export", "mlflow", path + "-x", "--workspace", path, "--experiment", "nope"])
        #expect(noExperiment.status == 1)
        #expect(noExperiment.err.first?.contains("nope") == true)
        let noRun = await run([
            "export", "mlflow", path + "-x", "--workspace", path, "--run", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        ])
        #expect(noRun.status == 1)
    }
}
