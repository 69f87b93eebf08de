import MLOpsCore

/// The JSON summary of a profile.
extension DatasetProfile {
    /// The quantiles the JSON summary reports.
    public static let summaryQuantiles: [Double] = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]

    /// A JSON document a person reads: per column the counts and inferred type, moments, the quantiles
    /// 1, 5, 10, 25, 50, 75, 90, 95 and 99 % with the sketch's rank-error bound, the distinct-count
    /// estimate with bounds of two standard errors, and the frequent items (no false positives) with their
    /// bounds. Non-finite numbers are written as `null`. The binary form (``serialized()``) is the one to
    /// store and merge; the summary is for reading.
    public func jsonSummary() -> String {
        var json = JSONWriter(capacity: 1024 + 1024 * columns.count)
        json.raw("{\n  \"format\": \"swift-mlops-profile\",\n  \"version\": ")
        json.unsigned(UInt64(Self.binaryFormatVersion))
        json.raw(",\n  \"rows\": ")
        json.int(Int64(rowCount))
        json.raw(",\n  \"configuration\": {\"kll_k\": ")
        json.int(Int64(configuration.quantileK))
        json.raw(", \"hll_precision\": ")
        json.int(Int64(configuration.cardinalityPrecision))
        json.raw(", \"frequent_items_capacity\": ")
        json.int(Int64(configuration.frequentItemsCapacity))
        json.raw(", \"seed\": ")
        json.unsigned(configuration.seed)
        json.raw("},\n  \"columns\": [")
        for (index, column) in columns.enumerated() {
            json.raw(index == 0 ? "\n    " : ",\n    ")
            Self.writeSummary(of: column, to: &json)
        }
        json.raw("\n  ]\n}\n")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    private static func writeSummary(of column: ColumnProfile, to json: inout JSONWriter) {
        json.raw("{\"name\": ")
        json.string(column.name)
        json.raw(", \"count\": ")
        json.int(Int64(column.count))
        json.raw(", \"missing\": ")
        json.int(Int64(column.missingCount))
        json.raw(", \"inferred_type\": ")
        if let type = column.typeCounts.inferredType { json.string(type.rawValue) } else { json.raw("null") }
        json.raw(",\n     \"types\": {\"integral\": ")
        json.int(Int64(column.typeCounts.integral))
        json.raw(", \"fractional\": ")
        json.int(Int64(column.typeCounts.fractional))
        json.raw(", \"boolean\": ")
        json.int(Int64(column.typeCounts.boolean))
        json.raw(", \"string\": ")
        json.int(Int64(column.typeCounts.string))
        json.raw("},\n     \"statistics\": ")
        let stats = column.statistics
        if stats.count + stats.infiniteCount == 0 && column.quantiles == nil {
            json.raw("null")
        } else {
            json.raw("{\"count\": ")
            json.int(Int64(stats.count))
            json.raw(", \"infinite\": ")
            json.int(Int64(stats.infiniteCount))
            json.raw(", \"mean\": ")
            optionalDouble(stats.count > 0 ? stats.mean : nil, &json)
            json.raw(", \"stddev\": ")
            optionalDouble(stats.count > 0 ? stats.standardDeviation : nil, &json)
            json.raw(", \"min\": ")
            optionalDouble(stats.minimum, &json)
            json.raw(", \"max\": ")
            optionalDouble(stats.maximum, &json)
            json.raw("}")
        }
        json.raw(",\n     \"quantiles\": ")
        if let sketch = column.quantiles, let values = sketch.quantiles(summaryQuantiles) {
            json.raw("{\"normalized_rank_error\": ")
            json.double(sketch.normalizedRankError)
            for (q, value) in zip(summaryQuantiles, values) {
                json.raw(", \"")
                let percent = Int((q * 100).rounded())
                json.bytes.append(contentsOf: ("p" + (percent < 10 ? "0" : "") + String(percent)).utf8)
                json.raw("\": ")
                optionalDouble(value, &json)
            }
            json.raw("}")
        } else {
            json.raw("null")
        }
        let bounds = column.cardinality.bounds(standardErrors: 2)
        json.raw(",\n     \"cardinality\": {\"estimate\": ")
        json.double(column.cardinality.estimate)
        json.raw(", \"lower\": ")
        json.double(bounds.lower)
        json.raw(", \"upper\": ")
        json.double(bounds.upper)
        json.raw(", \"relative_standard_error\": ")
        json.double(column.cardinality.relativeStandardError)
        json.raw("},\n     \"frequent_items\": ")
        if let items = column.frequentItems {
            json.raw("{\"maximum_error\": ")
            json.int(Int64(items.maximumError))
            json.raw(", \"items\": [")
            for (position, item) in items.items(.noFalsePositives).prefix(20).enumerated() {
                json.raw(position == 0 ? "{\"value\": " : ", {\"value\": ")
                json.string(item.value)
                json.raw(", \"estimate\": ")
                json.int(Int64(item.estimate))
                json.raw(", \"lower\": ")
                json.int(Int64(item.lowerBound))
                json.raw(", \"upper\": ")
                json.int(Int64(item.upperBound))
                json.raw("}")
            }
            json.raw("]}")
        } else {
            json.raw("null")
        }
        json.raw("}")
    }

    private static func optionalDouble(_ value: Double?, _ json: inout JSONWriter) {
        if let value { json.double(value) } else { json.raw("null") }
    }
}
