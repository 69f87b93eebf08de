import MLOpsCore

/// Which loaded versions of a model serve its requests: one version, a canary, an A/B test or a
/// shadow, optionally rolled back automatically (``rollback``).
///
/// Requests that pin a version (``InferenceRequest/version``) bypass the policy. Canary and A/B
/// splits route by the request's ``InferenceRequest/routingKey`` (else its ``InferenceRequest/id``)
/// through ``TrafficSplit``, so one key always reaches the same version while the shares stay the
/// same; a request with neither goes to a pseudo-random version in the same proportions.
public struct TrafficPolicy: Sendable, Hashable {
    /// How requests are routed.
    public enum Routing: Sendable, Hashable {
        /// Every request goes to this version.
        case single(Int)
        /// A share (0…1) of requests goes to `challenger`, the rest to `stable`.
        case canary(stable: Int, challenger: Int, share: Double)
        /// Requests are split over versions by weight (any positive scale); `control` is the version
        /// a rollback routes everything to, the others are challengers.
        case abTest(control: Int, weights: [Int: Double])
        /// Every request goes to `stable`, whose answer is returned; `challenger` receives a copy
        /// after it, in a detached task: its answer is compared with the returned one and recorded
        /// in the metrics, and its failures and latency never reach the caller.
        case shadow(stable: Int, challenger: Int)
    }

    /// How requests are routed.
    public var routing: Routing
    /// When to route everything back to the stable version; `nil` never does.
    public var rollback: RollbackPolicy?

    /// Creates a policy.
    public init(_ routing: Routing, rollback: RollbackPolicy? = nil) {
        self.routing = routing
        self.rollback = rollback
    }

    /// Every request to `version`.
    public static func single(_ version: Int) -> TrafficPolicy { TrafficPolicy(.single(version)) }

    /// `share` (0…1) of the requests to `challenger`, the rest to `stable`.
    public static func canary(
        stable: Int, challenger: Int, share: Double, rollback: RollbackPolicy? = nil
    ) -> TrafficPolicy {
        TrafficPolicy(.canary(stable: stable, challenger: challenger, share: share), rollback: rollback)
    }

    /// An A/B test of versions by weight, sticky by routing key; `control` is the rollback target.
    public static func abTest(
        control: Int, weights: [Int: Double], rollback: RollbackPolicy? = nil
    ) -> TrafficPolicy {
        TrafficPolicy(.abTest(control: control, weights: weights), rollback: rollback)
    }

    /// Every request to `stable`, a copy to `challenger` for comparison.
    public static func shadow(stable: Int, challenger: Int, rollback: RollbackPolicy? = nil) -> TrafficPolicy {
        TrafficPolicy(.shadow(stable: stable, challenger: challenger), rollback: rollback)
    }

    /// The version a rollback routes everything to (and that a followed alias replaces).
    public var stableVersion: Int {
        switch routing {
        case .single(let version): version
        case .canary(let stable, _, _): stable
        case .abTest(let control, _): control
        case .shadow(let stable, _): stable
        }
    }

    /// The versions that are not the stable one.
    public var challengers: [Int] {
        switch routing {
        case .single: []
        case .canary(let stable, let challenger, _): challenger == stable ? [] : [challenger]
        case .abTest(let control, let weights): weights.keys.filter { $0 != control }.sorted()
        case .shadow(let stable, let challenger): challenger == stable ? [] : [challenger]
        }
    }

    /// Every version the policy sends traffic to, ascending.
    public var versions: [Int] { Array(Set([stableVersion] + challengers)).sorted() }

    /// The same policy with the stable version replaced by `version` (what following an alias
    /// does when the alias moves); a challenger equal to `version` stays a challenger.
    public func replacingStable(with version: Int) -> TrafficPolicy {
        var copy = self
        switch routing {
        case .single: copy.routing = .single(version)
        case .canary(_, let challenger, let share):
            copy.routing = .canary(stable: version, challenger: challenger, share: share)
        case .abTest(let control, var weights):
            let weight = weights.removeValue(forKey: control) ?? 0
            weights[version, default: 0] += weight
            copy.routing = .abTest(control: version, weights: weights)
        case .shadow(_, let challenger): copy.routing = .shadow(stable: version, challenger: challenger)
        }
        return copy
    }

    /// Throws unless the shares and thresholds are in range.
    ///
    /// - Throws: `MLOpsError` `invalidArgument`: a canary share outside 0…1, an A/B test whose
    ///   weights are invalid for ``TrafficSplit`` or do not include `control`, a rollback error rate
    ///   outside 0…1, a negative latency or minimum.
    public func validate() throws {
        switch routing {
        case .single: break
        case .canary(_, _, let share):
            guard share.isFinite, (0...1).contains(share) else {
                throw MLOpsError(.invalidArgument, "a canary share must be between 0 and 1", value: "\(share)")
            }
        case .abTest(let control, let weights):
            guard weights[control] != nil else {
                throw MLOpsError(
                    .invalidArgument, "an A/B test's weights must include its control version",
                    value: String(control))
            }
            _ = try TrafficSplit(Dictionary(uniqueKeysWithValues: weights.map { ("v\($0.key)", $0.value) }))
        case .shadow: break
        }
        if let rollback {
            if let rate = rollback.maxErrorRate, !(rate.isFinite && (0...1).contains(rate)) {
                throw MLOpsError(
                    .invalidArgument, "a rollback error rate must be between 0 and 1", value: "\(rate)")
            }
            if let latency = rollback.maxP99Latency, latency < .zero {
                throw MLOpsError(
                    .invalidArgument, "a rollback latency must not be negative", value: "\(latency)")
            }
            guard rollback.minimumRequests >= 0 else {
                throw MLOpsError(
                    .invalidArgument, "a rollback minimum must not be negative",
                    value: String(rollback.minimumRequests))
            }
        }
    }
}
