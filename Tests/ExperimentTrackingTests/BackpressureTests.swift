import ExperimentTracking
import MLOpsCore
import MLOpsTestKit
import Testing

@Suite struct BackpressureTests {
    @Test func aFullBufferMakesCallersWaitAndEveryPointLands() async throws {
        let base = InMemoryKeyValueStore()
        let slow = FaultyKeyValueStore(wrapping: base, plan: .delay(.milliseconds(5), operations: .commit))
        let capacity = 64
        let tracker = ExperimentTracker(
            metadata: slow, artifacts: InMemoryBlobStore(),
            options: .init(bufferCapacity: capacity, maxPointsPerCommit: 16, captureEnvironment: false))
        let run = try await tracker.startRun(experiment: "pressure")
        let total = 2_000
        let clock = ContinuousClock()
        var slowest = Duration.zero
        for step in 0..<total {
            let started = clock.now
            try await run.log(metric: "loss", value: Double(step), step: Int64(step))
            slowest = max(slowest, clock.now - started)
        }
        // Batches of up to 40 points in one call are admitted whole.
        let batch = (0..<40).map { Metric(key: "batch", value: Double($0), step: Int64($0), timestamp: 1) }
        for _ in 0..<10 { try await run.log(metrics: batch) }
        try await run.finish()
        // The buffer never held more than its capacity, so callers must have waited.
        #expect(tracker.peakBufferedCount <= capacity)
        #expect(slowest > .milliseconds(1))
        #expect(slow.operationCount(.commit) > total / 16)
        let history = try await tracker.metricHistory(runID: run.runID, key: "loss")
        #expect(history.map(\.step) == (0..<Int64(total)).map { $0 })
        #expect(try await tracker.metricHistory(runID: run.runID, key: "batch").count == 400)
    }

    @Test func aBatchLargerThanTheBufferIsSplitNotRefused() async throws {
        let tracker = ExperimentTracker(
            metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore(),
            options: .init(bufferCapacity: 10, maxPointsPerCommit: 4, captureEnvironment: false))
        let run = try await tracker.startRun(experiment: "split")
        let batch = (0..<1_000).map { Metric(key: "m", value: Double($0), step: Int64($0), timestamp: 1) }
        try await run.log(metrics: batch)
        try await run.finish()
        #expect(tracker.peakBufferedCount <= 10)
        #expect(try await tracker.metricHistory(runID: run.runID, key: "m").count == 1_000)
    }

    @Test func aWriterFailureIsThrownByTheNextCallNeverDropped() async throws {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let tracker = ExperimentTracker(
            metadata: faulty, artifacts: InMemoryBlobStore(), options: .init(captureEnvironment: false))
        let run = try await tracker.startRun(experiment: "faults")
        try await run.flush()
        faulty.setPlan(.failWrites(after: 0, operations: .commit))
        try await run.log(metric: "loss", value: 1)
        let error = await mlopsError { try await run.flush() }
        #expect(error?.code == .injectedFault)
        #expect(error?.message.contains("could not store 1 metric points") == true)
        // While the store keeps failing, every flush says so: the point is kept, not dropped.
        let again = await mlopsError { try await run.flush() }
        #expect(again?.code == .injectedFault)
        // The store works again: the kept point is stored first, then what came after it.
        faulty.setPlan(.none)
        try await run.log(metric: "loss", value: 2)
        try await run.finish()
        #expect(try await tracker.metricHistory(runID: run.runID, key: "loss").map(\.value) == [1, 2])
    }

    @Test func callersWaitingForRoomGetTheFailureInsteadOfHanging() async throws {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let tracker = ExperimentTracker(
            metadata: faulty, artifacts: InMemoryBlobStore(),
            options: .init(bufferCapacity: 4, captureEnvironment: false))
        let run = try await tracker.startRun(experiment: "faults")
        try await run.flush()
        faulty.setPlan(.failWrites(after: 0, operations: .commit))
        var accepted: [Double] = []
        var failures = 0
        for step in 0..<40 {
            do {
                try await run.log(metric: "loss", value: Double(step), step: Int64(step))
                accepted.append(Double(step))
            } catch let error as MLOpsError where error.code == .injectedFault {
                failures += 1
            }
        }
        #expect(failures > 0)
        faulty.setPlan(.none)
        try await tracker.close()
        // Every accepted point is stored, in order; nothing refused was stored.
        #expect(try await tracker.metricHistory(runID: run.runID, key: "loss").map(\.value) == accepted)
        let closed = await mlopsError { try await run.log(metric: "loss", value: 99) }
        #expect(closed?.code == .invalidState)
    }

    @Test func aTransientFailureIsRetriedWithoutLoss() async throws {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let tracker = ExperimentTracker(
            metadata: faulty, artifacts: InMemoryBlobStore(), options: .init(captureEnvironment: false))
        let run = try await tracker.startRun(experiment: "faults")
        try await run.flush()
        faulty.setPlan(.failNthWrite(1, operations: .commit))
        for step in 0..<100 { try await run.log(metric: "loss", value: Double(step), step: Int64(step)) }
        try await run.finish()
        #expect(faulty.injectedFaultCount == 1)
        #expect(try await tracker.metricHistory(runID: run.runID, key: "loss").count == 100)
    }

    @Test func aFailureInsideWithRunStillMarksTheRun() async throws {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let tracker = ExperimentTracker(
            metadata: faulty, artifacts: InMemoryBlobStore(), options: .init(captureEnvironment: false))
        var runID = ""
        let error = await mlopsError {
            try await tracker.withRun(experiment: "faults") { run in
                runID = run.runID
                try await run.flush()
                faulty.setPlan(
                    .failNthWrite(1, operations: .commit).adding(.failNthWrite(2, operations: .commit))
                        .adding(.failNthWrite(3, operations: .commit)))
                try await run.log(metric: "loss", value: 1)
                try await run.flush()
            }
        }
        #expect(error?.code == .injectedFault)
        let stored = try await tracker.run(id: runID)
        #expect(stored.info.status == .failed)
        #expect(stored.tags[TrackingTags.error]?.contains("background tracking writer") == true)
    }
}
