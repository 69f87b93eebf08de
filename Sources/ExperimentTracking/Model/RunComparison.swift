/// Runs side by side: the union of their param and metric keys, and each
/// run's value for each key.
///
/// ```swift
/// let comparison = try await tracker.compareRuns(ids: [a, b])
/// for key in comparison.differingParamKeys { print(key, comparison.runs.map { $0.params[key] ?? "-" }) }
/// ```
public struct RunComparison: Sendable, Hashable, Codable {
    /// The runs, in the order asked for.
    public var runs: [Run]
    /// Every param key of any run, sorted.
    public var paramKeys: [String]
    /// Every metric key of any run, sorted.
    public var metricKeys: [String]

    /// Compares `runs`.
    public init(runs: [Run]) {
        self.runs = runs
        paramKeys = Set(runs.flatMap(\.params.keys)).sorted()
        metricKeys = Set(runs.flatMap(\.metrics.keys)).sorted()
    }

    /// The param keys whose values are not the same in every run (a missing value counts as different).
    public var differingParamKeys: [String] {
        paramKeys.filter { key in Set(runs.map { $0.params[key] }).count > 1 }
    }

    /// A table for display: a header row (`""` then run IDs), then one row per
    /// attribute, param (`params.<key>`) and metric (`metrics.<key>`, latest value);
    /// `-` marks a missing value.
    public var table: [[String]] {
        var rows: [[String]] = [["run"] + runs.map(\.info.runID)]
        rows.append(["name"] + runs.map(\.info.runName))
        rows.append(["status"] + runs.map(\.info.status.rawValue))
        rows.append(["experiment"] + runs.map(\.info.experimentID))
        for key in paramKeys { rows.append(["params.\(key)"] + runs.map { $0.params[key] ?? "-" }) }
        for key in metricKeys {
            rows.append(["metrics.\(key)"] + runs.map { $0.metrics[key].map { String($0.value) } ?? "-" })
        }
        return rows
    }
}
