@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// Dataset inputs and the run environment in the MLflow export: the
/// `datasets/` and `inputs/` layout of MLflow's file store (with MLflow's MD5
/// identifiers) and the environment's tags.
@Suite struct ExportMLflowInputsTests {
    @Test func md5MatchesRFC1321() {
        #expect(MD5.hex([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Array("a".utf8)) == "0cc175b9c0f1b6a831c399e269772661")
        #expect(MD5.hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex(Array("message digest".utf8)) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            MD5.hex(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8))
                == "d174ab98d277d9f5a5611c2c9f419d9f")
        #expect(
            MD5.hex(Array(String(repeating: "1234567890", count: 8).utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
        // Block-boundary lengths: 55, 56 and 64 bytes.
        #expect(MD5.hex([UInt8](repeating: 0x61, count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hex([UInt8](repeating: 0x61, count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hex([UInt8](repeating: 0x61, count: 64)) == "014842d480b571495a4a0363793f7367")
    }

    @Test func identifiersAreMLflows() {
        // What mlflow 3.17.2's FileStore.log_inputs made for this dataset and run.
        let dataset = MLflowExporter.datasetID(name: "customers.csv", digest: "3f2a9c1e")
        #expect(dataset == "2630f3c4caa81907ef01623b6f989180")
        #expect(
            MD5.hex(Array((dataset + "400bb0a98db04c3bac0dabfad988b16b").utf8)) == "a81c2e83881c4076cd1412bd4cb418d4")
        #expect(MLflowExporter.datasetID(name: "val: data", digest: "abc") == "71daca27ee88d181f8d30960dc8600dc")
    }

    @Test func sourcesBecomeJSON() {
        #expect(MLflowExporter.datasetSource("") == "")
        #expect(MLflowExporter.datasetSource("/data/c.csv") == #"{"uri": "/data/c.csv"}"#)
        #expect(MLflowExporter.datasetSource(#"s3://b/"x""#) == #"{"uri": "s3://b/\"x\""}"#)
        #expect(MLflowExporter.datasetSource(#"{"url": "http://x"}"#) == #"{"url": "http://x"}"#)
    }

    @Test func exportWritesDatasetsAndInputs() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let first = try await tracker.startRun(experiment: "lineage", name: "first")
        try await first.logInput(
            DatasetInput(
                name: "customers.csv", digest: "3f2a9c1e", context: "training", source: "/data/c.csv",
                sourceType: "local", dataVersionID: "V1"))
        try await first.logInput(DatasetInput(name: "val: data", digest: "abc"))
        // The same dataset again: MLflow keeps one input per dataset and run.
        try await first.logInput(DatasetInput(name: "customers.csv", digest: "3f2a9c1e", context: "validation"))
        try await first.finish()
        let second = try await tracker.startRun(experiment: "lineage", name: "second")
        try await second.logInput(DatasetInput(name: "customers.csv", digest: "3f2a9c1e", context: "evaluation"))
        try await second.finish()
        let experiment = try #require(try await tracker.experiment(named: "lineage"))

        let root = try #require(fixture.scratch).path + "/mlruns"
        let summary = try await MLflowExporter(tracker: tracker).export(to: root)
        #expect(summary.datasetInputs == 3)
        let base = experiment.id
        let customers = "2630f3c4caa81907ef01623b6f989180"
        let validation = "71daca27ee88d181f8d30960dc8600dc"
        #expect(
            try ExportMLflowTests.text(root, "\(base)/datasets/\(customers)/meta.yaml")
                == "digest: '3f2a9c1e'\nname: customers.csv\nprofile: null\nschema: null\n"
                + "source: '{\"uri\": \"/data/c.csv\"}'\nsource_type: local\n")
        #expect(
            try ExportMLflowTests.text(root, "\(base)/datasets/\(validation)/meta.yaml")
                == "digest: abc\nname: 'val: data'\nprofile: null\nschema: null\nsource: ''\nsource_type: ''\n")
        let firstID = MLflowExporter.mlflowRunID(first.runID)
        let secondID = MLflowExporter.mlflowRunID(second.runID)
        let inputs = try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(base)/\(firstID)/inputs").sorted()
        #expect(
            inputs
                == [MD5.hex(Array((customers + firstID).utf8)), MD5.hex(Array((validation + firstID).utf8))].sorted())
        let training = try ExportMLflowTests.text(
            root, "\(base)/\(firstID)/inputs/\(MD5.hex(Array((customers + firstID).utf8)))/meta.yaml")
        #expect(
            training
                == "destination_id: '\(customers)'\ndestination_type: RUN\nsource_id: '\(customers)'\n"
                + "source_type: DATASET\ntags:\n  mlflow.data.context: training\n  mlops.data_version_id: V1\n")
        let untagged = try ExportMLflowTests.text(
            root, "\(base)/\(firstID)/inputs/\(MD5.hex(Array((validation + firstID).utf8)))/meta.yaml")
        #expect(
            untagged
                == "destination_id: '\(validation)'\ndestination_type: RUN\nsource_id: '\(validation)'\n"
                + "source_type: DATASET\ntags: {}\n")
        #expect(
            try ExportMLflowTests.text(
                root, "\(base)/\(secondID)/inputs/\(MD5.hex(Array((customers + secondID).utf8)))/meta.yaml"
            )
            .hasSuffix("tags:\n  mlflow.data.context: evaluation\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(base)/datasets").count == 2)

        // IDs that start with a digit are quoted (PyYAML reads the same string either way).
        // Re-exporting rewrites the inputs in place.
        try await MLflowExporter(tracker: tracker).export(to: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(base)/\(firstID)/inputs").count == 2)
    }

    @Test(arguments: [
        ("", "''"), ("abc", "abc"), ("a b", "'a b'"), ("it's", #"'it'"'"'s'"#),
        ("--flag=x,y:z@%+./-_9", "--flag=x,y:z@%+./-_9"), ("é", "'é'"), ("$HOME", "'$HOME'"), ("a\nb", "'a\nb'"),
    ])
    func wordsAreQuotedAsShlexQuotes(_ word: String, _ expected: String) {
        #expect(MLflowExporter.shellQuoted(word) == expected)
    }

    @Test func theEnvironmentBecomesMLflowAndMLOpsTags() {
        let environment = RunEnvironment(
            gitCommit: "abc123", gitDirty: true, gitBranch: nil, host: "box", operatingSystem: "Linux 6.8",
            swiftVersion: "6.3", cpuModel: "", cpuCount: 2, commandLine: ["/usr/bin/train", "--lr", "0.1", "a b"],
            workingDirectory: "/work")
        let tags = MLflowExporter.environmentTags(
            environment,
            existing: [
                "mlflow.source.git.commit": "abc123", "mlflow.source.name": "notebook", "mlops.env.host": "mine",
            ])
        #expect(
            tags == [
                "mlflow.source.git.commit": "abc123",
                "mlflow.source.git.dirty": "true",
                "mlflow.source.name": "notebook",
                "mlops.env.program": "/usr/bin/train",
                "mlops.env.host": "mine",
                "mlops.env.os": "Linux 6.8",
                "mlops.env.swift_version": "6.3",
                "mlops.env.cpu_count": "2",
                "mlops.env.command_line": "/usr/bin/train --lr 0.1 'a b'",
                "mlops.env.working_directory": "/work",
            ])
        let bare = RunEnvironment(
            host: "h", operatingSystem: "", swiftVersion: "6.3", cpuModel: "x", cpuCount: 1, commandLine: [],
            workingDirectory: "")
        #expect(
            MLflowExporter.environmentTags(bare, existing: [:]) == [
                "mlops.env.host": "h", "mlops.env.swift_version": "6.3", "mlops.env.cpu_model": "x",
                "mlops.env.cpu_count": "1",
            ])
    }

    @Test func exportedRunsCarryTheirEnvironment() async throws {
        let scratch = try TrackingScratch()
        let tracker = ExperimentTracker(
            metadata: InMemoryKeyValueStore(), artifacts: try FileBlobStore(root: scratch.path + "/objects"),
            options: .init(captureEnvironment: true, user: "env"))
        let run = try await tracker.startRun(experiment: "env", name: "captured")
        try await run.finish()
        let stored = try await tracker.run(id: run.runID)
        let environment = try #require(stored.environment)
        let root = scratch.path + "/mlruns"
        try await MLflowExporter(tracker: tracker).export(to: root)
        let directory = "\(root)/\(stored.info.experimentID)/\(MLflowExporter.mlflowRunID(run.runID))/tags"
        var expected = MLflowExporter.environmentTags(environment, existing: stored.tags)
        expected[MLflowExporter.runIDTag] = run.runID
        for (key, value) in expected {
            #expect(try ExportMLflowTests.text(directory, key) == value, "\(key)")
        }
        #expect(try ExportMLflowTests.text(directory, "mlops.env.host") == environment.host)
        #expect(try ExportMLflowTests.text(directory, "mlops.env.swift_version") == RunEnvironment.compilerVersion)
    }
}
