/// Renders ``ServingMetrics`` in the Prometheus text exposition format, version 0.0.4.
///
/// The families, each with one `# HELP` and one `# TYPE` line and one series per model version
/// (labels `model` and `version`):
/// - `mlops_serving_requests_total` (counter): requests answered or failed, shadow copies included;
/// - `mlops_serving_errors_total` (counter, label `code`): failed requests by `MLOpsError` code;
/// - `mlops_serving_row_errors_total` (counter): rows reported as row errors;
/// - `mlops_serving_queue_depth` (gauge): requests waiting in the batching queue;
/// - `mlops_serving_batch_size` (histogram): rows per model call, buckets 1, 2, 4, … 4096;
/// - `mlops_serving_request_duration_seconds` (histogram): end-to-end latency, buckets doubling
///   from 1 µs (a quarter of the server's own buckets, which grow by 2^¼);
/// - `mlops_serving_shadow_comparisons_total`, `mlops_serving_shadow_mismatches_total`,
///   `mlops_serving_shadow_errors_total` (counters);
/// - `mlops_serving_rollbacks_total` (counter, label `model` only);
/// - `mlops_serving_unrouted_errors_total` (counter, label `code` only): requests for an unknown
///   model or version.
public enum PrometheusText {
    /// The exposition text of `metrics`, ending with a newline.
    public static func render(_ metrics: ServingMetrics) -> String {
        var out = ""
        let versions = metrics.versions
        func labels(_ version: ServingMetrics.Version, _ extra: String = "") -> String {
            "{model=\"\(escape(version.model))\",version=\"\(version.version)\"\(extra)}"
        }
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        family("mlops_serving_requests_total", "counter", "Requests answered or failed, shadow copies included.")
        for version in versions { out += "mlops_serving_requests_total\(labels(version)) \(version.requests)\n" }

        family("mlops_serving_errors_total", "counter", "Failed requests by error code.")
        for version in versions {
            for (code, count) in version.errors.sorted(by: { $0.key < $1.key }) {
                out += "mlops_serving_errors_total\(labels(version, ",code=\"\(escape(code))\"")) \(count)\n"
            }
        }

        family("mlops_serving_row_errors_total", "counter", "Rows that failed validation.")
        for version in versions { out += "mlops_serving_row_errors_total\(labels(version)) \(version.rowErrors)\n" }

        family("mlops_serving_queue_depth", "gauge", "Requests waiting in the batching queue.")
        for version in versions { out += "mlops_serving_queue_depth\(labels(version)) \(version.queueDepth)\n" }

        family("mlops_serving_batch_size", "histogram", "Rows per model call.")
        for version in versions {
            var cumulative = 0
            for (index, bound) in ServingMetrics.Version.batchSizeBounds.enumerated() {
                cumulative += version.batchSizeBuckets[index]
                out += "mlops_serving_batch_size_bucket\(labels(version, ",le=\"\(bound)\"")) \(cumulative)\n"
            }
            out += "mlops_serving_batch_size_bucket\(labels(version, ",le=\"+Inf\"")) \(version.batches)\n"
            out += "mlops_serving_batch_size_sum\(labels(version)) \(version.batchedRows)\n"
            out += "mlops_serving_batch_size_count\(labels(version)) \(version.batches)\n"
        }

        family(
            "mlops_serving_request_duration_seconds", "histogram", "End-to-end request latency, queueing included.")
        for version in versions {
            let histogram = version.latency
            let bounds = LatencyHistogram.bounds
            var cumulative = 0
            for index in bounds.indices {
                cumulative += histogram.counts[index]
                guard index % LatencyHistogram.stepsPerDoubling == 0 else { continue }
                let le = seconds(bounds[index])
                out +=
                    "mlops_serving_request_duration_seconds_bucket\(labels(version, ",le=\"\(le)\"")) \(cumulative)\n"
            }
            let total = histogram.count
            out += "mlops_serving_request_duration_seconds_bucket\(labels(version, ",le=\"+Inf\"")) \(total)\n"
            out += "mlops_serving_request_duration_seconds_sum\(labels(version)) \(seconds(histogram.sumNanoseconds))\n"
            out += "mlops_serving_request_duration_seconds_count\(labels(version)) \(total)\n"
        }

        family("mlops_serving_shadow_comparisons_total", "counter", "Shadow answers compared with the returned one.")
        for version in versions {
            out += "mlops_serving_shadow_comparisons_total\(labels(version)) \(version.shadowComparisons)\n"
        }
        family(
            "mlops_serving_shadow_mismatches_total", "counter", "Shadow answers that differed from the returned one.")
        for version in versions {
            out += "mlops_serving_shadow_mismatches_total\(labels(version)) \(version.shadowMismatches)\n"
        }
        family("mlops_serving_shadow_errors_total", "counter", "Shadow requests that failed.")
        for version in versions {
            out += "mlops_serving_shadow_errors_total\(labels(version)) \(version.shadowErrors)\n"
        }

        family("mlops_serving_rollbacks_total", "counter", "Automatic rollbacks of a traffic policy.")
        let models = Set(versions.map(\.model)).union(metrics.rollbacks.keys).sorted()
        for model in models {
            out += "mlops_serving_rollbacks_total{model=\"\(escape(model))\"} \(metrics.rollbacks[model, default: 0])\n"
        }

        family("mlops_serving_unrouted_errors_total", "counter", "Requests for an unknown model or version.")
        for (code, count) in metrics.unroutedErrors.sorted(by: { $0.key < $1.key }) {
            out += "mlops_serving_unrouted_errors_total{code=\"\(escape(code))\"} \(count)\n"
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped, as the format requires.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Nanoseconds as seconds in plain decimal (`0.000001`, `12.5`), no exponent.
    static func seconds(_ nanoseconds: Int) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
