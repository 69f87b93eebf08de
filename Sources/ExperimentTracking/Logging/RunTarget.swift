import MLOpsCore
import Synchronization

/// What the logging path knows about one run: its identity, its keys, and
/// the params logged through this process so far (for immediate immutability
/// checks).
final class RunTarget: Sendable {
    let runID: String
    let experimentID: String
    let runKey: [UInt8]
    /// Params known to be logged (from this process, or read when the run was resumed).
    let params: Mutex<[String: String]>
    /// Set once the run has been ended through this process.
    let ended = Atomic<Bool>(false)

    init(runID: String, experimentID: String, keys: TrackingKeys, params: [String: String] = [:]) {
        self.runID = runID
        self.experimentID = experimentID
        runKey = keys.run(experimentID: experimentID, runID: runID)
        self.params = Mutex(params)
    }

    /// Whether the run has been ended through this process.
    var isEnded: Bool { ended.load(ordering: .relaxed) }

    /// Marks the run ended; `false` if it already was.
    func markEnded() -> Bool {
        ended.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }

    /// Marks the run open again (its end was not queued after all).
    func reopen() { ended.store(false, ordering: .relaxed) }

    /// Throws `invalidState` if the run has been ended.
    @inline(__always)
    func checkOpen() throws {
        if ended.load(ordering: .relaxed) {
            throw MLOpsError(
                .invalidState, "the run has ended; start a new run or resume this one to log more", value: runID)
        }
    }

    /// Records params as logged, throwing `conflict` if one was logged before with another value.
    /// Either all are recorded or none.
    func recordParams(_ new: [String: String]) throws -> [String: String] {
        try params.withLock { known in
            var fresh: [String: String] = [:]
            for (key, value) in new {
                if let old = known[key] {
                    if old != value { throw RunMutation.paramConflict(runID: runID, key: key, old: old, new: value) }
                } else {
                    fresh[key] = value
                }
            }
            known.merge(fresh) { old, _ in old }
            return fresh
        }
    }
}
