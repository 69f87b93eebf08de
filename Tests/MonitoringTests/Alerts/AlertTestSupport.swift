import MLOpsCore
import Monitoring
import Synchronization

/// Helpers of the alert tests.
enum AlertTestSupport {
    /// An engine on a fresh in-memory store.
    static func engine(_ rules: [AlertRule], actions: [AlertAction] = []) async throws -> AlertEngine {
        let store = try await MonitoringStore.open(metadata: InMemoryKeyValueStore())
        return try await store.engine(rules: rules, actions: actions)
    }

    /// Observes `values` of `key`, one per second from time 0; returns the kind of event (if
    /// any) after each observation.
    static func run(
        _ engine: AlertEngine, _ key: MetricKey, _ values: [Double], startMilliseconds: Int64 = 0
    ) async throws -> [AlertEvent.Kind?] {
        var kinds: [AlertEvent.Kind?] = []
        for (index, value) in values.enumerated() {
            let events = try await engine.observe(
                MetricObservation(key, value: value, timeMilliseconds: startMilliseconds + Int64(index) * 1_000))
            kinds.append(events.first?.kind)
        }
        return kinds
    }
}

/// Events an action received, in order.
final class EventLog: Sendable {
    private let events = Mutex<[AlertEvent]>([])

    func append(_ event: AlertEvent) { events.withLock { $0.append(event) } }
    var all: [AlertEvent] { events.withLock { $0 } }
}

/// Continuations of actions that hang until the test lets them go.
final class Hangers: Sendable {
    private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])

    func hang() async {
        await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
    }

    var count: Int { waiting.withLock { $0.count } }

    func releaseAll() {
        let all = waiting.withLock { list in
            defer { list = [] }
            return list
        }
        for continuation in all { continuation.resume() }
    }
}
