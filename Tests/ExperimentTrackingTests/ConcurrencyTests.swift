import ExperimentTracking
import MLOpsCore
import MLOpsTestKit
import Testing

@Suite struct ConcurrencyTests {
    @Test(arguments: Backend.allCases)
    func manyTasksLogIntoOneRun(_ backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend, capacity: 512, maxPointsPerCommit: 300)
        let run = try await fixture.tracker.startRun(experiment: "concurrent")
        let tasks = 16
        let perTask = 250
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    try await run.log(params: ["task\(task)": String(task)])
                    for i in 0..<perTask {
                        try await run.log(metric: "t\(task)", value: Double(i), step: Int64(i))
                        try await run.log(metric: "all", value: Double(task), step: Int64(task * perTask + i))
                    }
                    try await run.setTag("task\(task)", "done")
                }
            }
            try await group.waitForAll()
        }
        try await run.finish()
        let stored = try await fixture.tracker.run(id: run.runID)
        #expect(stored.params.count == tasks)
        #expect(stored.tags.keys.filter { $0.hasPrefix("task") }.count == tasks)
        for task in 0..<tasks {
            let history = try await fixture.tracker.metricHistory(runID: run.runID, key: "t\(task)")
            #expect(history.map(\.step) == (0..<Int64(perTask)).map { $0 })
        }
        let all = try await fixture.tracker.metricHistory(runID: run.runID, key: "all")
        #expect(all.map(\.step) == (0..<Int64(tasks * perTask)).map { $0 })
        #expect(stored.metrics["all"]?.step == Int64(tasks * perTask - 1))
    }

    @Test(arguments: Backend.allCases)
    func manyRunsLogConcurrently(_ backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let runs = 24
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<runs {
                group.addTask {
                    try await fixture.tracker.withRun(experiment: "many", name: "run-\(index)") { run in
                        try await run.log(params: ["index": String(index)])
                        for step in 0..<100 {
                            try await run.log(
                                metrics: ["loss": 1 / Double(step + 1), "index": Double(index)], step: Int64(step))
                        }
                        return run.runID
                    }
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        let found = try await fixture.tracker.searchRuns(experimentIDs: [], filter: "attributes.status = 'FINISHED'")
        #expect(Set(found.runs.map(\.id)) == Set(ids))
        for run in found.runs {
            #expect(run.metrics["index"]?.value == Double(run.params["index"] ?? "") ?? -1)
            #expect(try await fixture.tracker.metricHistory(runID: run.id, key: "loss").count == 100)
        }
    }
}

@Suite struct QueueOrderTests {
    /// More run changes than one transaction takes are queued before a flush: every run's
    /// points must still land with or after its creation, never before.
    @Test func pointsNeverOvertakeTheRunChangesBeforeThem() async throws {
        // Slow commits let the queue grow past one transaction's worth of changes.
        let slow = FaultyKeyValueStore(
            wrapping: InMemoryKeyValueStore(), plan: .delay(.milliseconds(20), operations: .commit))
        let tracker = ExperimentTracker(
            metadata: slow, artifacts: InMemoryBlobStore(),
            options: .init(maxPointsPerCommit: 1_000_000, maxChangesPerCommit: 100, captureEnvironment: false))
        let experiment = try await tracker.createExperiment(name: "queue")
        var ids: [String] = []
        for index in 0..<600 {
            let run = try await tracker.startRun(experimentID: experiment.id, name: "r\(index)")
            try await run.log(param: "index", value: String(index))
            try await run.log(metric: "m", value: Double(index))
            try await run.end()
            ids.append(run.runID)
        }
        try await tracker.flush()
        #expect(slow.operationCount(.commit) >= 3)
        let runs = try await tracker.listRuns(experimentIDs: [experiment.id])
        #expect(runs.count == 600)
        #expect(
            runs.allSatisfy {
                $0.info.status == .finished && $0.metrics["m"]?.value == Double($0.params["index"] ?? "")
            })
        #expect(try await tracker.metricHistory(runID: ids[599], key: "m").map(\.value) == [599])
    }
}
