import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// Search sees the tags the MLflow export derives from a run's ID and captured
/// environment (`mlops.run_id`, `mlflow.source.git.*`, `mlflow.source.name`,
/// `mlops.env.*`): every tag file the export writes is found by search with its
/// value, and `IS NULL` finds exactly the runs whose export lacks the tag.
@Suite struct DerivedTagSearchTests {
    /// Three runs: two with the process's environment (one whose stored git commit tag differs from
    /// the environment's, so the export adds `mlops.env.git_commit`), one without an environment.
    static func populate(_ metadata: any KeyValueStore, _ blobs: any BlobStore) async throws -> [String] {
        let capturing = ExperimentTracker(
            metadata: metadata, artifacts: blobs, options: .init(captureEnvironment: true, user: "tester"))
        let plain = ExperimentTracker(
            metadata: metadata, artifacts: blobs, options: .init(captureEnvironment: false, user: "tester"))
        var ids: [String] = []
        for (tracker, tags) in [
            (capturing, ["team": "vision"]), (capturing, [TrackingTags.gitCommit: "0000000", "mlops.env.os": "mine"]),
            (plain, ["team": "nlp"]),
        ] {
            let run = try await tracker.startRun(experiment: "derived", tags: tags)
            try await run.log(param: "lr", value: "0.1")
            try await run.finish()
            ids.append(run.runID)
        }
        return ids
    }

    /// The tags of each run as the MLflow export wrote them, by swift-mlops run ID.
    static func exportedTags(_ tracker: ExperimentTracker, into directory: String) async throws -> [String: [String:
        String]]
    {
        try await MLflowExporter(tracker: tracker).export(to: directory)
        var result: [String: [String: String]] = [:]
        let fileManager = FileManager.default
        for experiment in try fileManager.contentsOfDirectory(atPath: directory) where !experiment.hasPrefix(".") {
            let experimentDirectory = directory + "/" + experiment
            for run in try fileManager.contentsOfDirectory(atPath: experimentDirectory) {
                let tagDirectory = experimentDirectory + "/" + run + "/tags"
                guard let keys = try? fileManager.contentsOfDirectory(atPath: tagDirectory) else { continue }
                var tags: [String: String] = [:]
                for key in keys {
                    tags[key] = try String(contentsOfFile: tagDirectory + "/" + key, encoding: .utf8)
                }
                if let id = tags[MLflowExporter.runIDTag] { result[id] = tags }
            }
        }
        return result
    }

    @Test func searchSeesEveryTagTheExportWrites() async throws {
        let scratch = try TrackingScratch()
        let metadata = InMemoryKeyValueStore()
        let blobs = InMemoryBlobStore()
        let ids = try await Self.populate(metadata, blobs)
        let tracker = ExperimentTracker(metadata: metadata, artifacts: blobs, options: .init(user: "tester"))
        let exported = try await Self.exportedTags(tracker, into: scratch.path + "/mlruns")
        #expect(Set(exported.keys) == Set(ids))
        let environmentKeys = Set(exported.values.flatMap(\.keys)).filter { $0.hasPrefix("mlops.env.") }
        #expect(environmentKeys.contains("mlops.env.host"))
        // The second run's stored commit differs from its environment's, if it has one.
        let environmentCommit = try await tracker.run(id: ids[1]).environment?.gitCommit
        #expect(exported[ids[1]]?["mlops.env.git_commit"] == environmentCommit)
        #expect(exported[ids[1]]?["mlops.env.os"] == "mine")
        // A fresh tracker has no environments cached: its first search loads them.
        let fresh = ExperimentTracker(metadata: metadata, artifacts: blobs, options: .init(user: "tester"))
        let allKeys = Set(exported.values.flatMap(\.keys)).subtracting([TrackingTags.parentRunID])
        for searcher in [fresh, tracker] {
            for (id, tags) in exported {
                for (key, value) in tags where key != TrackingTags.parentRunID {
                    let page = try await searcher.searchRuns(filter: try RunFilter(FilterField.tag(key) == value))
                    #expect(page.runs.map(\.id).contains(id), "tags.\(key) = '\(value)' misses \(id)")
                    let expected = Set(exported.filter { $0.value[key] == value }.map(\.key))
                    #expect(Set(page.runs.map(\.id)) == expected, "tags.\(key) = '\(value)'")
                }
            }
            for key in allKeys {
                let missing = try await searcher.searchRuns(filter: try RunFilter(FilterField.tag(key).isNull()))
                #expect(
                    Set(missing.runs.map(\.id)) == Set(exported.filter { $0.value[key] == nil }.map(\.key)),
                    "tags.\(key) IS NULL")
                let present = try await searcher.searchRuns(filter: try RunFilter("tags.`\(key)` IS NOT NULL"))
                #expect(Set(present.runs.map(\.id)) == Set(exported.filter { $0.value[key] != nil }.map(\.key)))
            }
        }
        // The decoded runs answer the same, through RunFilterSubject.
        for run in try await tracker.listRuns() {
            for (key, value) in exported[run.id] ?? [:] where key != TrackingTags.parentRunID {
                #expect(run.tag(key) == value, "\(run.id) tags.\(key)")
            }
            #expect(run.tags[MLflowExporter.runIDTag] == nil, "the stored tags stay as logged")
        }
    }

    @Test func runsCanBeOrderedByADerivedTag() async throws {
        let metadata = InMemoryKeyValueStore()
        let blobs = InMemoryBlobStore()
        let ids = try await Self.populate(metadata, blobs)
        let tracker = ExperimentTracker(metadata: metadata, artifacts: blobs, options: .init(user: "tester"))
        let ascending = try await tracker.searchRuns(orderBy: ["tags.`mlops.run_id` ASC"])
        #expect(ascending.runs.map(\.id) == ids.sorted())
        let descending = try await tracker.searchRuns(
            filter: "tags.`mlops.env.host` IS NOT NULL", orderBy: ["tags.`mlops.run_id` DESC"])
        #expect(descending.runs.map(\.id) == Array(ids.prefix(2).sorted().reversed()))
    }

    @Test func aStoredRunIDTagIsReplacedAsTheExportReplacesIt() async throws {
        let tracker = ExperimentTracker(
            metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore(),
            options: .init(captureEnvironment: false, user: "tester"))
        let run = try await tracker.startRun(experiment: "spoof", tags: [MLflowExporter.runIDTag: "someone-else"])
        try await run.finish()
        #expect(try await tracker.searchRuns(filter: "tags.`mlops.run_id` = 'someone-else'").runs.isEmpty)
        #expect(try await tracker.searchRuns(filter: "tags.`mlops.run_id` = '\(run.runID)'").runs.count == 1)
        // Without an environment, no environment tag exists.
        #expect(try await tracker.searchRuns(filter: "tags.`mlflow.source.git.dirty` IS NOT NULL").runs.isEmpty)
    }
}
