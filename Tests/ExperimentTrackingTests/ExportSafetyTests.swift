@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// The exporters never write through a symbolic link inside the export
/// directory, never remove a file, and keep files they did not write.
@Suite struct ExportSafetyTests {
    /// A tracker with one experiment and one run with a param, tags, a metric, an input and an artifact.
    static func populated() async throws -> (fixture: TrackerFixture, experimentID: String, runID: String) {
        let fixture = try TrackerFixture.make()
        let run = try await fixture.tracker.startRun(experiment: "safety", name: "r")
        try await run.log(params: ["lr": "0.1", "layers/count": "2"])
        try await run.setTag("owner", "me")
        try await run.log(metric: "loss", value: 0.5, step: 0)
        try await run.log(metric: "val/loss", value: 0.25, step: 0)
        try await run.logInput(DatasetInput(name: "train.csv", digest: "abc", context: "training"))
        try await run.logArtifact(path: "model/weights.bin", data: [1, 2, 3])
        try await run.finish()
        let experiment = try #require(try await fixture.tracker.experiment(named: "safety"))
        return (fixture, experiment.id, run.runID)
    }

    /// A directory outside the export holding one file, whose tree must never change.
    struct Sentinel {
        let directory: String
        let file: String

        init(_ base: String) throws {
            directory = base + "/outside-\(SortableID())"
            file = directory + "/keep.txt"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data("precious".utf8).write(to: URL(fileURLWithPath: file))
        }

        /// Throws unless the directory holds exactly `keep.txt` with its original content.
        func expectUntouched(_ comment: @autoclosure () -> String = "") throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(names == ["keep.txt"], "\(comment())")
            #expect(try ExportMLflowTests.text(directory, "keep.txt") == "precious", "\(comment())")
        }
    }

    static func link(_ path: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: destination)
    }

    static func replaceWithLink(_ path: String, to destination: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try link(path, to: destination)
    }

    // MARK: MLflow

    @Test func aLinkAtTheExperimentDirectoryIsAnErrorAndItsTargetIsUntouched() async throws {
        let (fixture, experimentID, _) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let sentinel = try Sentinel(scratch)
        let root = scratch + "/mlruns"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.link(root + "/" + experimentID, to: sentinel.directory)
        let error = await mlopsError { try await MLflowExporter(tracker: fixture.tracker).export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == root + "/" + experimentID)
        #expect(error?.message.contains("symbolic link") == true)
        try sentinel.expectUntouched()
    }

    @Test func aLinkAtTheRunDirectoryIsAnErrorAndItsTargetIsUntouched() async throws {
        let (fixture, experimentID, runID) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let sentinel = try Sentinel(scratch)
        let root = scratch + "/mlruns"
        let exporter = MLflowExporter(tracker: fixture.tracker)
        try await exporter.export(to: root)
        // The reported attack: the run directory replaced by a link to a directory elsewhere.
        let runDirectory = root + "/" + experimentID + "/" + MLflowExporter.mlflowRunID(runID)
        try Self.replaceWithLink(runDirectory, to: sentinel.directory)
        let error = await mlopsError { try await exporter.export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == runDirectory)
        try sentinel.expectUntouched()
    }

    @Test func linksAtFilePositionsAreErrorsAndTheirTargetsAreUntouched() async throws {
        let (fixture, experimentID, runID) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let root = scratch + "/mlruns"
        let exporter = MLflowExporter(tracker: fixture.tracker)
        try await exporter.export(to: root)
        let run = experimentID + "/" + MLflowExporter.mlflowRunID(runID)
        for relative in [
            run + "/meta.yaml", run + "/params/lr", run + "/params/layers/count", run + "/metrics/val/loss",
            run + "/tags/owner", run + "/artifacts/model/weights.bin", experimentID + "/meta.yaml",
            experimentID + "/tags/mlops.experiment_id",
        ] {
            let sentinel = try Sentinel(scratch)
            let path = root + "/" + relative
            let original = try ExportMLflowTests.bytes(root, relative)
            try Self.replaceWithLink(path, to: sentinel.file)
            let error = await mlopsError { try await exporter.export(to: root) }
            #expect(error?.code == .conflict, "\(relative)")
            #expect(error?.value == path, "\(relative)")
            try sentinel.expectUntouched(relative)
            // Put the file back for the next position.
            try FileManager.default.removeItem(atPath: path)
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        try await exporter.export(to: root)
    }

    @Test func reExportingKeepsForeignFilesAndReplacesItsOwn() async throws {
        let (fixture, experimentID, runID) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let root = scratch + "/mlruns"
        let exporter = MLflowExporter(tracker: fixture.tracker)
        try await exporter.export(to: root)
        let run = experimentID + "/" + MLflowExporter.mlflowRunID(runID)
        // Files the export did not write: notes, a tag MLflow's client set, an extra artifact, a whole directory.
        let foreign = [
            "README.txt", experimentID + "/notes/todo.txt", run + "/notes.txt", run + "/tags/reviewed",
            run + "/artifacts/extra.bin", run + "/params/added-by-hand",
        ]
        for relative in foreign {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("foreign \(relative)".utf8).write(to: URL(fileURLWithPath: path))
        }
        // What changes between the exports: a new tag, a new point, a deleted tag.
        let handle = try await fixture.tracker.resumeRun(id: runID)
        try await handle.setTag("stage", "reviewed")
        try await handle.deleteTag("owner")
        try await handle.log(metric: "loss", value: 0.125, step: 1)
        try await handle.finish()
        try await exporter.export(to: root)
        for relative in foreign {
            #expect(try ExportMLflowTests.text(root, relative) == "foreign \(relative)", "\(relative)")
        }
        #expect(try ExportMLflowTests.text(root, run + "/tags/stage") == "reviewed")
        #expect(try ExportMLflowTests.text(root, run + "/metrics/loss").hasSuffix(" 0.125 1\n"))
        // Never removed, as documented: the tag deleted since the first export stays.
        #expect(try ExportMLflowTests.text(root, run + "/tags/owner") == "me")
        // No temporary file is left behind.
        let leftovers = try ExportMLflowTests.tree(root).keys.filter { $0.contains(DirectoryHandle.temporaryPrefix) }
        #expect(leftovers.isEmpty)
    }

    @Test func aRunDirectoryWithUnknownContentIsAConflict() async throws {
        let (fixture, experimentID, runID) = try await Self.populated()
        let root = try #require(fixture.scratch).path + "/mlruns"
        let runDirectory = root + "/" + experimentID + "/" + MLflowExporter.mlflowRunID(runID)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: runDirectory + "/data.txt"))
        let error = await mlopsError { try await MLflowExporter(tracker: fixture.tracker).export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == runDirectory)
        #expect(try ExportMLflowTests.text(runDirectory, "data.txt") == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: runDirectory) == ["data.txt"])
        // An empty directory (an interrupted export's) is taken over.
        try FileManager.default.removeItem(atPath: runDirectory + "/data.txt")
        try await MLflowExporter(tracker: fixture.tracker).export(to: root)
        #expect(try ExportMLflowTests.text(runDirectory, "params/lr") == "0.1")
    }

    @Test func aLinkInTheTrashIsNotMovedOrFollowed() async throws {
        let (fixture, experimentID, _) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let sentinel = try Sentinel(scratch)
        let root = scratch + "/mlruns"
        try FileManager.default.createDirectory(atPath: root + "/.trash", withIntermediateDirectories: true)
        try Self.link(root + "/.trash/" + experimentID, to: sentinel.directory)
        let error = await mlopsError { try await MLflowExporter(tracker: fixture.tracker).export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == root + "/.trash/" + experimentID)
        try sentinel.expectUntouched()
        #expect(!FileManager.default.fileExists(atPath: root + "/" + experimentID))
    }

    @Test func anExportInsideTheArtifactStoreIsRefused() async throws {
        let (fixture, _, _) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let objects = scratch + "/objects"
        let before = try ExportMLflowTests.tree(objects)
        try Self.link(scratch + "/to-objects", to: objects)
        for directory in [objects, objects + "/x", scratch + "/to-objects/y", scratch + "/elsewhere/../objects/z"] {
            for format in ["mlflow", "tensorboard", "csv"] {
                let error = await mlopsError { try await Self.export(format, tracker: fixture.tracker, to: directory) }
                #expect(error?.code == .invalidArgument, "\(format) \(directory)")
            }
        }
        #expect(try ExportMLflowTests.tree(objects) == before)
        #expect(!FileManager.default.fileExists(atPath: scratch + "/elsewhere"))
    }

    // MARK: TensorBoard and tables

    @Test func tensorBoardReExportReplacesItsFileAndKeepsOthers() async throws {
        let (fixture, _, runID) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let root = scratch + "/tb"
        try await TensorBoardExporter(tracker: fixture.tracker, options: .init(hostName: "h", processID: 1))
            .export(to: root)
        let runDirectory = root + "/safety/r"
        let first = try FileManager.default.contentsOfDirectory(atPath: runDirectory)
        #expect(first.count == 1)
        // Another writer's event file in the same directory.
        let foreignName = "events.out.tfevents.1.other.9.0"
        var foreign: [UInt8] = []
        TFRecord.append(TensorBoardEvent.fileVersion(wallTime: 1, writer: "someone-else").encoded(), to: &foreign)
        try Data(foreign).write(to: URL(fileURLWithPath: runDirectory + "/" + foreignName))
        let before = try ExportMLflowTests.bytes(runDirectory, first[0])
        let handle = try await fixture.tracker.resumeRun(id: runID)
        try await handle.log(metric: "loss", value: 0.125, step: 1)
        try await handle.finish()
        // Another process (another default file name) exports again: one file of ours, replaced in place.
        try await TensorBoardExporter(tracker: fixture.tracker, options: .init(hostName: "h", processID: 2))
            .export(to: root)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: runDirectory).sorted()
                == (first + [foreignName]).sorted())
        #expect(try ExportMLflowTests.bytes(runDirectory, foreignName) == foreign)
        #expect(try ExportMLflowTests.bytes(runDirectory, first[0]).count > before.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains("tfevents") }.count == 1)

        let sentinel = try Sentinel(scratch)
        try Self.replaceWithLink(runDirectory, to: sentinel.directory)
        let error = await mlopsError { try await TensorBoardExporter(tracker: fixture.tracker).export(to: root) }
        #expect(error?.code == .conflict)
        #expect(error?.value == runDirectory)
        try sentinel.expectUntouched()
    }

    @Test func aLinkAtATableFileIsAnError() async throws {
        let (fixture, _, _) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let sentinel = try Sentinel(scratch)
        let root = scratch + "/tables"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.link(root + "/runs.csv", to: sentinel.file)
        let error = await mlopsError {
            try await RunTableExporter(tracker: fixture.tracker).export(format: .csv, to: root)
        }
        #expect(error?.code == .conflict)
        #expect(error?.value == root + "/runs.csv")
        try sentinel.expectUntouched()
        // The file written before the failure is complete; no temporary file is left.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["experiments.csv", "runs.csv"])
    }

    // MARK: Property

    /// Whatever entry of an earlier export is replaced by a link (to a directory, a file or nothing),
    /// re-exporting either succeeds without touching the link or fails with a `conflict` naming it;
    /// the link's target never changes. `MLOPS_LONG_TESTS=1` runs 300 cases instead of 30.
    @Test func aLinkAnywhereInAnEarlierExportIsNeverFollowed() async throws {
        let cases = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 300 : 30
        let seed: UInt64 = 0x5AFE_0009
        var random = SeededRandom(seed: seed)
        let (fixture, _, _) = try await Self.populated()
        let scratch = try #require(fixture.scratch).path
        let formats = ["mlflow", "tensorboard", "csv"]
        for index in 0..<cases {
            let format = formats[Int(random.next() % 3)]
            let label = "seed \(seed) case \(index) (\(format))"
            let root = scratch + "/case-\(index)"
            try await Self.export(format, tracker: fixture.tracker, to: root)
            let entries = try ExportMLflowTests.tree(root).keys.sorted()
            let victim = root + "/" + entries[Int(random.next() % UInt64(entries.count))]
            let sentinel = try Sentinel(scratch)
            let target = [sentinel.directory, sentinel.file, scratch + "/missing"][Int(random.next() % 3)]
            try Self.replaceWithLink(victim, to: target)
            let error = await mlopsError { try await Self.export(format, tracker: fixture.tracker, to: root) }
            if let error {
                #expect(error.code == .conflict, "\(label): \(victim): \(error)")
                #expect(error.value == victim, "\(label): \(victim): \(error)")
            }
            #expect(
                (try? FileManager.default.destinationOfSymbolicLink(atPath: victim)) == target, "\(label): \(victim)")
            try sentinel.expectUntouched("\(label): \(victim)")
            #expect(!FileManager.default.fileExists(atPath: scratch + "/missing"), "\(label): \(victim)")
        }
    }

    static func export(_ format: String, tracker: ExperimentTracker, to root: String) async throws {
        switch format {
        case "mlflow": try await MLflowExporter(tracker: tracker).export(to: root)
        case "tensorboard":
            try await TensorBoardExporter(tracker: tracker, options: .init(hostName: "h", processID: 1))
                .export(to: root)
        default: try await RunTableExporter(tracker: tracker).export(format: .csv, to: root)
        }
    }
}
