import Deployment
import InferenceCore
import MLOpsCore
import Synchronization
import Testing

@Suite struct ServingHotSwapTests {
    /// Under continuous concurrent load, 100 alias moves: no request fails, and every response
    /// comes from a version that was the alias' target at some moment of the request's life, with
    /// that version's outputs (y = x · version).
    @Test(arguments: [false, true])
    func hotSwapUnderLoadLosesNothing(batching: Bool) async throws {
        let swaps = ServingTestSettings.long ? 300 : 100
        let catalog = TestCatalog { version in try ServingModels.scale(Float(version)) }
        catalog.move("champion", to: 1)
        // Each swap records three events (deployed, swapped, unloaded); keep them all for the counts below.
        let server = ModelServer(options: ModelServer.Options(eventHistory: 4 * swaps + 10))
        let policy = batching ? BatchingPolicy(maxBatchSize: 8, maxQueueDelay: .microseconds(200)) : nil
        try await server.follow("m", alias: "champion", in: catalog, pollInterval: .seconds(3600), batching: policy)

        let state = LoadState()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var index = 0
                    while !state.stop.load(ordering: .relaxed) {
                        index += 1
                        // Unbatched requests never suspend: yield so the swapping task gets a thread.
                        await Task.yield()
                        let request = try ServingModels.request(start: Float(worker * 1000 + index % 100))
                        let low = state.lower.load(ordering: .sequentiallyConsistent)
                        do {
                            let response = try await server.infer(request)
                            let high = state.upper.load(ordering: .sequentiallyConsistent)
                            let expected = (request.inputs[0].tensor.float32Values ?? []).map {
                                $0 * Float(response.version)
                            }
                            if !(low...high).contains(response.version) {
                                state.failures.withLock { $0.append("v\(response.version) outside \(low)...\(high)") }
                            } else if ServingModels.values(response) != expected {
                                state.failures.withLock { $0.append("v\(response.version) returned other outputs") }
                            }
                            state.served.wrappingAdd(1, ordering: .relaxed)
                        } catch {
                            state.failures.withLock { $0.append("\(error)") }
                        }
                    }
                }
            }
            for version in 2...(swaps + 1) {
                state.upper.store(version, ordering: .sequentiallyConsistent)
                catalog.move("champion", to: version)
                let swapped = try await server.refreshFollowed("m")
                #expect(swapped)
                state.lower.store(version, ordering: .sequentiallyConsistent)
                // Let some requests run on every version.
                let before = state.served.load(ordering: .relaxed)
                _ = await ServingModels.waitUntil { state.served.load(ordering: .relaxed) >= before + 8 }
            }
            state.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }

        #expect(state.failures.withLock { $0 }.isEmpty, "\(state.failures.withLock { $0.prefix(5) })")
        #expect(state.served.load(ordering: .relaxed) >= swaps * 8)
        #expect(server.loadedVersions["m"] == [swaps + 1])
        // Every replaced version drained and was freed.
        let drained = await ServingModels.waitUntil {
            server.events().filter { $0.kind == .unloaded }.count == swaps
        }
        #expect(drained)
        #expect(server.events().filter { $0.kind == .swapped }.count == swaps)
        let metrics = server.metrics()
        #expect(metrics.versions.allSatisfy { $0.errorCount == 0 })
        #expect(metrics.versions.filter(\.isLoaded).map(\.version) == [swaps + 1])
    }

    /// The poller notices an alias move by itself.
    @Test func pollingFollowsTheAlias() async throws {
        let catalog = TestCatalog { version in try ServingModels.scale(Float(version)) }
        catalog.move("champion", to: 1)
        let server = ModelServer()
        try await server.follow("m", alias: "champion", in: catalog, pollInterval: .milliseconds(5))
        #expect(try await server.infer(ServingModels.request()).version == 1)
        catalog.move("champion", to: 2)
        let moved = await ServingModels.waitUntil { server.traffic("m") == .single(2) }
        #expect(moved)
        #expect(try await server.infer(ServingModels.request()).version == 2)
        await server.unfollow("m")
    }

    /// A catalog error on the first load fails `follow`; a later one keeps the current version.
    @Test func followFailuresKeepServing() async throws {
        let catalog = TestCatalog { version in
            if version == 3 { throw MLOpsError(.corruptData, "damaged package") }
            return try ServingModels.scale(Float(version))
        }
        let server = ModelServer()
        await #expect(throws: MLOpsError.notFound) {
            try await server.follow("m", alias: "champion", in: catalog, pollInterval: .seconds(3600))
        }
        catalog.move("champion", to: 1)
        try await server.follow("m", alias: "champion", in: catalog, pollInterval: .seconds(3600))
        catalog.move("champion", to: 3)
        await #expect(throws: MLOpsError.corruptData) { try await server.refreshFollowed("m") }
        #expect(try await server.infer(ServingModels.request()).version == 1)
        #expect(server.events().contains { $0.kind == .deployed && $0.version == 1 })
        catalog.move("champion", to: 1)
        #expect(try await server.refreshFollowed("m") == false)
    }

    /// Deploying the same version twice is a conflict; undeploying a routed version too.
    @Test func deployAndUndeploy() async throws {
        let server = ModelServer()
        try await server.deploy(try ServingModels.scale(1), name: "m", version: 1)
        await #expect(throws: MLOpsError.conflict) {
            try await server.deploy(try ServingModels.scale(1), name: "m", version: 1)
        }
        try await server.deploy(try ServingModels.scale(2), name: "m", version: 2)
        #expect(server.traffic("m") == .single(1))
        #expect(try await server.infer(ServingModels.request()).version == 1)
        var pinned = try ServingModels.request()
        pinned.version = 2
        #expect(try await server.infer(pinned).version == 2)
        await #expect(throws: MLOpsError.conflict) { try await server.undeploy("m", version: 1) }
        try await server.undeploy("m", version: 2)
        await #expect(throws: MLOpsError.notFound) { try await server.infer(pinned) }
        await #expect(throws: MLOpsError.notFound) { try await server.undeploy("m", version: 2) }
        #expect(await server.isReady(model: "m", version: nil))
        #expect(await server.isReady(model: "m", version: 2) == false)
        let metadata = try await server.metadata(model: "m", version: nil)
        #expect(metadata.versions == [1])
        #expect(metadata.inputs.map(\.name) == ["x"])
        #expect(metadata.platform == "package")
    }
}

/// What the hot-swap test's load and swap loops share: `lower` is set after a swap completed,
/// `upper` before it starts, so a request that starts when `lower` is L and ends when `upper` is
/// U may see any version in L...U.
private final class LoadState: Sendable {
    let lower = Atomic<Int>(1)
    let upper = Atomic<Int>(1)
    let stop = Atomic<Bool>(false)
    let failures = Mutex<[String]>([])
    let served = Atomic<Int>(0)
}
