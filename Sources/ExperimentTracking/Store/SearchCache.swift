import Synchronization

/// What a tracker remembers between searches, so that repeated searches of
/// unchanged data neither rescan nor re-decode it:
///
/// - per experiment, the parsed run records of the last scan, tagged with the
///   store's version at the time (any commit to the store, from any process,
///   changes the version and so invalidates them);
/// - per run, the decoded ``Run`` with the version of the record it came from
///   (a record's version changes with every write to it).
///
/// Both are bounded; when a bound is reached the cache is emptied.
final class SearchCache: Sendable {
    private struct State {
        var scans: [String: (version: UInt64, views: [RunRecordView], bytes: Int)] = [:]
        var scannedBytes = 0
        var runs: [RunKey: Run] = [:]
    }

    /// The most record bytes kept from scans.
    static let maxScannedBytes = 256 << 20
    /// The most decoded runs kept.
    static let maxRuns = 50_000

    private let state = Mutex(State())

    /// A run record's identity: its run ID's bytes (hashed cheaply) and the record's version.
    struct RunKey: Hashable {
        let id: SIMD32<UInt8>
        let length: Int
        let version: UInt64

        /// `nil` for a run ID longer than 32 bytes (never one of ours), which is then not cached.
        init?(_ view: RunRecordView) {
            guard view.runID.count <= 32 else { return nil }
            var id = SIMD32<UInt8>()
            view.bytes.withUnsafeBufferPointer { buffer in
                for (i, index) in view.runID.prefix(32).enumerated() { id[i] = buffer[index] }
            }
            self.id = id
            length = view.runID.count
            version = view.version
        }
    }

    func views(experimentID: String, storeVersion: UInt64) -> [RunRecordView]? {
        state.withLock { state in
            guard let hit = state.scans[experimentID], hit.version == storeVersion else { return nil }
            return hit.views
        }
    }

    func remember(_ views: [RunRecordView], experimentID: String, storeVersion: UInt64) {
        let bytes = views.reduce(0) { $0 + $1.bytes.count }
        state.withLock { state in
            if let old = state.scans.removeValue(forKey: experimentID) { state.scannedBytes -= old.bytes }
            // Entries for older versions are stale: drop them.
            for (id, scan) in state.scans where scan.version != storeVersion {
                state.scans[id] = nil
                state.scannedBytes -= scan.bytes
            }
            guard bytes <= Self.maxScannedBytes else { return }
            if state.scannedBytes + bytes > Self.maxScannedBytes {
                state.scans.removeAll()
                state.scannedBytes = 0
            }
            state.scans[experimentID] = (storeVersion, views, bytes)
            state.scannedBytes += bytes
        }
    }

    /// The cached runs for `keys`, `nil` where there is none.
    func runs(_ keys: [RunKey?]) -> [Run?] {
        state.withLock { state in keys.map { key in key.flatMap { state.runs[$0] } } }
    }

    func remember(_ runs: [(RunKey, Run)]) {
        state.withLock { state in
            if state.runs.count + runs.count > Self.maxRuns { state.runs.removeAll(keepingCapacity: true) }
            for (key, run) in runs { state.runs[key] = run }
        }
    }
}
