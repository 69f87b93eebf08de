public import MLOpsCore
import Synchronization

/// A `KeyValueStore` that forwards to another and records every operation.
///
/// Tests use it to assert *how* code uses its store — how many commits a
/// call makes, which keys it writes, whether a read-only path commits at all:
///
/// ```swift
/// let store = RecordingKeyValueStore(wrapping: InMemoryKeyValueStore())
/// let records = try await RecordStore.open(try RecordNamespace("catalog", owner: "MyApp"), on: store)
/// store.reset()
/// try await records.insert(DatasetRecord(id: "d1", name: "churn"))
/// #expect(store.counts.commits == 1)  // the record and its index entry in one transaction
/// #expect(store.writtenKeys.count == 2)
/// ```
///
/// Every call is recorded, in completion order, with its outcome; errors are
/// recorded and rethrown unchanged. ``reset()`` forgets what was recorded.
public final class RecordingKeyValueStore: KeyValueStore {
    /// How a recorded operation ended.
    public enum Outcome: Sendable, Hashable {
        /// A get that found (`true`) or did not find (`false`) its key.
        case found(Bool)
        /// A scan that returned this many entries.
        case entries(Int)
        /// A commit that succeeded with this version.
        case committed(version: UInt64)
        /// An operation that threw: the `MLOpsError` code, or `nil` for another error.
        case failed(MLOpsError.Code?)
    }

    /// One recorded operation.
    public enum Event: Sendable, Hashable {
        /// A `KeyValueStore.get(_:)`.
        case get(key: [UInt8], outcome: Outcome)
        /// A `KeyValueStore.scan(_:)`.
        case scan(KeyScan, outcome: Outcome)
        /// A `KeyValueStore.commit(_:)`.
        case commit(KeyValueTransaction, outcome: Outcome)

        /// How the operation ended.
        public var outcome: Outcome {
            switch self {
            case .get(_, let outcome), .scan(_, let outcome), .commit(_, let outcome): outcome
            }
        }
    }

    /// Totals over the recorded events.
    public struct Counts: Sendable, Hashable {
        /// Calls to `get`.
        public var gets = 0
        /// Calls to `scan`.
        public var scans = 0
        /// Calls to `commit`, successful or not, with or without writes.
        public var commits = 0
        /// Successful commits that had at least one write.
        public var writeCommits = 0
        /// Commits that failed with `conflict`.
        public var conflicts = 0
        /// Operations that failed with anything other than `conflict`.
        public var failures = 0
        /// Puts and deletes in successful commits.
        public var writes = 0

        /// All zero.
        public init() {}
    }

    /// The store every operation is forwarded to.
    public let base: any KeyValueStore
    private let recorded = Mutex<(events: [Event], counts: Counts)>(([], Counts()))

    /// Wraps `base`.
    public init(wrapping base: any KeyValueStore) { self.base = base }

    /// Every recorded operation, oldest first.
    public var events: [Event] { recorded.withLock { $0.events } }

    /// Totals over the recorded operations.
    public var counts: Counts { recorded.withLock { $0.counts } }

    /// The committed transactions, oldest first.
    public var committedTransactions: [KeyValueTransaction] {
        events.compactMap { event in
            if case .commit(let tx, .committed) = event { return tx }
            return nil
        }
    }

    /// Every key written (put or deleted) by a successful commit, in order, repeats included.
    public var writtenKeys: [[UInt8]] { committedTransactions.flatMap { $0.writes.map(\.key) } }

    /// Forgets every recorded operation.
    public func reset() { recorded.withLock { $0 = ([], Counts()) } }

    /// Reads through the wrapped store and records the outcome.
    public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        do {
            let entry = try await base.get(key)
            record(.get(key: key, outcome: .found(entry != nil)))
            return entry
        } catch {
            record(.get(key: key, outcome: .failed((error as? MLOpsError)?.code)))
            throw error
        }
    }

    /// Scans through the wrapped store and records the outcome.
    public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        do {
            let entries = try await base.scan(request)
            record(.scan(request, outcome: .entries(entries.count)))
            return entries
        } catch {
            record(.scan(request, outcome: .failed((error as? MLOpsError)?.code)))
            throw error
        }
    }

    /// Commits through the wrapped store and records the transaction and its outcome.
    @discardableResult
    public func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        do {
            let version = try await base.commit(transaction)
            record(.commit(transaction, outcome: .committed(version: version)))
            return version
        } catch {
            record(.commit(transaction, outcome: .failed((error as? MLOpsError)?.code)))
            throw error
        }
    }

    private func record(_ event: Event) {
        recorded.withLock { recorded in
            recorded.events.append(event)
            switch event {
            case .get: recorded.counts.gets += 1
            case .scan: recorded.counts.scans += 1
            case .commit(let tx, let outcome):
                recorded.counts.commits += 1
                if case .committed = outcome, !tx.writes.isEmpty {
                    recorded.counts.writeCommits += 1
                    recorded.counts.writes += tx.writes.count
                }
            }
            switch event.outcome {
            case .failed(let code) where code == .conflict: recorded.counts.conflicts += 1
            case .failed: recorded.counts.failures += 1
            default: break
            }
        }
    }
}
