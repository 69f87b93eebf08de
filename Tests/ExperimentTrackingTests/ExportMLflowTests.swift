@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// The MLflow file-store exporter: IDs, number and YAML formatting, the
/// directory layout, re-export and conflicts.
@Suite struct ExportMLflowTests {
    // MARK: Formatting

    /// Bit patterns and Python 3.11's `repr` of them.
    static let pythonRepr: [(UInt64, String)] = [
        (0x3FB9_9999_9999_999A, "0.1"), (0x3EE4_F8B5_88E3_68F1, "1e-05"), (0x3F1A_36E2_EB1C_432D, "0.0001"),
        (0x405E_C000_0000_0000, "123.0"), (0x4341_C379_37E0_8000, "1e+16"),
        (0x430C_6BF5_2634_0000, "1000000000000000.0"), (0x4340_E019_8EAE_E000, "9500000000000000.0"),
        (0x434A_A535_D3D0_C000, "1.5e+16"), (0xC004_0000_0000_0000, "-2.5"), (0x0000_0000_0000_0001, "5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"), (0x3FD3_3333_3333_3333, "0.3"),
        (0x3FE5_5555_5555_5555, "0.6666666666666666"), (0x8000_0000_0000_0000, "-0.0"),
        (0x0000_0000_0000_0000, "0.0"), (0x4311_8B54_F22A_EB03, "1234567890123456.8"),
        (0x4345_EE2A_2EB5_A5C4, "1.2345678901234568e+16"), (0x4059_0000_0000_0000, "100.0"),
        (0x4480_F0CF_064D_D592, "1e+22"), (0x3F1A_36E2_EB1C_432C, "9.999999999999999e-05"),
        (0x3FEC_0000_0000_0000, "0.875"), (0x3FE3_3333_4000_0000, "0.6000000238418579"),
        (0x3E94_21F5_F40D_8376, "3e-07"), (0x40FE_240C_9FBE_76C9, "123456.789"), (0x54B2_49AD_2594_C37D, "1e+100"),
        (0x0010_0000_0000_0000, "2.2250738585072014e-308"), (0xF2A7_4DE4_52E6_B438, "-1.989032661366619e+244"),
        (0x6513_270E_269E_0D37, "7.761117632285041e+178"), (0x0C5C_7FD0_A6A3_A450, "3.980498358697587e-249"),
        (0xD23F_0824_128B_2F33, "-1.5432835417340557e+88"), (0x1818_E811_892F_902B, "1.3647584518757569e-192"),
        (0x9531_985D_5D9D_C9F8, "-1.3701135617873088e-206"), (0xE8E2_5D94_0ED9_0475, "-1.7160537630466207e+197"),
        (0x36F6_75CC_81E7_4EF5, "6.294675241195386e-44"), (0x1600_A35A_0999_50D8, "1.0613447212142254e-202"),
        (0x6B0D_549B_6F03_675A, "4.708325160387546e+207"), (0x3D9C_1724_11E2_0B8F, "6.387016158513563e-12"),
        (0x8D11_6ECE_1738_F7D9, "-9.973130378568733e-246"),
    ]

    @Test func metricValuesAreWrittenAsPythonReprWritesThem() {
        for (bits, expected) in Self.pythonRepr {
            #expect(PythonFloat.repr(Double(bitPattern: bits)) == expected)
        }
        #expect(PythonFloat.repr(.nan) == "nan")
        #expect(PythonFloat.repr(.infinity) == "inf")
        #expect(PythonFloat.repr(-.infinity) == "-inf")
        // Every output reads back to the same bits.
        var random = SeededRandom(seed: 5)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            #expect(Double(PythonFloat.repr(value))?.bitPattern == value.bitPattern)
        }
    }

    @Test func yamlScalarsAreQuotedOnlyWhenNeeded() {
        #expect(MLflowYAML.scalar("interop-golden") == "interop-golden")
        #expect(MLflowYAML.scalar("lr 0.1/run") == "lr 0.1/run")
        #expect(MLflowYAML.scalar("") == "''")
        #expect(MLflowYAML.scalar("0") == "'0'")
        #expect(MLflowYAML.scalar("1fc98836869f4b4fb653a1561738051c") == "'1fc98836869f4b4fb653a1561738051c'")
        #expect(MLflowYAML.scalar("yes") == "'yes'")
        #expect(MLflowYAML.scalar("Null") == "'Null'")
        #expect(MLflowYAML.scalar("a: b # c") == "'a: b # c'")
        #expect(MLflowYAML.scalar("file:///tmp/a%20b/1") == "file:///tmp/a%20b/1")
        #expect(MLflowYAML.scalar("ends:") == "'ends:'")
        #expect(MLflowYAML.scalar("a #b") == "'a #b'")
        #expect(MLflowYAML.scalar("it's") == "'it''s'")
        #expect(MLflowYAML.scalar("trailing ") == "'trailing '")
        #expect(MLflowYAML.scalar("-dash") == "'-dash'")
        #expect(MLflowYAML.scalar("名前") == "'名前'")
        #expect(MLflowYAML.scalar("two\nlines\t\"q\" \\") == "\"two\\nlines\\t\\\"q\\\" \\\\\"")
        #expect(MLflowYAML.scalar("bell\u{7}\u{85}\u{2028}\u{FEFF}") == "\"bell\\x07\\x85\\u2028\\uFEFF\"")
        var yaml = MLflowYAML()
        yaml.set("status", .integer(3))
        yaml.set("end_time", .optionalInteger(nil))
        yaml.set("experiment_id", .quotedString("12"))
        yaml.set("tags", .literal("[]"))
        #expect(yaml.text == "end_time: null\nexperiment_id: '12'\nstatus: 3\ntags: []\n")
    }

    @Test func idsMapToWhatMLflowAccepts() throws {
        let id = try SortableID(timestamp: 1_700_000_000_000, randomness: 0xABCDEF)
        let hex = MLflowExporter.mlflowRunID(id.description)
        #expect(hex.count == 32)
        #expect(hex == String(id.rawValue, radix: 16).leftPadded(to: 32))
        #expect(SortableID(rawValue: try #require(UInt128(hex, radix: 16))) == id)
        #expect(MLflowExporter.mlflowRunID("already_ok-1") == "already_ok-1")
        let hashed = MLflowExporter.mlflowRunID("has space")
        #expect(hashed.count == 32 && hashed.allSatisfy(\.isHexDigit))
        #expect(hashed == MLflowExporter.mlflowRunID("has space"))
        #expect(MLflowExporter.mlflowExperimentID("7") == "7")
        let experiment = MLflowExporter.mlflowExperimentID("a/b")
        #expect(experiment.count == 18 && experiment.allSatisfy(\.isNumber))
    }

    @Test func keysThatCollideAsPathsAreRejected() throws {
        try MLflowExporter.checkPathKeys(["train", "train-x", "train_acc", "val/acc"], kind: "metric", owner: "r")
        #expect(throws: MLOpsError.self) {
            try MLflowExporter.checkPathKeys(["train", "train-x", "train/acc"], kind: "metric", owner: "r")
        }
        #expect(throws: MLOpsError.self) { try MLflowExporter.checkPathKeys(["a/../b"], kind: "tag", owner: "r") }
        #expect(throws: MLOpsError.self) { try MLflowExporter.checkPathKeys(["/abs"], kind: "tag", owner: "r") }
    }

    // MARK: Export

    /// A tracker with two experiments (one deleted), finished, failed, nested
    /// and deleted runs, odd values and keys, and artifacts.
    static func populated() async throws -> (TrackerFixture, [String: String]) {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        var ids: [String: String] = [:]
        let experiment = try await tracker.createExperiment(
            name: "churn: v2", tags: ["owner": "ml-team", "team/area": "risk"])
        ids["experiment"] = experiment.id
        let parent = try await tracker.startRun(
            experiment: "churn: v2", name: "sweep", tags: ["purpose": "it's a test"])
        ids["parent"] = parent.runID
        try await parent.log(params: ["learning_rate": "0.1", "layers/count": "3", "note": "multi\nline"])
        for step in 0..<5 {
            try await parent.log(
                metrics: ["loss": 1 / Double(step + 1), "train/acc": Double(step) / 10], step: Int64(step))
        }
        try await parent.log(metric: "odd", value: .nan, step: 0, timestamp: 1_700_000_100_000)
        try await parent.log(metric: "odd", value: .infinity, step: 1, timestamp: 1_700_000_100_001)
        try await parent.log(metric: "odd", value: -.infinity, step: 1, timestamp: 1_700_000_100_001)
        try await parent.log(metric: "odd", value: 1e-05, step: -2, timestamp: 1_700_000_100_002)
        try await parent.logArtifact(path: "model/weights.bin", data: [0, 1, 2, 255])
        try await parent.logArtifact(path: "README.md", data: Array("hello\n".utf8))
        try await parent.logArtifact(path: "model/big.bin", data: Self.bigArtifact)
        let child = try await parent.startChildRun(name: "trial-1")
        ids["child"] = child.runID
        try await child.log(metric: "loss", value: 0.5, step: 0)
        try await child.finish(status: .failed, error: "boom")
        try await parent.finish()
        let gone = try await tracker.startRun(experiment: "churn: v2", name: "gone")
        ids["gone"] = gone.runID
        try await gone.finish(status: .killed)
        try await tracker.deleteRun(id: gone.runID)
        let old = try await tracker.startRun(experiment: "old", name: "legacy")
        ids["legacy"] = old.runID
        try await old.log(param: "p", value: "1")
        try await old.finish()
        let oldExperiment = try #require(try await tracker.experiment(named: "old"))
        ids["old"] = oldExperiment.id
        try await tracker.deleteExperiment(id: oldExperiment.id)
        try await tracker.flush()
        return (fixture, ids)
    }

    @Test func exportWritesMLflowsLayout() async throws {
        let (fixture, ids) = try await Self.populated()
        let tracker = fixture.tracker
        let root = try #require(fixture.scratch).path + "/mlruns"
        let summary = try await MLflowExporter(tracker: tracker).export(to: root)
        #expect(summary.experiments == 2)
        #expect(summary.runs == 4)
        #expect(summary.metricPoints == 5 * 2 + 4 + 1)
        #expect(summary.artifacts == 3)

        let experimentID = try #require(ids["experiment"])
        let parentID = MLflowExporter.mlflowRunID(try #require(ids["parent"]))
        let childID = MLflowExporter.mlflowRunID(try #require(ids["child"]))
        let experiment = try await tracker.experiment(id: experimentID)
        #expect(summary.directory == URL(fileURLWithPath: root).standardizedFileURL.path)
        let rootURI = "file://" + summary.directory
        // The experiment.
        #expect(
            try Self.text(root, "\(experimentID)/meta.yaml") == """
                artifact_location: \(rootURI)/\(experimentID)
                creation_time: \(experiment.creationTime)
                effective_trace_archival_retention: null
                experiment_id: '\(experimentID)'
                last_update_time: \(experiment.lastUpdateTime)
                lifecycle_stage: active
                name: 'churn: v2'
                trace_location: null
                workspace: default

                """)
        #expect(try Self.text(root, "\(experimentID)/tags/owner") == "ml-team")
        #expect(try Self.text(root, "\(experimentID)/tags/team/area") == "risk")
        #expect(try Self.text(root, "\(experimentID)/tags/mlops.experiment_id") == experimentID)
        // A run.
        let parent = try await tracker.run(id: try #require(ids["parent"]))
        let runDirectory = "\(experimentID)/\(parentID)"
        let quotedID = MLflowYAML.scalar(parentID)
        #expect(
            try Self.text(root, runDirectory + "/meta.yaml") == """
                artifact_uri: \(rootURI)/\(runDirectory)/artifacts
                end_time: \(try #require(parent.info.endTime))
                entry_point_name: ''
                experiment_id: '\(experimentID)'
                lifecycle_stage: active
                run_id: \(quotedID)
                run_name: sweep
                run_uuid: \(quotedID)
                source_name: ''
                source_type: 4
                source_version: ''
                start_time: \(parent.info.startTime)
                status: 3
                tags: []
                user_id: tester

                """)
        #expect(try Self.text(root, runDirectory + "/params/learning_rate") == "0.1")
        #expect(try Self.text(root, runDirectory + "/params/layers/count") == "3")
        #expect(try Self.text(root, runDirectory + "/params/note") == "multi\nline")
        #expect(try Self.text(root, runDirectory + "/tags/purpose") == "it's a test")
        #expect(try Self.text(root, runDirectory + "/tags/mlflow.runName") == "sweep")
        #expect(try Self.text(root, runDirectory + "/tags/mlops.run_id") == ids["parent"])
        let loss = try await tracker.metricHistory(runID: parent.info.runID, key: "loss")
        #expect(
            try Self.text(root, runDirectory + "/metrics/loss")
                == loss.map {
                    "\($0.timestamp) \(PythonFloat.repr($0.value)) \($0.step)\n"
                }.joined())
        #expect(try Self.text(root, runDirectory + "/metrics/train/acc").hasSuffix(" 0.4 4\n"))
        #expect(
            try Self.text(root, runDirectory + "/metrics/odd") == """
                1700000100002 1e-05 -2
                1700000100000 nan 0
                1700000100001 inf 1
                1700000100001 -inf 1

                """)
        #expect(try Self.bytes(root, runDirectory + "/artifacts/model/weights.bin") == [0, 1, 2, 255])
        #expect(try Self.text(root, runDirectory + "/artifacts/README.md") == "hello\n")
        #expect(try Self.bytes(root, runDirectory + "/artifacts/model/big.bin") == Self.bigArtifact)
        // The nested, failed run points at its parent's exported ID.
        let childDirectory = "\(experimentID)/\(childID)"
        #expect(try Self.text(root, childDirectory + "/tags/mlflow.parentRunId") == parentID)
        #expect(try Self.text(root, childDirectory + "/meta.yaml").contains("\nstatus: 4\n"))
        // Empty directories MLflow requires.
        let gone = MLflowExporter.mlflowRunID(try #require(ids["gone"]))
        for sub in ["metrics", "params", "artifacts", "tags"] {
            #expect(Self.isDirectory(root + "/\(experimentID)/\(gone)/" + sub))
        }
        let goneMeta = try Self.text(root, "\(experimentID)/\(gone)/meta.yaml")
        #expect(goneMeta.contains("\nlifecycle_stage: deleted\n") && goneMeta.contains("\nstatus: 5\n"))
        #expect(goneMeta.hasPrefix("artifact_uri: ") && goneMeta.contains("\ndeleted_time: "))
        // The deleted experiment is in .trash, with its run; Default exists.
        let old = try #require(ids["old"])
        let legacy = MLflowExporter.mlflowRunID(try #require(ids["legacy"]))
        #expect(
            try Self.text(root, ".trash/\(old)/meta.yaml").contains("\nlifecycle_stage: deleted\nname: old\ntags: {}\n")
        )
        #expect(try Self.text(root, ".trash/\(old)/\(legacy)/params/p") == "1")
        #expect(!FileManager.default.fileExists(atPath: root + "/\(old)"))
        #expect(try Self.text(root, "0/meta.yaml").contains("\nname: Default\n"))
    }

    @Test func reExportingReplacesRunsAndFollowsLifecycleChanges() async throws {
        let (fixture, ids) = try await Self.populated()
        let tracker = fixture.tracker
        let root = try #require(fixture.scratch).path + "/mlruns"
        let exporter = MLflowExporter(tracker: tracker)
        try await exporter.export(to: root)
        let first = try Self.tree(root)
        try await exporter.export(to: root)
        #expect(try Self.tree(root) == first)

        let experimentID = try #require(ids["experiment"])
        let parentDirectory = root + "/\(experimentID)/" + MLflowExporter.mlflowRunID(try #require(ids["parent"]))
        try Data("stale".utf8).write(to: URL(fileURLWithPath: parentDirectory + "/tags/stale"))
        let old = try #require(ids["old"])
        try await tracker.restoreExperiment(id: old)
        try await exporter.export(to: root)
        // A file the export did not write is never removed.
        #expect(try Self.text(parentDirectory, "tags/stale") == "stale")
        #expect(!FileManager.default.fileExists(atPath: root + "/.trash/\(old)"))
        #expect(try Self.text(root, "\(old)/meta.yaml").contains("\nlifecycle_stage: active\n"))
    }

    @Test func anotherExperimentInTheSameDirectoryIsAConflict() async throws {
        let (fixture, ids) = try await Self.populated()
        let root = try #require(fixture.scratch).path + "/mlruns"
        let experimentID = try #require(ids["experiment"])
        try FileManager.default.createDirectory(
            atPath: root + "/\(experimentID)/tags", withIntermediateDirectories: true)
        try Data("name: someone-else\n".utf8).write(to: URL(fileURLWithPath: root + "/\(experimentID)/meta.yaml"))
        try Data("999".utf8).write(to: URL(fileURLWithPath: root + "/\(experimentID)/tags/mlops.experiment_id"))
        let error = await mlopsError { try await MLflowExporter(tracker: fixture.tracker).export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == root + "/\(experimentID)")
    }

    @Test func aSelectionExportsOnlyItsRuns() async throws {
        let (fixture, ids) = try await Self.populated()
        let root = try #require(fixture.scratch).path + "/one"
        let parent = try #require(ids["parent"])
        let summary = try await MLflowExporter(tracker: fixture.tracker).export(
            to: root, selection: ExportSelection(runIDs: [parent]))
        #expect(summary.runs == 1)
        let experimentID = try #require(ids["experiment"])
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/\(experimentID)").filter {
            $0 != "tags" && $0 != "meta.yaml"
        }
        #expect(runs == [MLflowExporter.mlflowRunID(parent)])
    }

    @Test func keysThatCannotBeFilesFailTheExportWithTheirNames() async throws {
        let fixture = try TrackerFixture.make()
        let run = try await fixture.tracker.startRun(experiment: "e", name: "r")
        try await run.log(metric: "train", value: 1)
        try await run.log(metric: "train/acc", value: 1)
        try await run.finish()
        let error = await mlopsError {
            try await MLflowExporter(tracker: fixture.tracker).export(to: try #require(fixture.scratch).path + "/m")
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("'train/acc'") == true)
    }

    // MARK: Helpers

    /// 2.5 MiB, so that the copy takes several chunks.
    static let bigArtifact: [UInt8] = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static func bytes(_ root: String, _ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
    }

    static func text(_ root: String, _ path: String) throws -> String {
        String(decoding: try bytes(root, path), as: UTF8.self)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every path below `root` with its content (directories map to `nil`).
    static func tree(_ root: String) throws -> [String: [UInt8]?] {
        var result: [String: [UInt8]?] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            result[relative] = isDirectory(root + "/" + relative) ? .some(nil) : try bytes(root, relative)
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
