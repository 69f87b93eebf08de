import MLOpsCore

/// A monitored value's identity: a metric name and labels, as in Prometheus —
/// `drift_share`, `column_psi{column="x0"}`, `window_auc{model="churn"}`.
///
/// What a caller must know:
/// - The name follows Prometheus' metric-name rule (`[a-zA-Z_:][a-zA-Z0-9_:]*`), label names
///   the label-name rule (`[a-zA-Z_][a-zA-Z0-9_]*`, no leading `__`); label values are any text.
///   Keys decoded from JSON are validated the same way.
/// - ``description`` (name, then labels sorted by name with escaped values) is at most
///   ``maxDescriptionLength`` bytes, since it names stored alerts.
public struct MetricKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The longest ``description``, in UTF-8 bytes.
    public static let maxDescriptionLength = 400

    /// The metric name, e.g. `column_psi`.
    public let name: String
    /// The labels, e.g. `["column": "x0"]`.
    public let labels: [String: String]

    /// A key from a name and labels.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming a bad metric or label name;
    ///   `limitExceeded` if the key's text is longer than ``maxDescriptionLength`` bytes.
    public init(_ name: String, labels: [String: String] = [:]) throws {
        guard PrometheusWriter.isValidMetricName(name) else {
            throw MLOpsError(
                .invalidArgument, "a metric name must match [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus' rule)", value: name)
        }
        for label in labels.keys.sorted() where !PrometheusWriter.isValidLabelName(label) {
            throw MLOpsError(
                .invalidArgument,
                "a label name must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__' (label of \(name))",
                value: label)
        }
        self.name = name
        self.labels = labels
        let text = description
        guard text.utf8.count <= Self.maxDescriptionLength else {
            throw MLOpsError(
                .limitExceeded, "a metric key is longer than \(Self.maxDescriptionLength) bytes", value: text)
        }
    }

    /// The labels sorted by name.
    public var sortedLabels: [(name: String, value: String)] {
        labels.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    /// The key as Prometheus writes a series: `name{a="1",b="x"}`, labels sorted by name and
    /// values escaped; just `name` without labels.
    public var description: String {
        guard !labels.isEmpty else { return name }
        let parts = sortedLabels.map { "\($0.name)=\"\(PrometheusWriter.escapeLabelValue($0.value))\"" }
        return name + "{" + parts.joined(separator: ",") + "}"
    }

    /// Orders keys by their text.
    public static func < (lhs: MetricKey, rhs: MetricKey) -> Bool { lhs.description < rhs.description }

    private enum CodingKeys: String, CodingKey { case name, labels }

    /// Decodes and validates a key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            try container.decode(String.self, forKey: .name),
            labels: try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:])
    }

    /// Encodes the name and labels.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(labels, forKey: .labels)
    }
}
