import Synchronization

/// What a tracker remembers between searches, so that repeating a search over
/// unchanged data neither rescans nor re-decodes it:
///
/// - per query (experiments, filter, order, view), the sorted matching run
///   records, tagged with the store's version at the time. Any commit to the
///   store, from any process, changes the version and so retires them: the next
///   search scans the store again;
/// - per run, the decoded ``Run`` with the version of the record it came from
///   (a record's version changes with every write to it), so that a search
///   after a write decodes only the runs that changed.
///
/// Both are bounded: the least recently used results beyond ``maxResults``
/// queries or ``maxResultBytes`` are dropped, and all decoded runs beyond
/// ``maxRuns``.
final class SearchCache: Sendable {
    /// A search as the cache tells searches apart.
    struct Query: Hashable, Sendable {
        let experimentIDs: [String]
        let filter: RunFilter
        let order: RunOrder
        let viewType: ViewType
    }

    private struct Result {
        let storeVersion: UInt64
        let views: [RunRecordView]
        let bytes: Int
        var lastUse: UInt64
    }

    private struct State {
        var results: [Query: Result] = [:]
        var resultBytes = 0
        var clock: UInt64 = 0
        var runs: [RunKey: DecodedRun] = [:]
    }

    /// A decoded run, boxed so that the cache's table moves pointers, not runs, as it grows.
    private final class DecodedRun: Sendable {
        let run: Run
        init(_ run: Run) { self.run = run }
    }

    /// The most queries whose results are kept.
    static let maxResults = 32
    /// The most record bytes kept in results.
    static let maxResultBytes = 128 << 20
    /// The most decoded runs kept.
    static let maxRuns = 50_000

    private let state = Mutex(State())

    /// A run record's identity: its run ID's bytes (up to 32, packed into four words so that
    /// hashing is cheap) and the record's version.
    struct RunKey: Hashable {
        let w0: UInt64
        let w1: UInt64
        let w2: UInt64
        let w3: UInt64
        let length: Int
        let version: UInt64

        /// `nil` for a run ID longer than 32 bytes (never one of ours), which is then not cached.
        init?(_ view: RunRecordView) {
            guard view.runID.count <= 32 else { return nil }
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            view.bytes.withUnsafeBufferPointer { buffer in
                withUnsafeMutableBytes(of: &words) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[view.runID])))
                }
            }
            (w0, w1, w2, w3) = words
            length = view.runID.count
            version = view.version
        }
    }

    /// The sorted matches of `query` if they were found at `storeVersion`.
    func result(_ query: Query, storeVersion: UInt64) -> [RunRecordView]? {
        state.withLock { state in
            guard let hit = state.results[query], hit.storeVersion == storeVersion else { return nil }
            state.clock += 1
            state.results[query]?.lastUse = state.clock
            return hit.views
        }
    }

    /// Keeps the sorted matches of `query` found at `storeVersion`, dropping results of older
    /// versions and, beyond the bounds, the least recently used.
    func remember(_ views: [RunRecordView], for query: Query, storeVersion: UInt64) {
        let bytes = views.reduce(0) { $0 + $1.bytes.count }
        guard bytes <= Self.maxResultBytes else { return }
        state.withLock { state in
            for (key, result) in state.results where result.storeVersion < storeVersion || key == query {
                state.results[key] = nil
                state.resultBytes -= result.bytes
            }
            while state.results.count >= Self.maxResults || state.resultBytes + bytes > Self.maxResultBytes,
                let oldest = state.results.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.results[oldest.key] = nil
                state.resultBytes -= oldest.value.bytes
            }
            state.clock += 1
            state.results[query] = Result(storeVersion: storeVersion, views: views, bytes: bytes, lastUse: state.clock)
            state.resultBytes += bytes
        }
    }

    /// The cached runs for `keys`, `nil` where there is none.
    func runs(_ keys: [RunKey?]) -> [Run?] {
        state.withLock { state in keys.map { key in key.flatMap { state.runs[$0]?.run } } }
    }

    /// Keeps decoded runs; beyond ``maxRuns`` the cache starts again from empty.
    func remember(_ runs: [(RunKey, Run)]) {
        let boxed = runs.map { ($0.0, DecodedRun($0.1)) }
        state.withLock { state in
            if state.runs.count + runs.count > Self.maxRuns { state.runs.removeAll(keepingCapacity: true) }
            state.runs.reserveCapacity(state.runs.count + boxed.count)
            for (key, run) in boxed { state.runs[key] = run }
        }
    }
}
