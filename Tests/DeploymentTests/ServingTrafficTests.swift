import Deployment
import InferenceCore
import MLOpsCore
import Synchronization
import Testing

@Suite struct ServingTrafficTests {
    /// A server with `m` v1 (y = x) and v2 (y = 2x).
    private func twoVersions(
        batching: BatchingPolicy? = nil, challenger: Model? = nil
    ) async throws -> ModelServer {
        let server = ModelServer()
        try await server.deploy(try ServingModels.scale(1), name: "m", version: 1)
        try await server.deploy(challenger ?? (try ServingModels.scale(2)), name: "m", version: 2, batching: batching)
        return server
    }

    @Test func canaryShareOverManyKeys() async throws {
        let server = try await twoVersions()
        try await server.setTraffic("m", .canary(stable: 1, challenger: 2, share: 0.2))
        var challenger = 0
        let total = 4000
        for index in 0..<total {
            let response = try await server.infer(try ServingModels.request(key: "user-\(index)"))
            if response.version == 2 { challenger += 1 }
            #expect(ServingModels.values(response) == [0, 1, 2, 3].map { $0 * Float(response.version) })
        }
        #expect(abs(Double(challenger) / Double(total) - 0.2) < 0.03)
        // Without keys: the same proportion, pseudo-randomly.
        var unkeyed = 0
        for _ in 0..<total where try await server.infer(try ServingModels.request()).version == 2 { unkeyed += 1 }
        #expect(abs(Double(unkeyed) / Double(total) - 0.2) < 0.03)
    }

    @Test func abTestIsStickyByRoutingKey() async throws {
        let server = try await twoVersions()
        try await server.setTraffic("m", .abTest(control: 1, weights: [1: 1, 2: 1]))
        var seen: [String: Int] = [:]
        var counts = [1: 0, 2: 0]
        for round in 0..<3 {
            for user in 0..<300 {
                let key = "user-\(user)"
                let version = try await server.infer(try ServingModels.request(key: key)).version
                if round == 0 {
                    seen[key] = version
                    counts[version, default: 0] += 1
                } else {
                    #expect(seen[key] == version)
                }
            }
        }
        #expect(counts[1, default: 0] > 100 && counts[2, default: 0] > 100)
        // The key also decides for the request id when there is no routing key.
        var byID = try ServingModels.request()
        byID.id = "user-7"
        #expect(try await server.infer(byID).version == seen["user-7"])
    }

    /// The shadow's answer is compared and recorded, never returned — even when it differs, fails
    /// or is slow.
    @Test func shadowNeverChangesTheResponse() async throws {
        // The challenger differs (2x), then fails (expects 5 features), then is slow (a long delay).
        let challengers: [(Model, BatchingPolicy?)] = [
            (try ServingModels.scale(2), nil),
            (try ServingModels.scale(2, features: 5), nil),
            (try ServingModels.scale(1), BatchingPolicy(maxBatchSize: 64, maxQueueDelay: .milliseconds(200))),
        ]
        for (kind, (challenger, batching)) in challengers.enumerated() {
            let server = try await twoVersions(batching: batching, challenger: challenger)
            try await server.setTraffic("m", .shadow(stable: 1, challenger: 2))
            let count = 20
            for index in 0..<count {
                let response = try await server.infer(try ServingModels.request(start: Float(index)))
                #expect(response.version == 1)
                #expect(ServingModels.values(response) == (0..<4).map { Float(index + $0) })
            }
            let finished = await ServingModels.waitUntil {
                server.metrics().version("m", 2).map { $0.requests + $0.shadowSkipped } == count
            }
            #expect(finished)
            let shadow = try #require(server.metrics().version("m", 2))
            switch kind {
            case 0:
                #expect(shadow.shadowComparisons == count)
                #expect(shadow.shadowMismatches == count)
            case 1:
                #expect(shadow.shadowErrors == count)
                #expect(shadow.errors["invalid_argument"] == count)
            default:
                #expect(shadow.shadowComparisons == count)
                #expect(shadow.shadowMismatches == 0)
            }
            #expect(server.metrics().version("m", 1)?.errorCount == 0)
        }
    }

    /// A challenger whose requests fail (here: deadlines it cannot meet) is rolled back once it has
    /// served the minimum, with an event and a metric.
    @Test func rollbackOnErrorRate() async throws {
        let server = try await twoVersions(
            batching: BatchingPolicy(maxBatchSize: 64, maxQueueDelay: .milliseconds(100)))
        let events = Mutex<[ServingEvent]>([])
        server.onEvent { event in events.withLock { $0.append(event) } }
        try await server.setTraffic(
            "m",
            .canary(
                stable: 1, challenger: 2, share: 0.5, rollback: RollbackPolicy(maxErrorRate: 0.2, minimumRequests: 5)))
        var failures = 0
        for index in 0..<200 {
            do {
                _ = try await server.infer(
                    try ServingModels.request(key: "k\(index)", deadline: .now + .milliseconds(50)))
            } catch let error as MLOpsError {
                #expect(error.code == .deadlineExceeded)
                failures += 1
            }
        }
        #expect(failures == 5)  // exactly the minimum, then everything went back to v1
        #expect(server.traffic("m") == .single(1))
        #expect(server.metrics().rollbacks["m"] == 1)
        let rolledBack = events.withLock { $0 }.filter { $0.kind == .rolledBack }
        #expect(rolledBack.count == 1)
        #expect(rolledBack.first?.version == 1 && rolledBack.first?.previousVersion == 2)
        #expect(server.prometheusText().contains("mlops_serving_rollbacks_total{model=\"m\"} 1"))
    }

    /// A p99 latency threshold no request can meet rolls a shadow challenger back.
    @Test func rollbackOnLatency() async throws {
        let server = try await twoVersions()
        try await server.setTraffic(
            "m",
            .shadow(
                stable: 1, challenger: 2, rollback: RollbackPolicy(maxP99Latency: .nanoseconds(1), minimumRequests: 3)))
        for _ in 0..<3 { _ = try await server.infer(try ServingModels.request()) }
        let rolledBack = await ServingModels.waitUntil { server.traffic("m") == .single(1) }
        #expect(rolledBack)
        #expect(server.events().contains { $0.kind == .rolledBack && $0.message.contains("p99") })
    }

    @Test func invalidPoliciesAreRejected() async throws {
        let server = try await twoVersions()
        await #expect(throws: MLOpsError.notFound) { try await server.setTraffic("m", .single(3)) }
        await #expect(throws: MLOpsError.notFound) { try await server.setTraffic("other", .single(1)) }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await server.setTraffic("m", .canary(stable: 1, challenger: 2, share: 1.5))
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await server.setTraffic("m", .abTest(control: 3, weights: [1: 1, 2: 1]))
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await server.setTraffic("m", .single(1).with(rollback: RollbackPolicy(maxErrorRate: 2)))
        }
        #expect(server.traffic("m") == .single(1))
    }

    /// Observers see every exchange, shadow copies marked.
    @Test func observersSeeEveryExchange() async throws {
        let server = try await twoVersions()
        let seen = Mutex<[ServedExchange]>([])
        server.observe { exchange in seen.withLock { $0.append(exchange) } }
        try await server.setTraffic("m", .shadow(stable: 1, challenger: 2))
        _ = try await server.infer(try ServingModels.request())
        await #expect(throws: MLOpsError.notFound) { try await server.infer(try ServingModels.request("nope")) }
        let both = await ServingModels.waitUntil { seen.withLock { $0.count } == 3 }
        #expect(both)
        let exchanges = seen.withLock { $0 }
        #expect(exchanges.filter { !$0.isShadow && $0.version == 1 }.count == 1)
        #expect(exchanges.filter { $0.isShadow && $0.version == 2 }.count == 1)
        #expect(exchanges.contains { $0.version == nil && $0.model == "nope" })
    }
}

extension TrafficPolicy {
    /// The policy with `rollback` set.
    fileprivate func with(rollback: RollbackPolicy) -> TrafficPolicy {
        var copy = self
        copy.rollback = rollback
        return copy
    }
}
