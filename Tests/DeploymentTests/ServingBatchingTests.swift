import Deployment
import InferenceCore
import MLOpsCore
import Synchronization
import Testing

@Suite struct ServingBatchingTests {
    /// Concurrent requests share model calls of at most `maxBatchSize` rows, each caller gets its
    /// own rows back in order.
    @Test func batchesRespectTheMaximumSizeAndSplitInOrder() async throws {
        let server = ModelServer()
        let policy = BatchingPolicy(maxBatchSize: 4, maxQueueDelay: .milliseconds(20))
        try await server.deploy(try ServingModels.scale(3), name: "m", version: 1, batching: policy)
        let count = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let rows = index % 3 + 1
                    let request = try ServingModels.request(rows: rows, start: Float(index * 100))
                    let response = try await server.infer(request)
                    let expected = (request.inputs[0].tensor.float32Values ?? []).map { $0 * 3 }
                    #expect(ServingModels.values(response) == expected)
                    #expect(response.outputs[0].tensor.shape == [rows, 4])
                }
            }
            try await group.waitForAll()
        }
        let metrics = try #require(server.metrics().version("m", 1))
        let rows = (0..<count).reduce(0) { $0 + $1 % 3 + 1 }
        #expect(metrics.batchedRows == rows)
        #expect(metrics.requests == count)
        // Buckets: ≤1, ≤2, ≤4, ≤8, …: nothing above 4 rows.
        #expect(metrics.batchSizeBuckets.dropFirst(3).allSatisfy { $0 == 0 })
        #expect(metrics.batches < count)  // some requests shared a call
        #expect(metrics.queueDepth == 0)
    }

    /// A request that waits alone leaves after the delay, not before (a lower bound, not a timing
    /// assertion on speed); a request larger than the maximum runs alone.
    @Test func aLoneRequestWaitsForTheDelay() async throws {
        let server = ModelServer()
        let delay = Duration.milliseconds(30)
        try await server.deploy(
            try ServingModels.scale(2), name: "m", version: 1,
            batching: BatchingPolicy(maxBatchSize: 4, maxQueueDelay: delay))
        let start = ContinuousClock.now
        let response = try await server.infer(try ServingModels.request())
        #expect(ContinuousClock.now - start >= delay)
        #expect(ServingModels.values(response) == [0, 2, 4, 6])
        let large = try await server.infer(try ServingModels.request(rows: 9))
        #expect(large.outputs[0].tensor.shape == [9, 4])
        let metrics = try #require(server.metrics().version("m", 1))
        #expect(metrics.batchSizeBuckets[4] == 1)  // the 9-row call: ≤ 16
    }

    /// A preferred size leaves at once instead of waiting out a long delay.
    @Test func preferredSizeDispatchesWithoutWaiting() async throws {
        let server = ModelServer()
        try await server.deploy(
            try ServingModels.scale(1), name: "m", version: 1,
            batching: BatchingPolicy(maxBatchSize: 8, maxQueueDelay: .seconds(30), preferredBatchSizes: [2]))
        async let first = server.infer(try ServingModels.request(start: 0))
        async let second = server.infer(try ServingModels.request(start: 100))
        let (a, b) = try await (first, second)
        #expect(ServingModels.values(a) == [0, 1, 2, 3])
        #expect(ServingModels.values(b) == [100, 101, 102, 103])
        #expect(server.metrics().version("m", 1)?.batchSizeBuckets[1] == 1)  // one call of 2 rows
    }

    /// A full queue sheds with `overloaded` at once, and takes requests again once it drains.
    @Test func overloadShedsAndRecovers() async throws {
        let server = ModelServer()
        try await server.deploy(
            try ServingModels.scale(1), name: "m", version: 1,
            batching: BatchingPolicy(maxBatchSize: 64, maxQueueDelay: .milliseconds(300), maxQueueSize: 2))
        async let first = server.infer(try ServingModels.request(start: 0))
        async let second = server.infer(try ServingModels.request(start: 10))
        let queued = await ServingModels.waitUntil { server.metrics().version("m", 1)?.queueDepth == 2 }
        #expect(queued)
        await #expect(throws: MLOpsError.overloaded) { try await server.infer(try ServingModels.request()) }
        let (a, b) = try await (first, second)
        #expect(ServingModels.values(a) == [0, 1, 2, 3])
        #expect(ServingModels.values(b) == [10, 11, 12, 13])
        // Drained: accepted again.
        #expect(try await server.infer(try ServingModels.request(start: 5)).version == 1)
        let metrics = try #require(server.metrics().version("m", 1))
        #expect(metrics.errors == ["overloaded": 1])
        #expect(metrics.maxQueueDepth >= 2)
    }

    /// A request still queued at its deadline fails with `deadlineExceeded`; so does one whose
    /// deadline passed before it ran unbatched.
    @Test func deadlines() async throws {
        let server = ModelServer()
        try await server.deploy(
            try ServingModels.scale(1), name: "m", version: 1,
            batching: BatchingPolicy(maxBatchSize: 64, maxQueueDelay: .milliseconds(50)))
        await #expect(throws: MLOpsError.deadlineExceeded) {
            try await server.infer(try ServingModels.request(deadline: .now + .milliseconds(1)))
        }
        #expect(try await server.infer(try ServingModels.request(deadline: .now + .seconds(60))).version == 1)
        try await server.deploy(try ServingModels.scale(1), name: "direct", version: 1)
        await #expect(throws: MLOpsError.deadlineExceeded) {
            try await server.infer(try ServingModels.request("direct", deadline: .now - .milliseconds(1)))
        }
        #expect(server.metrics().version("m", 1)?.errors["deadline_exceeded"] == 1)
    }

    /// The general engine (two inputs) batches too.
    @Test func multiInputModelsBatch() async throws {
        let server = ModelServer()
        try await server.deploy(
            try ServingModels.twoInputs(), name: "two", version: 1,
            batching: BatchingPolicy(maxBatchSize: 16, maxQueueDelay: .milliseconds(5)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let a = try Tensor(shape: [1, 2], float32: [Float(index), 1])
                    let b = try Tensor(shape: [1, 2], float32: [2, Float(index)])
                    let response = try await server.infer(
                        InferenceRequest(
                            model: "two",
                            inputs: [NamedTensor(name: "b", tensor: b), NamedTensor(name: "a", tensor: a)],
                            outputs: ["difference"]))
                    #expect(response.outputs.map(\.name) == ["difference"])
                    #expect(response.outputs[0].tensor.float32Values == [Float(index) - 2, 1 - Float(index)])
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func invalidPoliciesAreRejected() async throws {
        let server = ModelServer()
        for policy in [
            BatchingPolicy(maxBatchSize: 0), BatchingPolicy(maxQueueDelay: .milliseconds(-1)),
            BatchingPolicy(maxBatchSize: 4, preferredBatchSizes: [8]), BatchingPolicy(maxQueueSize: 0),
        ] {
            await #expect(throws: MLOpsError.invalidArgument) {
                try await server.deploy(try ServingModels.scale(1), name: "m", version: 1, batching: policy)
            }
        }
    }
}
