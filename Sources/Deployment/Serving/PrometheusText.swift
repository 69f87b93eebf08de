import MLOpsCore

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
        var out = PrometheusWriter()
        let versions = metrics.versions
        func labels(_ version: ServingMetrics.Version, _ extra: [(String, String)] = []) -> [(String, String)] {
            [("model", version.model), ("version", String(version.version))] + extra
        }
        func counter(_ name: String, _ help: String, _ value: (ServingMetrics.Version) -> Int) {
            out.family(name, type: .counter, help: help)
            for version in versions { out.sample(name, labels: labels(version), value: value(version)) }
        }

        counter("mlops_serving_requests_total", "Requests answered or failed, shadow copies included.") {
            $0.requests
        }

        out.family("mlops_serving_errors_total", type: .counter, help: "Failed requests by error code.")
        for version in versions {
            for (code, count) in version.errors.sorted(by: { $0.key < $1.key }) {
                out.sample("mlops_serving_errors_total", labels: labels(version, [("code", code)]), value: count)
            }
        }

        counter("mlops_serving_row_errors_total", "Rows that failed validation.") { $0.rowErrors }

        out.family("mlops_serving_queue_depth", type: .gauge, help: "Requests waiting in the batching queue.")
        for version in versions {
            out.sample("mlops_serving_queue_depth", labels: labels(version), value: version.queueDepth)
        }

        out.family("mlops_serving_batch_size", type: .histogram, help: "Rows per model call.")
        for version in versions {
            var cumulative = 0
            var buckets: [(upperBound: String, cumulativeCount: Int)] = []
            for (index, bound) in ServingMetrics.Version.batchSizeBounds.enumerated() {
                cumulative += version.batchSizeBuckets[index]
                buckets.append((String(bound), cumulative))
            }
            out.histogram(
                "mlops_serving_batch_size", labels: labels(version), buckets: buckets,
                sum: String(version.batchedRows), count: version.batches)
        }

        out.family(
            "mlops_serving_request_duration_seconds", type: .histogram,
            help: "End-to-end request latency, queueing included.")
        for version in versions {
            let histogram = version.latency
            let bounds = LatencyHistogram.bounds
            var cumulative = 0
            var buckets: [(upperBound: String, cumulativeCount: Int)] = []
            for index in bounds.indices {
                cumulative += histogram.counts[index]
                guard index % LatencyHistogram.stepsPerDoubling == 0 else { continue }
                buckets.append((PrometheusWriter.decimalSeconds(nanoseconds: bounds[index]), cumulative))
            }
            out.histogram(
                "mlops_serving_request_duration_seconds", labels: labels(version), buckets: buckets,
                sum: PrometheusWriter.decimalSeconds(nanoseconds: histogram.sumNanoseconds), count: histogram.count)
        }

        counter("mlops_serving_shadow_comparisons_total", "Shadow answers compared with the returned one.") {
            $0.shadowComparisons
        }
        counter("mlops_serving_shadow_mismatches_total", "Shadow answers that differed from the returned one.") {
            $0.shadowMismatches
        }
        counter("mlops_serving_shadow_errors_total", "Shadow requests that failed.") { $0.shadowErrors }

        out.family("mlops_serving_rollbacks_total", type: .counter, help: "Automatic rollbacks of a traffic policy.")
        let models = Set(versions.map(\.model)).union(metrics.rollbacks.keys).sorted()
        for model in models {
            out.sample(
                "mlops_serving_rollbacks_total", labels: [("model", model)], value: metrics.rollbacks[model, default: 0]
            )
        }

        out.family(
            "mlops_serving_unrouted_errors_total", type: .counter, help: "Requests for an unknown model or version.")
        for (code, count) in metrics.unroutedErrors.sorted(by: { $0.key < $1.key }) {
            out.sample("mlops_serving_unrouted_errors_total", labels: [("code", code)], value: count)
        }
        return out.text
    }
}
