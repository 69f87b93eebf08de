import Synchronization

/// One delivery of an event to an action, raced against the action's timeout: whichever ends
/// first decides the outcome, and the loser is cancelled and not waited for.
final class DeliveryRace: Sendable {
    private enum Phase {
        case running
        case waiting(CheckedContinuation<String?, Never>)
        case finished(String?)
    }

    private let phase = Mutex<Phase>(.running)

    /// Delivers `event` with `action`: `nil` on success, else what went wrong.
    static func run(_ action: AlertAction, _ event: AlertEvent) async -> String? {
        let race = DeliveryRace()
        let work = Task {
            do {
                try await action.deliver(event)
                race.finish(nil)
            } catch {
                race.finish("\(error)")
            }
        }
        let timeout = action.timeout
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            race.finish("the action did not finish within \(timeout)")
            work.cancel()
        }
        let outcome = await race.wait()
        timer.cancel()
        return outcome
    }

    private func wait() async -> String? {
        await withCheckedContinuation { continuation in
            let ready: String?? = phase.withLock { phase in
                if case .finished(let outcome) = phase { return .some(outcome) }
                phase = .waiting(continuation)
                return .none
            }
            if case .some(let outcome) = ready { continuation.resume(returning: outcome) }
        }
    }

    private func finish(_ outcome: String?) {
        let continuation: CheckedContinuation<String?, Never>? = phase.withLock { phase in
            switch phase {
            case .finished: return nil
            case .running:
                phase = .finished(outcome)
                return nil
            case .waiting(let continuation):
                phase = .finished(outcome)
                return continuation
            }
        }
        continuation?.resume(returning: outcome)
    }
}
