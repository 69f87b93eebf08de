import MLOpsCore

/// The claim a running garbage collection holds on a repository while it may delete: who holds
/// it and until when.
///
/// A lease ends when its holder releases it, when it expires (the holder renews it while it
/// works), or — on the holder's own machine — as soon as the holder's process no longer exists,
/// so a collection killed midway does not stall writers until the expiry.
struct CollectorLease: Sendable, Hashable, Codable {
    /// Chosen at random by the holder, to tell its lease from a later one.
    var token: String
    var host: String
    var processID: Int32
    var startedMilliseconds: UInt64
    var expiresMilliseconds: UInt64

    /// A new lease held by this process for `duration` milliseconds from `now`.
    static func take(now: UInt64, duration: UInt64) -> CollectorLease {
        var random = SystemRandomNumberGenerator()
        return CollectorLease(
            token: String(random.next(), radix: 36) + String(random.next(), radix: 36),
            host: Platform.hostName ?? "", processID: Platform.processID, startedMilliseconds: now,
            expiresMilliseconds: now &+ duration)
    }

    /// Whether the lease still holds at `now`: not expired, and its holder alive when it runs on
    /// this machine.
    func isActive(now: UInt64) -> Bool {
        guard now < expiresMilliseconds else { return false }
        guard host == (Platform.hostName ?? ""), processID != Platform.processID, processID > 0 else { return true }
        // Signal 0 only asks whether the process exists; EPERM means it exists but is not ours.
        return Platform.send(signal: 0, to: processID) == 0 || Platform.errno == Platform.notPermitted
    }
}
