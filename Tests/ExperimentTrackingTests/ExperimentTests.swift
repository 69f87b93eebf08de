import ExperimentTracking
import MLOpsCore
import Testing

@Suite struct ExperimentTests {
    @Test(arguments: Backend.allCases)
    func createListRenameDeleteRestore(_ backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let tracker = fixture.tracker
        let defaultExperiment = try await tracker.createExperiment(name: "Default")
        #expect(defaultExperiment.id == "0")
        let a = try await tracker.createExperiment(name: "alpha", tags: ["team": "vision"])
        let b = try await tracker.createExperiment(name: "beta")
        #expect(a.id == "1")
        #expect(b.id == "2")
        #expect(a.tags == ["team": "vision"])
        #expect(a.lifecycleStage == .active)
        #expect(try await tracker.listExperiments().map(\.name) == ["Default", "alpha", "beta"])

        let duplicate = await mlopsError { try await tracker.createExperiment(name: "alpha") }
        #expect(duplicate?.code == .conflict)
        #expect(duplicate?.message.contains("'alpha'") == true)

        try await tracker.deleteExperiment(id: a.id)
        #expect(try await tracker.listExperiments().map(\.name) == ["Default", "beta"])
        #expect(try await tracker.listExperiments(viewType: .deletedOnly).map(\.id) == [a.id])
        #expect(try await tracker.experiment(named: "alpha") == nil)
        #expect(try await tracker.experiment(id: a.id).lifecycleStage == .deleted)

        // The name is free again; restoring the old one then conflicts.
        let again = try await tracker.createExperiment(name: "alpha")
        #expect(again.id == "3")
        #expect(await mlopsError { try await tracker.restoreExperiment(id: a.id) }?.code == .conflict)
        try await tracker.renameExperiment(id: again.id, to: "alpha-2")
        try await tracker.restoreExperiment(id: a.id)
        #expect(try await tracker.experiment(named: "alpha")?.id == a.id)
        #expect(try await tracker.experiment(named: "alpha-2")?.id == again.id)

        try await tracker.setExperimentTag(id: b.id, key: "owner", value: "ml")
        #expect(try await tracker.experiment(id: b.id).tags == ["owner": "ml"])
        try await tracker.setExperimentTag(id: b.id, key: "owner", value: nil)
        #expect(try await tracker.experiment(id: b.id).tags.isEmpty)

        #expect(await mlopsError { _ = try await tracker.experiment(id: "99") }?.code == .notFound)
        #expect(await mlopsError { try await tracker.createExperiment(name: "  ") }?.code == .invalidArgument)
        #expect(await mlopsError { try await tracker.deleteExperiment(id: "99") }?.code == .notFound)
    }

    @Test func runsCannotStartInADeletedExperiment() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let experiment = try await tracker.createExperiment(name: "gone")
        try await tracker.deleteExperiment(id: experiment.id)
        let error = await mlopsError { _ = try await tracker.startRun(experimentID: experiment.id, name: nil) }
        #expect(error?.code == .invalidState)
        // By name, a deleted experiment's name is free: a new experiment is made.
        let run = try await tracker.startRun(experiment: "gone")
        #expect(run.experimentID != experiment.id)
    }

    @Test func startRunCreatesTheDefaultExperimentAsZero() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun()
        #expect(run.experimentID == "0")
        #expect(try await tracker.experiment(id: "0").name == "Default")
    }
}
