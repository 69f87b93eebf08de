import MLOpsCore

/// Which faults ``FaultyKeyValueStore`` and ``FaultyBlobStore`` inject, and when.
///
/// A plan is a list of ``Rule``s. Each rule watches a set of ``Operations``,
/// counts the operations it sees (starting at 1), and when its ``Trigger``
/// fires applies its ``Effect``: fail before the store is reached, fail
/// *after* the store applied the operation (a lost acknowledgement or a failed
/// `fsync`), tear a blob write (the store receives a prefix, then the writer
/// is abandoned), or delay. Injected failures throw `MLOpsError` with code
/// `injectedFault`. Probabilistic triggers draw from a generator seeded with
/// ``seed``, so a plan replays identically for the same sequence of operations.
///
/// ```swift
/// let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(3))
/// // the third commit throws MLOpsError(.injectedFault, …) and changes nothing
/// ```
///
/// When several rules fire on one operation their delays add up and the first
/// failing rule (in list order) decides the failure. Every rule counts every
/// operation it matches, whether or not an earlier rule failed it.
public struct FaultPlan: Sendable, Hashable {
    /// A set of storage operations a rule applies to.
    public struct Operations: OptionSet, Sendable, Hashable {
        /// The bit pattern.
        public let rawValue: UInt32
        /// Creates a set from its bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `KeyValueStore.get(_:)` and `BlobStore.get(_:)`.
        public static let get = Operations(rawValue: 1 << 0)
        /// `KeyValueStore.scan(_:)`.
        public static let scan = Operations(rawValue: 1 << 1)
        /// `KeyValueStore.commit(_:)`, including commits without writes.
        public static let commit = Operations(rawValue: 1 << 2)
        /// `BlobStore.put(_:data:)`.
        public static let put = Operations(rawValue: 1 << 3)
        /// `BlobStore.exists(_:)`.
        public static let exists = Operations(rawValue: 1 << 4)
        /// `BlobStore.list(prefix:)`.
        public static let list = Operations(rawValue: 1 << 5)
        /// `BlobStore.delete(_:)`.
        public static let delete = Operations(rawValue: 1 << 6)
        /// `BlobStore.openReader(_:)`.
        public static let openReader = Operations(rawValue: 1 << 7)
        /// `BlobStore.openWriter(_:)`.
        public static let openWriter = Operations(rawValue: 1 << 8)
        /// One `BlobReader.read(upTo:)`.
        public static let readerRead = Operations(rawValue: 1 << 9)
        /// One `BlobWriter.write(_:)` (a chunk of a streamed object).
        public static let writerWrite = Operations(rawValue: 1 << 10)
        /// `BlobWriter.commit()`.
        public static let writerCommit = Operations(rawValue: 1 << 11)

        /// Operations that change a store: KV commits, blob puts, deletes and writer commits.
        public static let writes: Operations = [.commit, .put, .delete, .writerCommit]
        /// Operations that only read.
        public static let reads: Operations = [.get, .scan, .exists, .list, .openReader, .readerRead]
        /// Every operation.
        public static let all = Operations(rawValue: (1 << 12) - 1)

        /// The single operations, with names for messages.
        static let named: [(Operations, String)] = [
            (.get, "get"), (.scan, "scan"), (.commit, "commit"), (.put, "put"), (.exists, "exists"),
            (.list, "list"), (.delete, "delete"), (.openReader, "openReader"), (.openWriter, "openWriter"),
            (.readerRead, "reader.read"), (.writerWrite, "writer.write"), (.writerCommit, "writer.commit"),
        ]
    }

    /// When a rule fires, counting only the operations the rule matches.
    public enum Trigger: Sendable, Hashable {
        /// Only on the `n`th matching operation (1-based).
        case nth(Int)
        /// On every matching operation after the first `n`.
        case after(Int)
        /// On every matching operation.
        case always
        /// On each matching operation with probability `p` (0...1), seeded by the plan.
        case probability(Double)
    }

    /// What a rule does when it fires.
    public enum Effect: Sendable, Hashable {
        /// Throw `injectedFault` without reaching the store.
        case fail
        /// Let the operation reach the store, then throw `injectedFault`: the
        /// caller sees an error although the data may be stored (a lost reply,
        /// a failed `fsync`).
        case failAfterApplying
        /// For blob puts and writer writes: give the store a prefix of the bytes
        /// (`keepingFraction` of them) through a writer that is then abandoned
        /// without commit or abort, as a crash would; then throw `injectedFault`.
        /// On any other operation it acts as ``fail``.
        case tear(keepingFraction: Double)
        /// Wait, then perform the operation normally.
        case delay(Duration)
    }

    /// One trigger and effect on a set of operations.
    public struct Rule: Sendable, Hashable {
        /// The operations this rule watches and counts.
        public var operations: Operations
        /// When it fires.
        public var trigger: Trigger
        /// What it does.
        public var effect: Effect

        /// Creates a rule.
        public init(operations: Operations, trigger: Trigger, effect: Effect) {
            self.operations = operations
            self.trigger = trigger
            self.effect = effect
        }
    }

    /// The rules, in priority order.
    public var rules: [Rule]
    /// The seed for ``Trigger/probability(_:)`` triggers.
    public var seed: UInt64

    /// Creates a plan from rules.
    public init(rules: [Rule] = [], seed: UInt64 = 0) {
        self.rules = rules
        self.seed = seed
    }

    /// A plan that injects nothing (the wrapper only counts).
    public static var none: FaultPlan { FaultPlan() }

    /// Fails the `n`th write (1-based) before it reaches the store.
    public static func failNthWrite(_ n: Int, operations: Operations = .writes) -> FaultPlan {
        FaultPlan(rules: [Rule(operations: operations, trigger: .nth(n), effect: .fail)])
    }

    /// Lets the first `n` writes through and fails every later one.
    public static func failWrites(after n: Int, operations: Operations = .writes) -> FaultPlan {
        FaultPlan(rules: [Rule(operations: operations, trigger: .after(n), effect: .fail)])
    }

    /// Fails each write with probability `p`, reproducibly from `seed`.
    public static func failWrites(probability p: Double, seed: UInt64, operations: Operations = .writes) -> FaultPlan {
        FaultPlan(rules: [Rule(operations: operations, trigger: .probability(p), effect: .fail)], seed: seed)
    }

    /// Applies the `n`th write, then reports failure (the `fsync`-failed case).
    public static func failNthWriteAfterApplying(_ n: Int, operations: Operations = .writes) -> FaultPlan {
        FaultPlan(rules: [Rule(operations: operations, trigger: .nth(n), effect: .failAfterApplying)])
    }

    /// Tears the `n`th blob put or writer chunk: a prefix reaches the store, then it fails.
    public static func tearNthBlobWrite(_ n: Int, keepingFraction: Double = 0.5) -> FaultPlan {
        FaultPlan(rules: [
            Rule(operations: [.put, .writerWrite], trigger: .nth(n), effect: .tear(keepingFraction: keepingFraction))
        ])
    }

    /// Delays every matching operation by `duration`.
    public static func delay(_ duration: Duration, operations: Operations = .all) -> FaultPlan {
        FaultPlan(rules: [Rule(operations: operations, trigger: .always, effect: .delay(duration))])
    }

    /// This plan with `rule` appended (lowest priority).
    public func adding(_ rule: Rule) -> FaultPlan {
        var copy = self
        copy.rules.append(rule)
        return copy
    }

    /// This plan with another plan's rules appended (keeping this plan's seed).
    public func adding(_ other: FaultPlan) -> FaultPlan {
        var copy = self
        copy.rules += other.rules
        return copy
    }
}
