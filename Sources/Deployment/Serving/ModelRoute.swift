import MLOpsCore

/// What a ``ModelServer`` holds for one model name: its loaded versions, its traffic policy and the
/// router built from them. Replaced as a whole (under the server's routes lock) on every change.
struct ModelRoute: Sendable {
    /// The loaded versions by number.
    var versions: [Int: LoadedVersion]
    /// The traffic policy.
    var policy: TrafficPolicy
    /// Picks versions by `policy`.
    var router: Router
    /// Bumped on every change of the policy or the versions.
    var generation: Int

    /// A route whose policy is `policy` over `versions`.
    ///
    /// - Throws: `MLOpsError` `notFound` for a version the policy names that is not loaded.
    init(versions: [Int: LoadedVersion], policy: TrafficPolicy, generation: Int) throws {
        self.versions = versions
        self.policy = policy
        self.generation = generation
        router = try Router(policy: policy, versions: versions, generation: generation)
    }

    /// The same versions under another policy, in the next generation.
    func with(policy: TrafficPolicy) throws -> ModelRoute {
        try ModelRoute(versions: versions, policy: policy, generation: generation + 1)
    }

    /// The same policy over other versions, in the next generation.
    func with(versions: [Int: LoadedVersion]) throws -> ModelRoute {
        try ModelRoute(versions: versions, policy: policy, generation: generation + 1)
    }
}

/// The versions a request goes to: the one that answers and, under a shadow policy, the one that
/// gets a copy; with the rollback monitor of the policy.
struct RouteChoice: Sendable {
    let primary: LoadedVersion
    let shadow: LoadedVersion?
    let monitor: RollbackMonitor?
}

/// A traffic policy resolved to loaded versions, ready to pick one per request.
final class Router: Sendable {
    private enum Picker: Sendable {
        case single(LoadedVersion)
        /// A weighted split: the ``TrafficSplit`` for keyed requests, its variants' cumulative
        /// shares for the others.
        case split(TrafficSplit, [String: LoadedVersion], cumulative: [(bound: Double, version: LoadedVersion)])
        case shadow(LoadedVersion, LoadedVersion)
    }

    private let picker: Picker
    let monitor: RollbackMonitor?

    init(policy: TrafficPolicy, versions: [Int: LoadedVersion], generation: Int) throws {
        func loaded(_ version: Int) throws -> LoadedVersion {
            guard let found = versions[version] else {
                throw MLOpsError(
                    .notFound, "the traffic policy names version \(version), which is not loaded",
                    value: String(version))
            }
            return found
        }
        switch policy.routing {
        case .single(let version):
            picker = .single(try loaded(version))
        case .canary(let stable, let challenger, let share):
            picker = try Self.split([stable: 1 - share, challenger: share], loaded)
        case .abTest(_, let weights):
            picker = try Self.split(weights, loaded)
        case .shadow(let stable, let challenger):
            picker = .shadow(try loaded(stable), try loaded(challenger))
        }
        if let rule = policy.rollback, !policy.challengers.isEmpty {
            monitor = RollbackMonitor(
                rule: rule, challengers: Set(policy.challengers), stable: policy.stableVersion, generation: generation)
        } else {
            monitor = nil
        }
    }

    private static func split(
        _ weights: [Int: Double], _ loaded: (Int) throws -> LoadedVersion
    ) throws -> Picker {
        var merged: [Int: Double] = [:]
        for (version, weight) in weights { merged[version, default: 0] += weight }
        let split = try TrafficSplit(Dictionary(uniqueKeysWithValues: merged.map { ("v\($0.key)", $0.value) }))
        var byName: [String: LoadedVersion] = [:]
        var cumulative: [(bound: Double, version: LoadedVersion)] = []
        var total = 0.0
        for variant in split.variants {
            guard let version = Int(variant.name.dropFirst()) else { continue }
            let found = try loaded(version)
            byName[variant.name] = found
            guard variant.share > 0 else { continue }
            total += variant.share
            cumulative.append((total, found))
        }
        return .split(split, byName, cumulative: cumulative)
    }

    /// The versions for a request with routing key `key` (else pseudo-random point `point()`).
    @inline(__always)
    func pick(key: String?, point: () -> Double, monitor: RollbackMonitor?) -> RouteChoice {
        switch picker {
        case .single(let version):
            return RouteChoice(primary: version, shadow: nil, monitor: monitor)
        case .split(let split, let byName, let cumulative):
            if let key, let version = byName[split.route(key)] {
                return RouteChoice(primary: version, shadow: nil, monitor: monitor)
            }
            let value = point()
            for entry in cumulative where value < entry.bound {
                return RouteChoice(primary: entry.version, shadow: nil, monitor: monitor)
            }
            // Rounding left the point past the last bound; cumulative is never empty (a split has a
            // positive share).
            return RouteChoice(primary: cumulative[cumulative.count - 1].version, shadow: nil, monitor: monitor)
        case .shadow(let stable, let challenger):
            return RouteChoice(primary: stable, shadow: challenger, monitor: monitor)
        }
    }
}
