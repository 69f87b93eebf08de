extension SQLiteKeyValueStore {
    /// How a ``SQLiteKeyValueStore`` opens its file: lock waiting, durability, access.
    ///
    /// ```swift
    /// var options = SQLiteKeyValueStore.Options()
    /// options.synchronous = .normal     // faster commits; see ``Synchronous``
    /// let store = try SQLiteKeyValueStore(path: "state/metadata.sqlite", options: options)
    /// ```
    public struct Options: Sendable, Hashable {
        /// How long one operation may wait for locks held by other connections or processes
        /// before it fails with `MLOpsError.Code.busy`. Default 30 seconds.
        ///
        /// Under contention operations wait (SQLite's busy handler plus the store's own retry
        /// loop with back-off); callers only see `busy` once this budget is spent.
        public var busyTimeout: Duration
        /// When a commit is flushed to disk. Default ``Synchronous/full``.
        public var synchronous: Synchronous
        /// Open an existing store for reading only: ``SQLiteKeyValueStore/commit(_:)`` throws
        /// `MLOpsError.Code.invalidState` and a missing store is `MLOpsError.Code.notFound`
        /// instead of being created. Default `false`.
        public var readOnly: Bool
        /// The most connections used for reads at once, besides the one that writes. Reads run
        /// in parallel with each other and with a commit (write-ahead logging). `0` sends reads
        /// through the writer's connection. Default 4.
        public var maxReaders: Int
        /// How many bytes of the file each reading connection maps into memory
        /// (`PRAGMA mmap_size`), so that scans read pages in place instead of copying them out
        /// of the operating system's cache. `0` turns memory mapping off. Default 256 MiB.
        ///
        /// The mapping is address space, not memory: pages are shared with the operating
        /// system's file cache. Turn it off for a store on a network file system, where an I/O
        /// error on a mapped page would stop the process instead of failing the read.
        public var memoryMapSize: Int

        /// Creates options; every parameter has the default described on its property.
        public init(
            busyTimeout: Duration = .seconds(30),
            synchronous: Synchronous = .full,
            readOnly: Bool = false,
            maxReaders: Int = 4,
            memoryMapSize: Int = 256 << 20
        ) {
            self.busyTimeout = busyTimeout
            self.synchronous = synchronous
            self.readOnly = readOnly
            self.maxReaders = maxReaders
            self.memoryMapSize = memoryMapSize
        }
    }

    /// SQLite's `synchronous` setting for the writing connection: how much a commit waits for
    /// the disk.
    ///
    /// The store always runs in write-ahead-log mode, where both settings keep the file
    /// consistent and every commit atomic, and both survive a crash of the *process*: an
    /// acknowledged commit is in the operating system's page cache before
    /// ``SQLiteKeyValueStore/commit(_:)`` returns. They differ on power loss or an operating-system crash:
    ///
    /// - ``full`` fsyncs the log on every commit, so an acknowledged commit survives a power
    ///   cut too. A commit then costs one fsync — hundreds to a few thousand commits per second
    ///   depending on the disk, whatever their size. Batch writes into one transaction to
    ///   amortise it.
    /// - ``normal`` fsyncs only at checkpoints. Commits are several times faster, but the last
    ///   commits before a power cut may be rolled back (never torn).
    public enum Synchronous: String, Sendable, Hashable, CaseIterable {
        /// `PRAGMA synchronous = NORMAL`: durable against process crashes; recent commits may be
        /// lost, never torn, on power loss.
        case normal
        /// `PRAGMA synchronous = FULL`: every acknowledged commit is on disk. The default.
        case full

        /// The pragma's argument.
        var pragmaValue: String {
            switch self {
            case .normal: "NORMAL"
            case .full: "FULL"
            }
        }
    }
}
