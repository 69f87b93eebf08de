import MLOpsCore

/// The tracking store's key layout on a ``MLOpsCore/KeyValueStore``; every key
/// starts with the tracker's prefix (default `tracking`). Parts are
/// ``MLOpsCore/StorageKey`` strings (NUL-terminated) and integers.
///
/// | key | value |
/// |---|---|
/// | `P/exp/<experimentID>` | ``Experiment`` (JSON) |
/// | `P/exp-name/<name>` | the ID of the active experiment with that name (UTF-8) |
/// | `P/exp-next` | the next experiment ID (decimal UTF-8) |
/// | `P/run/<experimentID>/<runID>` | ``RunRecord`` (binary): info, params, tags, latest metrics, inputs, environment |
/// | `P/run-exp/<runID>` | the run's experiment ID (UTF-8) |
/// | `P/env/<environmentID>` | ``RunEnvironment`` (JSON), shared by every run that ran in it |
/// | `P/metric/<runID>/<key>/<u64 hi><u64 lo>` | ``MetricChunkBuilder`` chunk; the suffix is a ``MLOpsCore/SortableID`` |
struct TrackingKeys: Sendable {
    let prefix: String

    func experiment(_ id: String) -> [UInt8] { StorageKey(prefix, "exp", id).bytes }
    var experiments: [UInt8] { StorageKey(prefix, "exp").bytes }
    func experimentName(_ name: String) -> [UInt8] { StorageKey(prefix, "exp-name", name).bytes }
    var nextExperimentID: [UInt8] { StorageKey(prefix, "exp-next").bytes }

    func run(experimentID: String, runID: String) -> [UInt8] { StorageKey(prefix, "run", experimentID, runID).bytes }
    func runs(experimentID: String) -> [UInt8] { StorageKey(prefix, "run", experimentID).bytes }
    func runExperiment(_ runID: String) -> [UInt8] { StorageKey(prefix, "run-exp", runID).bytes }
    func environment(_ id: String) -> [UInt8] { StorageKey(prefix, "env", id).bytes }

    func metricSeries(runID: String, key: String) -> [UInt8] { StorageKey(prefix, "metric", runID, key).bytes }
    func metricChunk(runID: String, key: String, chunk: SortableID) -> [UInt8] {
        var storageKey = StorageKey(prefix, "metric", runID, key)
        storageKey.append(UInt64(truncatingIfNeeded: chunk.rawValue >> 64))
        storageKey.append(UInt64(truncatingIfNeeded: chunk.rawValue))
        return storageKey.bytes
    }

    /// The blob-store prefix of a run's artifacts.
    static func artifactRoot(runID: String) -> String { "runs/\(runID)/artifacts" }
}
