public import InferenceCore
import MLOpsCore

/// An in-process serving engine: hosts many models and versions, batches requests dynamically,
/// routes them by traffic policy (canary, A/B, shadow, automatic rollback), follows registry
/// aliases with hot swaps, validates inputs against each model's signature, and records metrics.
///
/// **Requests** (``infer(_:)``) never enter the actor: they look up their route under a short
/// lock and run on the caller's task — directly (no batching: the model runs on the calling task,
/// adding well under 2 µs to a one-row `Model.predict`) or through the version's batching queue,
/// whose own thread runs the model while the caller is suspended (see ``BatchingPolicy``). The
/// actor only serialises changes: ``deploy(_:name:version:batching:validation:)``,
/// ``follow(_:alias:in:pollInterval:batching:validation:)``, ``setTraffic(_:_:)``,
/// ``undeploy(_:version:)``.
///
/// **Hot swap.** A route change is one atomic replacement: requests that started before it finish
/// on the version they picked, new ones go to the new target. A version removed from its route
/// (after a swap, or by ``undeploy(_:version:)``) keeps serving the requests already on it and is
/// freed — its batching thread stopped — when the last one finishes.
///
/// **Errors** are `MLOpsError`s: `notFound` (unknown model or version), `invalidArgument` (a
/// request that does not fit the signature, naming the input), `overloaded` (a full batching
/// queue), `deadlineExceeded`, `unavailable`; rows that fail validation are ``RowError``s in the
/// response instead.
public actor ModelServer: InferenceService {
    /// Server-wide settings.
    public struct Options: Sendable {
        /// The batching policy of versions deployed without one; `nil` (the default) runs them
        /// without batching.
        public var defaultBatching: BatchingPolicy?
        /// Whether a version runs a dummy batch at each size it will see before it takes traffic.
        public var warmUp: Bool
        /// The most shadow copies running at once; more are skipped (and counted as
        /// ``ServingMetrics/Version/shadowSkipped``), so a slow challenger cannot pile up work.
        public var maxShadowRequestsInFlight: Int
        /// How many ``ServingEvent``s ``ModelServer/events()`` keeps.
        public var eventHistory: Int
        /// How a graph model is recompiled for a version with batching; `nil` runs batches on the
        /// plan the host compiled.
        ///
        /// The default has no worker pool (`CompileOptions(pool: nil)`): the batching thread and
        /// the callers' threads already keep the CPUs busy, and the pool's spinning workers would
        /// compete with them (on 2 vCPUs, 64 callers of the benchmarks' MLP went from about 200k to
        /// 295k requests/s). Tree models and unbatched versions always run as given.
        public var batchCompileOptions: CompileOptions?

        /// Creates options.
        public init(
            defaultBatching: BatchingPolicy? = nil, warmUp: Bool = true, maxShadowRequestsInFlight: Int = 64,
            eventHistory: Int = 1000, batchCompileOptions: CompileOptions? = CompileOptions(pool: nil)
        ) {
            self.batchCompileOptions = batchCompileOptions
            self.defaultBatching = defaultBatching
            self.warmUp = warmUp
            self.maxShadowRequestsInFlight = maxShadowRequestsInFlight
            self.eventHistory = Swift.max(0, eventHistory)
        }
    }

    /// An alias being followed.
    private struct Follow {
        let alias: String
        let catalog: any ModelCatalog
        let batching: BatchingPolicy?
        let validation: InputValidation?
        var poller: Task<Void, Never>?
        let token: Int
    }

    private nonisolated let core: ServingCore
    private var follows: [String: Follow] = [:]
    private var refreshing: Set<String> = []
    private var followTokens = 0

    /// Creates an empty server.
    public init(options: Options = Options()) {
        core = ServingCore(options: options)
    }

    deinit {
        for follow in follows.values { follow.poller?.cancel() }
    }

    // MARK: - Deploying

    /// Loads `model` as version `version` of `name`: checks its signature, prepares its engine,
    /// starts its batching queue and warms it up at the batch sizes it will see, then adds it. The
    /// first version of a model becomes its route (``TrafficPolicy/single(_:)``); later ones take
    /// traffic once a policy names them (``setTraffic(_:_:)``) or a request pins them.
    ///
    /// - Parameters:
    ///   - model: The model to serve.
    ///   - name: The name requests address it by.
    ///   - version: Its version number (a registry version, or any number the host assigns).
    ///   - batching: Dynamic batching for this version; `nil` uses ``Options/defaultBatching``.
    ///     A model whose inputs' first dimension is not the batch dimension always runs unbatched.
    ///   - validation: Per-row checks; `nil` reads them from the model's metadata
    ///     (``InputValidation/init(model:)``).
    /// - Throws: `MLOpsError` `invalidArgument` for an empty name, a negative version, an invalid
    ///   batching policy or a model that fails its warm-up batch; `conflict` if that version is
    ///   already loaded.
    public func deploy(
        _ model: Model, name: String, version: Int, batching: BatchingPolicy? = nil,
        validation: InputValidation? = nil
    ) async throws {
        let loaded = try await load(
            model, name: name, version: version, batching: batching ?? core.options.defaultBatching,
            validation: validation)
        try core.updateRoutes { routes in
            if var route = routes[name] {
                guard route.versions[version] == nil else { throw Self.alreadyLoaded(name, version) }
                route.versions[version] = loaded
                routes[name] = try route.with(versions: route.versions)
            } else {
                routes[name] = try ModelRoute(versions: [version: loaded], policy: .single(version), generation: 0)
            }
        }
        core.record(ServingEvent(kind: .deployed, model: name, version: version))
    }

    /// Builds a loaded version off the cooperative pool (compiling and warming up are CPU work
    /// that can take a while for a large model).
    private func load(
        _ model: Model, name: String, version: Int, batching: BatchingPolicy?, validation: InputValidation?
    ) async throws -> LoadedVersion {
        guard !name.isEmpty else { throw MLOpsError(.invalidArgument, "a served model needs a name") }
        guard version >= 0 else {
            throw MLOpsError(.invalidArgument, "a version must not be negative", value: String(version))
        }
        try batching?.validate()
        if core.route(name)?.versions[version] != nil { throw Self.alreadyLoaded(name, version) }
        let recorder = core.recorder(name, version)
        let warmUp = core.options.warmUp
        let recompile = batching != nil ? core.options.batchCompileOptions : nil
        let validation = validation ?? InputValidation(model: model)
        let onDrained: @Sendable () -> Void = { [weak core] in
            core?.record(ServingEvent(kind: .unloaded, model: name, version: version, message: "drained"))
        }
        return try await BlockingExecutor.shared.run {
            try LoadedVersion(
                model: model, name: name, version: version, batching: batching, validation: validation,
                metrics: recorder, warmUp: warmUp, recompile: recompile, onDrained: onDrained)
        }
    }

    private static func alreadyLoaded(_ name: String, _ version: Int) -> MLOpsError {
        MLOpsError(.conflict, "version \(version) of '\(name)' is already loaded", value: "\(name) v\(version)")
    }

    /// Removes version `version` of `name`. Requests already running on it finish; the
    /// ``ServingEvent/Kind/unloaded`` event follows when the last one has.
    ///
    /// - Throws: `MLOpsError` `notFound` if it is not loaded; `conflict` if the traffic policy
    ///   routes to it (change the policy first) or it is the target of a followed alias.
    public func undeploy(_ name: String, version: Int) async throws {
        if follows[name] != nil, core.route(name)?.policy.stableVersion == version {
            throw MLOpsError(
                .conflict, "version \(version) of '\(name)' is the target of a followed alias; unfollow first",
                value: String(version))
        }
        try core.updateRoutes { routes in
            guard var route = routes[name], route.versions[version] != nil else {
                throw MLOpsError(.notFound, "version \(version) of '\(name)' is not loaded", value: String(version))
            }
            if route.versions.count == 1 {
                routes[name] = nil
                return
            }
            guard !route.policy.versions.contains(version) else {
                throw MLOpsError(
                    .conflict, "the traffic policy of '\(name)' routes to version \(version); change it first",
                    value: String(version))
            }
            route.versions[version] = nil
            routes[name] = try route.with(versions: route.versions)
        }
    }

    // MARK: - Following an alias

    /// Serves the version a catalog's `alias` points at, and follows the alias: every
    /// `pollInterval` the server asks the catalog again and, when the alias moved, loads the new
    /// version (verified by the catalog, warmed up), makes it the route's stable version
    /// (``TrafficPolicy/replacingStable(with:)``) and unloads the previous one after its requests
    /// drain — a hot swap.
    ///
    /// - Parameters:
    ///   - name: The model's name in the catalog and on this server.
    ///   - alias: The alias to follow (e.g. `champion`).
    ///   - catalog: Where versions come from (the model registry).
    ///   - pollInterval: How often to check the alias (``refreshFollowed(_:)`` checks at once).
    ///   - batching: Batching for every version loaded; `nil` uses ``Options/defaultBatching``.
    ///   - validation: Per-row checks; `nil` reads them from each model's metadata.
    /// - Throws: What loading the first version throws (the catalog's `notFound` or
    ///   `corruptData`, a warm-up failure); nothing is followed then. Later failures keep the
    ///   current version serving and are reported as ``ServingEvent/Kind/followFailed`` events.
    public func follow(
        _ name: String, alias: String, in catalog: any ModelCatalog, pollInterval: Duration = .seconds(5),
        batching: BatchingPolicy? = nil, validation: InputValidation? = nil
    ) async throws {
        try batching?.validate()
        guard pollInterval > .zero else {
            throw MLOpsError(.invalidArgument, "the poll interval must be positive", value: "\(pollInterval)")
        }
        follows[name]?.poller?.cancel()
        followTokens += 1
        let token = followTokens
        follows[name] = Follow(
            alias: alias, catalog: catalog, batching: batching ?? core.options.defaultBatching,
            validation: validation, poller: nil, token: token)
        do {
            _ = try await refreshFollowed(name)
        } catch {
            if follows[name]?.token == token { follows[name] = nil }
            throw error
        }
        guard follows[name]?.token == token else { return }
        follows[name]?.poller = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: pollInterval) } catch { return }
                guard let self else { return }
                await self.poll(name, token: token)
            }
        }
    }

    /// One poll of a followed alias; a failure becomes an event.
    private func poll(_ name: String, token: Int) async {
        guard follows[name]?.token == token else { return }
        do {
            _ = try await refreshFollowed(name)
        } catch {
            core.record(
                ServingEvent(
                    kind: .followFailed, model: name, version: core.route(name)?.policy.stableVersion,
                    message: VersionRunner.wrap(error).message))
        }
    }

    /// Checks a followed alias now and hot-swaps if it moved.
    ///
    /// - Returns: Whether the route changed (`false` when the alias still points at the served
    ///   version, or another check of the same model is under way).
    /// - Throws: `MLOpsError` `notFound` if `name` is not followed; the catalog's and loading
    ///   errors (the current version keeps serving).
    @discardableResult
    public func refreshFollowed(_ name: String) async throws -> Bool {
        guard let follow = follows[name] else {
            throw MLOpsError(.notFound, "'\(name)' does not follow an alias", value: name)
        }
        guard !refreshing.contains(name) else { return false }
        refreshing.insert(name)
        defer { refreshing.remove(name) }
        let target = try await follow.catalog.version(of: name, alias: follow.alias)
        let current = core.route(name)
        if current?.policy.stableVersion == target, current?.versions[target] != nil { return false }
        if current?.versions[target] == nil {
            let model = try await follow.catalog.model(name, version: target)
            let loaded = try await load(
                model, name: name, version: target, batching: follow.batching, validation: follow.validation)
            try core.updateRoutes { routes in
                if var route = routes[name] {
                    route.versions[target] = loaded
                    routes[name] = try route.with(versions: route.versions)
                } else {
                    routes[name] = try ModelRoute(
                        versions: [target: loaded], policy: .single(target), generation: 0)
                }
            }
            core.record(ServingEvent(kind: .deployed, model: name, version: target, message: "alias \(follow.alias)"))
        }
        // The swap: one replacement of the route, with the previous stable version removed unless
        // the new policy still routes to it.
        let previous = try core.updateRoutes { routes -> Int? in
            guard let route = routes[name] else { return nil }
            let old = route.policy.stableVersion
            guard old != target else { return nil }
            let policy = route.policy.replacingStable(with: target)
            var versions = route.versions
            if !policy.versions.contains(old) { versions[old] = nil }
            routes[name] = try ModelRoute(versions: versions, policy: policy, generation: route.generation + 1)
            return old
        }
        guard let previous else { return true }  // the first load: `deployed` said it
        core.record(
            ServingEvent(
                kind: .swapped, model: name, version: target, previousVersion: previous,
                message: "alias \(follow.alias) moved"))
        return true
    }

    /// Stops following `name`'s alias; the served versions stay.
    public func unfollow(_ name: String) {
        follows[name]?.poller?.cancel()
        follows[name] = nil
    }

    // MARK: - Traffic

    /// Sets how `name`'s requests are routed over its loaded versions (a canary, an A/B test, a
    /// shadow, with an optional automatic rollback). Takes effect for the next request; the
    /// rollback thresholds count from now.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or a version that is not loaded;
    ///   `invalidArgument` for an invalid policy (``TrafficPolicy/validate()``).
    public func setTraffic(_ name: String, _ policy: TrafficPolicy) async throws {
        try policy.validate()
        try core.updateRoutes { routes in
            guard let route = routes[name] else {
                throw MLOpsError(.notFound, "no model named '\(name)' is served", value: name)
            }
            routes[name] = try route.with(policy: policy)
        }
        core.record(
            ServingEvent(
                kind: .trafficChanged, model: name, version: policy.stableVersion, message: "\(policy.routing)"))
    }

    /// The traffic policy of `name`, or `nil` if it is not served.
    public nonisolated func traffic(_ name: String) -> TrafficPolicy? {
        core.route(name)?.policy
    }

    /// The loaded versions of every served model, ascending.
    public nonisolated var loadedVersions: [String: [Int]] {
        var result: [String: [Int]] = [:]
        for name in core.modelNames { result[name] = core.route(name).map { $0.versions.keys.sorted() } }
        return result
    }

    // MARK: - InferenceService

    /// Runs one request: routes it (a pinned ``InferenceRequest/version`` or the traffic policy),
    /// validates it against the version's signature and runs it, batched or not.
    ///
    /// - Throws: `MLOpsError`: `notFound`, `invalidArgument` (naming the input or output),
    ///   `overloaded`, `deadlineExceeded`, `unavailable`, or the model's own error.
    public nonisolated func infer(_ request: InferenceRequest) async throws -> InferenceResponse {
        try await core.infer(request)
    }

    /// The name, loaded versions, platform and signature of `model` (`version` `nil`: the stable
    /// version of its traffic policy).
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or a version that is not loaded.
    public nonisolated func metadata(model: String, version: Int?) async throws -> ServedModelMetadata {
        guard let route = core.route(model) else {
            throw MLOpsError(.notFound, "no model named '\(model)' is served", value: model)
        }
        let number = version ?? route.policy.stableVersion
        guard let loaded = route.versions[number] else {
            throw MLOpsError(.notFound, "version \(number) of '\(model)' is not loaded", value: String(number))
        }
        return ServedModelMetadata(
            name: model, versions: route.versions.keys.sorted(), version: number,
            platform: loaded.model.format.rawValue, inputs: loaded.model.signature.inputs,
            outputs: loaded.model.signature.outputs)
    }

    /// Whether `model` (or that version) is loaded, warmed up and taking traffic.
    public nonisolated func isReady(model: String, version: Int?) async -> Bool {
        guard let route = core.route(model) else { return false }
        return route.versions[version ?? route.policy.stableVersion] != nil
    }

    /// Whether the server serves at least one model.
    public nonisolated var isReady: Bool {
        get async { !core.modelNames.isEmpty }
    }

    // MARK: - Metrics and hooks

    /// A snapshot of every version's metrics.
    public nonisolated func metrics() -> ServingMetrics {
        core.metrics()
    }

    /// The metrics in the Prometheus text exposition format 0.0.4 (serve it with content type
    /// `text/plain; version=0.0.4`). Families are named `mlops_serving_…` and labelled with
    /// `model` and `version`; see ``PrometheusText``.
    public nonisolated func prometheusText() -> String {
        PrometheusText.render(core.metrics())
    }

    /// Calls `hook` with every request the server handles from now on: the request, the response
    /// or error, the version and the latency (shadow copies too, marked
    /// ``ServedExchange/isShadow``).
    ///
    /// The hook runs on the task (or batching thread's resumed task) that finished the request,
    /// before the caller gets its answer: keep it short and hand heavy work elsewhere. With no
    /// hook registered, requests pay one relaxed atomic load.
    public nonisolated func observe(_ hook: @escaping @Sendable (ServedExchange) -> Void) {
        core.observe(hook)
    }

    /// Calls `hook` with every ``ServingEvent`` from now on (deploys, swaps, rollbacks, unloads).
    public nonisolated func onEvent(_ hook: @escaping @Sendable (ServingEvent) -> Void) {
        core.onEvent(hook)
    }

    /// The most recent events, oldest first (at most ``Options/eventHistory``).
    public nonisolated func events() -> [ServingEvent] {
        core.events
    }
}
