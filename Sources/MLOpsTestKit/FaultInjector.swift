import MLOpsCore
import Synchronization

/// The shared state of a faulty wrapper: the plan, each rule's count, the
/// seeded generator and per-operation statistics. One lock, held only while
/// deciding, never while the wrapped store runs.
final class FaultInjector: Sendable {
    /// What to do with one operation.
    struct Decision: Sendable {
        var delay: Duration = .zero
        var failure: FaultPlan.Effect?
        var error: MLOpsError?
    }

    private struct State {
        var plan: FaultPlan
        var ruleCounts: [Int]
        var generator: SeededRandom
        var operationCounts: [UInt32: Int] = [:]
        var injected = 0
    }

    private let state: Mutex<State>

    init(plan: FaultPlan) {
        state = Mutex(
            State(
                plan: plan, ruleCounts: Array(repeating: 0, count: plan.rules.count),
                generator: SeededRandom(seed: plan.seed)))
    }

    var plan: FaultPlan { state.withLock { $0.plan } }

    /// Replaces the plan and restarts its rule counts and generator; statistics are kept.
    func setPlan(_ plan: FaultPlan) {
        state.withLock { state in
            state.plan = plan
            state.ruleCounts = Array(repeating: 0, count: plan.rules.count)
            state.generator = SeededRandom(seed: plan.seed)
        }
    }

    var injectedFaultCount: Int { state.withLock { $0.injected } }

    func operationCount(_ operations: FaultPlan.Operations) -> Int {
        state.withLock { state in
            state.operationCounts.reduce(0) { total, item in
                operations.contains(FaultPlan.Operations(rawValue: item.key)) ? total + item.value : total
            }
        }
    }

    /// Counts `operation` and decides its fate.
    func decide(_ operation: FaultPlan.Operations, subject: @autoclosure () -> String) -> Decision {
        var decision = Decision()
        var firing: (rule: Int, count: Int)?
        var ordinal = 0
        state.withLock { state in
            state.operationCounts[operation.rawValue, default: 0] += 1
            ordinal = state.operationCounts[operation.rawValue] ?? 0
            for (index, rule) in state.plan.rules.enumerated() where rule.operations.contains(operation) {
                state.ruleCounts[index] += 1
                let count = state.ruleCounts[index]
                let fires: Bool
                switch rule.trigger {
                case .nth(let n): fires = count == n
                case .after(let n): fires = count > n
                case .always: fires = true
                case .probability(let p):
                    let draw = Double(state.generator.next() >> 11) / Double(1 << 53)
                    fires = draw < p
                }
                guard fires else { continue }
                if case .delay(let duration) = rule.effect {
                    decision.delay += duration
                } else if decision.failure == nil {
                    decision.failure = rule.effect
                    firing = (index, count)
                }
            }
            if decision.failure != nil { state.injected += 1 }
        }
        if let failure = decision.failure, let firing {
            let name = FaultPlan.Operations.named.first { $0.0 == operation }?.1 ?? "operation"
            decision.error = MLOpsError(
                .injectedFault,
                "injected fault (\(failure)) on \(name) #\(ordinal): rule \(firing.rule + 1), "
                    + "its match #\(firing.count)",
                value: subject())
        }
        return decision
    }

    /// Runs `body` under `decision`: delay, then fail before, run, or run and fail after.
    /// A tear reaching here (an operation with no bytes to tear) fails before.
    static func perform<T>(_ decision: Decision, _ body: () async throws -> T) async throws -> T {
        if decision.delay > .zero { try await Task.sleep(for: decision.delay) }
        guard let failure = decision.failure, let error = decision.error else { return try await body() }
        switch failure {
        case .failAfterApplying:
            _ = try await body()
            throw error
        case .fail, .tear, .delay:
            throw error
        }
    }
}
