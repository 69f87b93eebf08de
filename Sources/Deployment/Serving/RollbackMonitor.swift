import MLOpsCore
import Synchronization

/// Watches the challengers of one traffic policy against its ``RollbackPolicy`` and says when to
/// roll back (once).
final class RollbackMonitor: Sendable {
    let rule: RollbackPolicy
    /// The versions watched.
    let challengers: Set<Int>
    /// The version everything goes back to.
    let stable: Int
    /// The route generation the policy was set in (a rollback of a replaced policy is ignored).
    let generation: Int

    private struct State {
        var requests = 0
        var errors = 0
        var latency = LatencyHistogram()
        var triggered = false
    }

    private let state = Mutex(State())

    init(rule: RollbackPolicy, challengers: Set<Int>, stable: Int, generation: Int) {
        self.rule = rule
        self.challengers = challengers
        self.stable = stable
        self.generation = generation
    }

    /// Whether an error with `code` counts against a challenger (the caller's own mistakes do not).
    static func counts(_ code: MLOpsError.Code) -> Bool {
        code != .invalidArgument && code != .notFound
    }

    /// Records one challenger request; returns why to roll back when this request crosses a
    /// threshold for the first time, else `nil`.
    func record(failed: Bool, nanoseconds: Int) -> String? {
        state.withLock { state -> String? in
            guard !state.triggered else { return nil }
            state.requests += 1
            if failed { state.errors += 1 }
            state.latency.counts[LatencyHistogram.bucket(nanoseconds: nanoseconds)] += 1
            state.latency.sumNanoseconds &+= nanoseconds
            guard state.requests >= Swift.max(1, rule.minimumRequests) else { return nil }
            let rate = Double(state.errors) / Double(state.requests)
            if let limit = rule.maxErrorRate, rate > limit {
                state.triggered = true
                return "challenger error rate \(Self.percent(rate)) over \(state.requests) requests exceeds "
                    + Self.percent(limit)
            }
            if let limit = rule.maxP99Latency, let p99 = state.latency.p99, p99 > limit {
                state.triggered = true
                return "challenger p99 latency \(p99) over \(state.requests) requests exceeds \(limit)"
            }
            return nil
        }
    }

    private static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
