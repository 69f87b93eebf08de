import MLOpsCore
import Synchronization
import Testing

/// `BlockingExecutor`: jobs run on its own threads in order, callers suspend (or, for
/// `runAndWait`, block) until their job is done, and shutting down ends the threads.
struct BlockingExecutorTests {
    final class Log: Sendable {
        let entries = Mutex<[Int]>([])
        func append(_ value: Int) { entries.withLock { $0.append(value) } }
        var all: [Int] { entries.withLock { $0 } }
    }

    final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test func aSerialExecutorRunsJobsInSubmissionOrderOffTheCallersThread() async throws {
        let executor = BlockingExecutor(name: "test-serial", threadCount: 1)
        defer { executor.shutdown() }
        let log = Log()
        for index in 0..<50 {
            #expect(executor.submit { log.append(index) })
        }
        let onExecutor = try await executor.run { executor.isCurrent }
        #expect(onExecutor)
        #expect(!executor.isCurrent)
        #expect(log.all == Array(0..<50))
        #expect(executor.liveThreadCount == 1)
    }

    @Test func jobsRunInParallelUpToTheThreadCount() async throws {
        let executor = BlockingExecutor(name: "test-parallel", threadCount: 3)
        defer { executor.shutdown() }
        // Three jobs that each wait (at most 10 s) until all three have started: they all see the three
        // only if they run at once.
        let started = Count()
        let sawAllThree = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await executor.run {
                        started.value.add(1, ordering: .sequentiallyConsistent)
                        let deadline = ContinuousClock.now + .seconds(10)
                        while started.value.load(ordering: .sequentiallyConsistent) < 3
                            && ContinuousClock.now < deadline
                        {
                            Platform.sleep(for: .milliseconds(1))
                        }
                        return started.value.load(ordering: .sequentiallyConsistent) == 3
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(sawAllThree == [true, true, true])
        #expect(executor.liveThreadCount == 3)
    }

    @Test func errorsAndResultsComeBackToTheCaller() async throws {
        let executor = BlockingExecutor(name: "test-errors", threadCount: 2)
        defer { executor.shutdown() }
        #expect(try await executor.run { 6 * 7 } == 42)
        let error = try await #require(throws: MLOpsError.self) {
            try await executor.run { throw MLOpsError(.conflict, "from the job") }
        }
        #expect(error.code == .conflict)
    }

    @Test func lendingRunsANonSendableBodyWhileTheCallerWaits() async throws {
        let executor = BlockingExecutor(name: "test-lending", threadCount: 1)
        defer { executor.shutdown() }
        var total = 0  // mutated by the body on the executor's thread, read here after it returns
        let result = try await executor.run(lending: {
            for value in 1...100 { total += value }
            return executor.isCurrent
        })
        #expect(result)
        #expect(total == 5_050)
        var calls = 0
        let error = try await #require(throws: MLOpsError.self) {
            try await executor.run(lending: {
                calls += 1
                throw MLOpsError(.busy, "lent body failed")
            })
        }
        #expect(error.code == .busy)
        #expect(calls == 1)
    }

    @Test func runAndWaitBlocksTheCallerAndRunsInlineOnItsOwnThread() async throws {
        let executor = BlockingExecutor(name: "test-wait", threadCount: 1)
        defer { executor.shutdown() }
        var steps: [String] = []
        let nested = try executor.runAndWait {
            steps.append("outer")
            // On the executor's only thread: queueing would deadlock, so this runs inline.
            return try executor.runAndWait {
                steps.append("inner")
                return executor.isCurrent
            }
        }
        #expect(nested)
        #expect(steps == ["outer", "inner"])
    }

    @Test func shutdownFinishesQueuedJobsEndsTheThreadsAndRefusesMore() async throws {
        let executor = BlockingExecutor(name: "test-shutdown", threadCount: 2)
        let log = Log()
        for index in 0..<20 {
            executor.submit {
                Platform.sleep(for: .microseconds(200))
                log.append(index)
            }
        }
        executor.shutdown()
        #expect(log.all.sorted() == Array(0..<20))
        #expect(executor.liveThreadCount == 0)
        #expect(executor.pendingJobCount == 0)
        #expect(!executor.submit {})
        let error = try await #require(throws: MLOpsError.self) { try await executor.run { 1 } }
        #expect(error.code == .invalidState)
        #expect(throws: MLOpsError.self) { try executor.runAndWait { 1 } }
        executor.shutdown()  // again: nothing happens
    }

    @Test func shutdownFromTheExecutorsOwnThreadDoesNotWaitForItself() async throws {
        let executor = BlockingExecutor(name: "test-self", threadCount: 1)
        try await executor.run { executor.shutdown() }
        executor.shutdown()  // from outside: waits for the thread to end
        #expect(executor.liveThreadCount == 0)
    }

    @Test func theSharedExecutorHasAtLeastFourThreads() async throws {
        #expect(BlockingExecutor.shared.threadCount >= 4)
        #expect(try await BlockingExecutor.shared.run { BlockingExecutor.shared.isCurrent })
    }
}
