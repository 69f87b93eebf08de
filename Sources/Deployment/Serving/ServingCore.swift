import InferenceCore
import MLOpsCore
import Synchronization

/// The state a ``ModelServer`` shares with the requests it serves, outside the actor: routes,
/// metrics, observers and events. Every request runs on its caller's task and touches only this,
/// with locks held for a dictionary lookup at most; the actor serialises the changes (deploys,
/// swaps, policies).
final class ServingCore: Sendable {
    let options: ModelServer.Options
    private let routes = Mutex<[String: ModelRoute]>([:])
    private let recorders = Mutex<[String: [Int: MetricsRecorder]]>([:])
    private let observers = Mutex<[@Sendable (ServedExchange) -> Void]>([])
    private let observed = Atomic<Bool>(false)
    private let eventHooks = Mutex<[@Sendable (ServingEvent) -> Void]>([])
    private let eventLog = Mutex<[ServingEvent]>([])
    private let rollbackCounts = Mutex<[String: Int]>([:])
    private let unrouted = Mutex<[String: Int]>([:])
    private let shadowsInFlight = Atomic<Int>(0)
    private let sequence = Atomic<UInt64>(0)

    init(options: ModelServer.Options) {
        self.options = options
    }

    // MARK: - Requests

    /// Routes, runs and records one request.
    func infer(_ request: InferenceRequest) async throws -> InferenceResponse {
        let start = ContinuousClock.now
        let choice: RouteChoice
        do {
            choice = try pick(request)
        } catch {
            let failure = VersionRunner.wrap(error)
            unrouted.withLock { $0[failure.code.rawValue, default: 0] += 1 }
            if observed.load(ordering: .relaxed) {
                notify(request, .failure(failure), version: nil, latency: .now - start, isShadow: false)
            }
            throw failure
        }
        let version = choice.primary
        do {
            let response = try await version.respond(request)
            let latency = ContinuousClock.now - start
            let nanoseconds = latency.wholeNanoseconds
            version.metrics.recordSuccess(nanoseconds: nanoseconds, rowErrors: response.rowErrors.count)
            if let monitor = choice.monitor { watch(monitor, version, failed: false, nanoseconds) }
            if let shadow = choice.shadow { launchShadow(request, shadow, primary: response, monitor: choice.monitor) }
            if observed.load(ordering: .relaxed) {
                notify(request, .success(response), version: version.version, latency: latency, isShadow: false)
            }
            return response
        } catch {
            let failure = VersionRunner.wrap(error)
            let latency = ContinuousClock.now - start
            let nanoseconds = latency.wholeNanoseconds
            version.metrics.recordFailure(failure.code, nanoseconds: nanoseconds)
            if let monitor = choice.monitor, RollbackMonitor.counts(failure.code) {
                watch(monitor, version, failed: true, nanoseconds)
            }
            if let shadow = choice.shadow { launchShadow(request, shadow, primary: nil, monitor: choice.monitor) }
            if observed.load(ordering: .relaxed) {
                notify(request, .failure(failure), version: version.version, latency: latency, isShadow: false)
            }
            throw failure
        }
    }

    /// The versions `request` goes to. The lock covers the dictionary lookup only; the router
    /// (a key's SHA-256 for a split) runs outside it.
    private func pick(_ request: InferenceRequest) throws -> RouteChoice {
        let found: Found = try routes.withLock { routes in
            guard let route = routes[request.model] else {
                throw MLOpsError(.notFound, "no model named '\(request.model)' is served", value: request.model)
            }
            guard let pinned = request.version else { return .router(route.router) }
            guard let version = route.versions[pinned] else {
                throw MLOpsError(
                    .notFound,
                    "version \(pinned) of '\(request.model)' is not loaded; loaded: "
                        + route.versions.keys.sorted().map(String.init).joined(separator: ", "),
                    value: String(pinned))
            }
            return .pinned(version)
        }
        switch found {
        case .router(let router):
            return router.pick(key: request.routingKey ?? request.id, point: nextPoint, monitor: router.monitor)
        case .pinned(let pinned):
            return RouteChoice(primary: pinned, shadow: nil, monitor: nil)
        }
    }

    private enum Found {
        case router(Router)
        case pinned(LoadedVersion)
    }

    /// A pseudo-random point in [0, 1) (SplitMix64 of a counter): for requests without a key.
    private func nextPoint() -> Double {
        var z = sequence.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }

    /// Feeds a challenger's result to the rollback monitor and rolls back when it says so.
    private func watch(_ monitor: RollbackMonitor, _ version: LoadedVersion, failed: Bool, _ nanoseconds: Int) {
        guard monitor.challengers.contains(version.version),
            let reason = monitor.record(failed: failed, nanoseconds: nanoseconds)
        else { return }
        rollBack(version.name, monitor: monitor, reason: reason, from: version.version)
    }

    /// Routes everything of `model` to the monitor's stable version, if the policy is still the
    /// one the monitor watches.
    private func rollBack(_ model: String, monitor: RollbackMonitor, reason: String, from challenger: Int) {
        let done = routes.withLock { routes -> Bool in
            guard let route = routes[model], route.generation == monitor.generation,
                let next = try? route.with(policy: .single(monitor.stable))
            else { return false }
            routes[model] = next
            return true
        }
        guard done else { return }
        rollbackCounts.withLock { $0[model, default: 0] += 1 }
        record(
            ServingEvent(
                kind: .rolledBack, model: model, version: monitor.stable, previousVersion: challenger, message: reason))
    }

    /// Runs a copy of `request` on the shadow version in a detached task; compares its outputs
    /// with `primary` (when the primary answered) and records the comparison. Nothing of it
    /// reaches the caller.
    private func launchShadow(
        _ request: InferenceRequest, _ shadow: LoadedVersion, primary: InferenceResponse?, monitor: RollbackMonitor?
    ) {
        if shadowsInFlight.wrappingAdd(1, ordering: .relaxed).newValue > options.maxShadowRequestsInFlight {
            shadowsInFlight.wrappingSubtract(1, ordering: .relaxed)
            shadow.metrics.recordShadowSkipped()
            return
        }
        var copy = request
        copy.version = shadow.version
        Task.detached(priority: .background) { [self] in
            defer { shadowsInFlight.wrappingSubtract(1, ordering: .relaxed) }
            let start = ContinuousClock.now
            let result: Result<InferenceResponse, MLOpsError>
            do {
                result = .success(try await shadow.respond(copy))
            } catch {
                result = .failure(VersionRunner.wrap(error))
            }
            let latency = ContinuousClock.now - start
            let nanoseconds = latency.wholeNanoseconds
            switch result {
            case .success(let response):
                shadow.metrics.recordSuccess(nanoseconds: nanoseconds, rowErrors: response.rowErrors.count)
                if let primary { shadow.metrics.recordShadow(matched: Self.sameOutputs(primary, response)) }
                if let monitor { watch(monitor, shadow, failed: false, nanoseconds) }
            case .failure(let error):
                shadow.metrics.recordFailure(error.code, nanoseconds: nanoseconds)
                shadow.metrics.recordShadowError()
                if let monitor, RollbackMonitor.counts(error.code) { watch(monitor, shadow, failed: true, nanoseconds) }
            }
            if observed.load(ordering: .relaxed) {
                notify(copy, result, version: shadow.version, latency: latency, isShadow: true)
            }
        }
    }

    /// Whether two responses carry the same outputs: same names and shapes, floating-point values
    /// within 1e-5 relative (NaN equal to NaN), other values equal.
    static func sameOutputs(_ first: InferenceResponse, _ second: InferenceResponse) -> Bool {
        guard first.outputs.count == second.outputs.count else { return false }
        for (a, b) in zip(first.outputs, second.outputs) {
            guard a.name == b.name, a.tensor.shape == b.tensor.shape else { return false }
            switch (a.tensor.storage, b.tensor.storage) {
            case (.float32(let x), .float32(let y)):
                if !zip(x, y).allSatisfy({ close(Double($0), Double($1)) }) { return false }
            case (.float64(let x), .float64(let y)):
                if !zip(x, y).allSatisfy({ close($0, $1) }) { return false }
            default:
                if a.tensor != b.tensor { return false }
            }
        }
        return true
    }

    private static func close(_ x: Double, _ y: Double) -> Bool {
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        return abs(x - y) <= 1e-5 * Swift.max(1, abs(x), abs(y))
    }

    // MARK: - Observers and events

    func observe(_ hook: @escaping @Sendable (ServedExchange) -> Void) {
        observers.withLock { $0.append(hook) }
        observed.store(true, ordering: .relaxed)
    }

    private func notify(
        _ request: InferenceRequest, _ result: Result<InferenceResponse, MLOpsError>, version: Int?,
        latency: Duration, isShadow: Bool
    ) {
        let exchange = ServedExchange(
            request: request, result: result, model: request.model, version: version, latency: latency,
            isShadow: isShadow)
        for hook in observers.withLock({ $0 }) { hook(exchange) }
    }

    func onEvent(_ hook: @escaping @Sendable (ServingEvent) -> Void) {
        eventHooks.withLock { $0.append(hook) }
    }

    /// Keeps `event` (the last ``ModelServer/Options/eventHistory``) and hands it to the hooks.
    func record(_ event: ServingEvent) {
        eventLog.withLock { log in
            log.append(event)
            if log.count > options.eventHistory { log.removeFirst(log.count - options.eventHistory) }
        }
        for hook in eventHooks.withLock({ $0 }) { hook(event) }
    }

    var events: [ServingEvent] { eventLog.withLock { $0 } }

    // MARK: - Routes (changed by the actor)

    /// The metrics recorder of `model` version `version`, created on first use and kept.
    func recorder(_ model: String, _ version: Int) -> MetricsRecorder {
        recorders.withLock { recorders in
            if let existing = recorders[model]?[version] { return existing }
            let created = MetricsRecorder(model: model, version: version)
            recorders[model, default: [:]][version] = created
            return created
        }
    }

    func route(_ model: String) -> ModelRoute? { routes.withLock { $0[model] } }

    /// Runs `body` on the routes, under their lock.
    func updateRoutes<Result>(_ body: (inout [String: ModelRoute]) throws -> Result) rethrows -> Result {
        try routes.withLock { try body(&$0) }
    }

    var modelNames: [String] { routes.withLock { Array($0.keys) }.sorted() }

    // MARK: - Metrics

    func metrics() -> ServingMetrics {
        let loaded = routes.withLock { routes in routes.mapValues { Set($0.versions.keys) } }
        let all = recorders.withLock { $0 }
        var versions: [ServingMetrics.Version] = []
        for model in all.keys.sorted() {
            for (version, recorder) in all[model, default: [:]].sorted(by: { $0.key < $1.key }) {
                versions.append(recorder.snapshot(isLoaded: loaded[model]?.contains(version) ?? false))
            }
        }
        return ServingMetrics(
            versions: versions, rollbacks: rollbackCounts.withLock { $0 }, unroutedErrors: unrouted.withLock { $0 })
    }
}
