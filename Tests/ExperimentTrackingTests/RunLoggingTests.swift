import ExperimentTracking
import MLOpsCore
import Testing

struct TrainingFailure: Error, CustomStringConvertible {
    var description: String { "loss diverged at step 7" }
}

@Suite struct RunLoggingTests {
    @Test(arguments: Backend.allCases)
    func aRunRoundTripsEverythingLogged(_ backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "roundtrip", name: "first", tags: ["team": "vision"])
        try await run.log(params: ["lr": "0.01", "optimizer": "adam"])
        try await run.log(param: "depth", value: 6)
        try await run.log(metric: "loss", value: 0.5, step: 1)
        try await run.log(metric: "loss", value: 0.25, step: 2)
        try await run.log(metrics: ["acc": 0.9, "nan": .nan, "inf": .infinity, "ninf": -.infinity], step: 3)
        try await run.setTag("note", "hello")
        try await run.logInput(
            DatasetInput(
                name: "train.csv", digest: "abc123", context: "training", source: "data/train.csv",
                sourceType: "local", dataVersionID: "01JV"))
        try await run.finish()

        let stored = try await tracker.run(id: run.runID)
        #expect(stored.info.runName == "first")
        #expect(stored.info.status == .finished)
        #expect(stored.info.endTime != nil)
        #expect(stored.info.userID == "tester")
        #expect(stored.info.artifactURI == "runs/\(run.runID)/artifacts")
        #expect(stored.params == ["lr": "0.01", "optimizer": "adam", "depth": "6"])
        #expect(stored.tags["team"] == "vision")
        #expect(stored.tags["note"] == "hello")
        #expect(stored.tags[TrackingTags.runName] == "first")
        #expect(stored.tags[TrackingTags.user] == "tester")
        #expect(stored.metrics["loss"]?.value == 0.25)
        #expect(stored.metrics["loss"]?.step == 2)
        #expect(stored.metrics["acc"]?.value == 0.9)
        #expect(stored.metrics["nan"]?.value.isNaN == true)
        #expect(stored.metrics["inf"]?.value == .infinity)
        #expect(stored.metrics["ninf"]?.value == -.infinity)
        #expect(stored.inputs.count == 1)
        #expect(stored.inputs.first?.dataVersionID == "01JV")
        #expect(stored.environment == nil)

        let history = try await tracker.metricHistory(runID: run.runID, key: "nan")
        #expect(history.count == 1)
        #expect(history.first?.value.isNaN == true)
        #expect(try await tracker.metricHistory(runID: run.runID, key: "loss").map(\.value) == [0.5, 0.25])
        #expect(try await tracker.metricHistory(runID: run.runID, key: "never").isEmpty)
    }

    @Test func nanPayloadsAndSignedZeroSurviveBitForBit() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "bits")
        let values: [Double] = [
            .nan, -.nan, Double(nan: 0x1234, signaling: false), -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            .infinity, -.infinity,
        ]
        try await run.log(
            metrics: values.enumerated().map { Metric(key: "v", value: $1, step: Int64($0), timestamp: 5) })
        try await run.finish()
        let history = try await tracker.metricHistory(runID: run.runID, key: "v")
        #expect(history.map(\.value.bitPattern) == values.map(\.bitPattern))
    }

    @Test func paramsAreImmutable() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "params")
        try await run.log(params: ["lr": "0.01"])
        try await run.log(params: ["lr": "0.01"])  // Same value: a no-op.
        let error = await mlopsError { try await run.log(params: ["lr": "0.02", "batch": "32"]) }
        #expect(error?.code == .conflict)
        #expect(error?.value == "lr")
        #expect(error?.message.contains("'0.01'") == true)
        #expect(error?.message.contains("'0.02'") == true)
        try await run.finish()
        // Nothing of the rejected call was logged.
        #expect(try await tracker.run(id: run.runID).params == ["lr": "0.01"])

        // A second handle on the same run (resume) knows the stored params.
        let resumed = try await tracker.resumeRun(id: run.runID)
        #expect(await mlopsError { try await resumed.log(param: "lr", value: "0.5") }?.code == .conflict)
        try await resumed.log(param: "batch", value: "64")
        try await resumed.finish()
        #expect(try await tracker.run(id: run.runID).params == ["lr": "0.01", "batch": "64"])
    }

    @Test func aConflictFromAnotherWriterIsReportedByTheNextCall() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let run = try await fixture.tracker.startRun(experiment: "params")
        try await run.flush()
        // A second tracker on the same store resumes the run before the param is logged.
        let other = ExperimentTracker(
            metadata: fixture.metadata, artifacts: fixture.blobs,
            options: .init(captureEnvironment: false))
        let otherHandle = try await other.resumeRun(id: run.runID)
        try await otherHandle.flush()
        try await run.log(param: "lr", value: "0.01")
        try await run.flush()
        try await otherHandle.log(param: "lr", value: "0.9")  // Queued; the writer finds the conflict.
        let error = await mlopsError { try await otherHandle.flush() }
        #expect(error?.code == .conflict)
        #expect(error?.value == "lr")
        #expect(try await fixture.tracker.run(id: run.runID).params["lr"] == "0.01")
    }

    @Test func nestedRuns() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let parent = try await tracker.startRun(experiment: "hpo", name: "sweep")
        let child = try await parent.startChildRun(name: "trial-1")
        let grandchild = try await tracker.startRun(experiment: "hpo", name: "fold-1", parentRunID: child.runID)
        try await grandchild.finish()
        try await child.finish()
        try await parent.finish()
        let stored = try await tracker.run(id: child.runID)
        #expect(stored.info.parentRunID == parent.runID)
        #expect(stored.tags[TrackingTags.parentRunID] == parent.runID)
        #expect(try await tracker.run(id: grandchild.runID).info.parentRunID == child.runID)
        let children = try await tracker.searchRuns(filter: "tags.`mlflow.parentRunId` = '\(parent.runID)'")
        #expect(children.runs.map(\.id) == [child.runID])
        let missing = await mlopsError { _ = try await tracker.startRun(experiment: "hpo", parentRunID: "01JNOPE") }
        #expect(missing?.code == .notFound)
    }

    @Test func withRunMarksFailureWithTheErrorText() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let tracker = fixture.tracker
        var failedID = ""
        await #expect(throws: TrainingFailure.self) {
            try await tracker.withRun(experiment: "train", name: "doomed") { run in
                failedID = run.runID
                try await run.log(metric: "loss", value: 1, step: 0)
                throw TrainingFailure()
            }
        }
        let failed = try await tracker.run(id: failedID)
        #expect(failed.info.status == .failed)
        #expect(failed.info.endTime != nil)
        #expect(failed.tags[TrackingTags.error] == "loss diverged at step 7")
        #expect(failed.tags[TrackingTags.note] == "loss diverged at step 7")
        #expect(failed.metrics["loss"]?.value == 1)

        let value = try await tracker.withRun(experiment: "train", name: "fine") { run in
            try await run.log(metric: "loss", value: 0.1, step: 0)
            return run.runID
        }
        let fine = try await tracker.run(id: value)
        #expect(fine.info.status == .finished)
        #expect(fine.tags[TrackingTags.error] == nil)
    }

    @Test func endedRunsRefuseLoggingAndGeneratedNamesLookLikeMLflows() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "names")
        #expect(run.name.split(separator: "-").count == 3)
        #expect(Int(run.name.split(separator: "-").last ?? "") != nil)
        try await run.finish(status: .killed)
        #expect(await mlopsError { try await run.log(metric: "x", value: 1) }?.code == .invalidState)
        #expect(await mlopsError { try await run.finish() }?.code == .invalidState)
        #expect(await mlopsError { try await run.end(status: .running) }?.code == .invalidArgument)
        #expect(try await tracker.run(id: run.runID).info.status == .killed)
        let resumed = try await tracker.resumeRun(id: run.runID)
        try await resumed.flush()
        let reopened = try await tracker.run(id: run.runID)
        #expect(reopened.info.status == .running)
        #expect(reopened.info.endTime == nil)
    }

    @Test func tagsAreMutableAndRunNameFollowsItsTag() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "tags", name: "before")
        try await run.setTag("stage", "dev")
        try await run.setTag("stage", "prod")
        try await run.setTag(TrackingTags.runName, "after")
        try await run.setTag("gone", "x")
        try await run.deleteTag("gone")
        try await run.flush()
        let stored = try await tracker.run(id: run.runID)
        #expect(stored.tags["stage"] == "prod")
        #expect(stored.tags["gone"] == nil)
        #expect(stored.info.runName == "after")
    }

    @Test func deletedRunsLeaveSearchesUntilRestored() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "lifecycle")
        try await run.finish()
        try await tracker.deleteRun(id: run.runID)
        #expect(try await tracker.searchRuns().runs.isEmpty)
        #expect(try await tracker.searchRuns(viewType: .deletedOnly).runs.map(\.id) == [run.runID])
        #expect(try await tracker.run(id: run.runID).info.lifecycleStage == .deleted)
        try await tracker.restoreRun(id: run.runID)
        #expect(try await tracker.searchRuns().runs.map(\.id) == [run.runID])
        #expect(await mlopsError { try await tracker.deleteRun(id: "01NOPE") }?.code == .notFound)
        #expect(await mlopsError { _ = try await tracker.run(id: "01NOPE") }?.code == .notFound)
    }

    @Test func theEnvironmentIsCapturedWhenAsked() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = ExperimentTracker(metadata: fixture.metadata, artifacts: fixture.blobs)
        let run = try await tracker.startRun(experiment: "env")
        try await run.finish()
        let other = try await tracker.startRun(experiment: "env")
        try await other.finish()
        // One environment record, shared by both runs.
        let stored = try await fixture.metadata.scan(.prefix(StorageKey("tracking", "env").bytes))
        #expect(stored.count == 1)
        #expect(try await tracker.run(id: other.runID).environment == RunEnvironment.current)
        // A fresh tracker (no cache) reads it back too.
        let fresh = ExperimentTracker(metadata: fixture.metadata, artifacts: fixture.blobs)
        #expect(try await fresh.searchRuns().runs.allSatisfy { $0.environment == RunEnvironment.current })
        let environment = try #require(try await tracker.run(id: run.runID).environment)
        #expect(!environment.host.isEmpty)
        #expect(!environment.operatingSystem.isEmpty)
        #expect(environment.swiftVersion == RunEnvironment.compilerVersion)
        #expect(environment.cpuCount > 0)
        #expect(environment.commandLine == RunEnvironment.redactingSecrets(CommandLine.arguments))
        #if os(Linux)
            #expect(!environment.cpuModel.isEmpty)
        #endif
        if let commit = environment.gitCommit {
            #expect(commit.count == 40)
            #expect(environment.gitDirty != nil)
            #expect(try await tracker.run(id: run.runID).tags[TrackingTags.gitCommit] == commit)
        }
    }
}
