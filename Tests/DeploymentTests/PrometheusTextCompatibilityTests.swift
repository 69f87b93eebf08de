import Deployment
import Testing

/// `PrometheusText` now writes through MLOpsCore's Prometheus writer; its text must stay byte for
/// byte what the hand-written renderer produced. The renderer below is that old code, kept
/// verbatim (public API only) as the oracle.
@Suite struct PrometheusTextCompatibilityTests {
    @Test func sameBytesAsTheHandWrittenRenderer() {
        var counts = [Int](repeating: 0, count: LatencyHistogram().counts.count)
        for index in counts.indices { counts[index] = (index * 7919) % 13 }
        let latency = LatencyHistogram(counts: counts, sumNanoseconds: 123_456_789_012)
        let batchBuckets = ServingMetrics.Version.batchSizeBounds.indices.map { $0 % 3 } + [2]
        func version(_ model: String, _ number: Int, errors: [String: Int]) -> ServingMetrics.Version {
            ServingMetrics.Version(
                model: model, version: number, isLoaded: true, requests: 1_000 + number, successes: 990,
                errors: errors, rowErrors: 3, batches: batchBuckets.reduce(0, +), batchedRows: 4_321,
                batchSizeBuckets: batchBuckets, queueDepth: 2, maxQueueDepth: 9, latency: latency,
                shadowComparisons: 40, shadowMismatches: 2, shadowErrors: 1, shadowSkipped: 0)
        }
        let cases = [
            ServingMetrics(versions: []),
            ServingMetrics(
                versions: [
                    version("churn \"v\"\\x\nnext", 3, errors: ["invalid_argument": 2, "not_found": 1]),
                    version("plain", 1, errors: [:]),
                ],
                rollbacks: ["plain": 2, "gone": 1],
                unroutedErrors: ["not_found": 5, "weird \"code\"": 1]),
            ServingMetrics(versions: [version("m", 7, errors: [:])]),
        ]
        for metrics in cases {
            #expect(PrometheusText.render(metrics) == LegacyPrometheusText.render(metrics))
        }
        #expect(PrometheusText.render(cases[1]).contains("# TYPE mlops_serving_batch_size histogram\n"))
    }
}

/// The renderer as it was before the move (only the histogram bounds read through public API).
enum LegacyPrometheusText {
    /// The exposition text of `metrics`, ending with a newline.
    static func render(_ metrics: ServingMetrics) -> String {
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
            let bounds = histogram.upperBoundsNanoseconds
            var cumulative = 0
            for index in bounds.indices {
                cumulative += histogram.counts[index]
                guard index % 4 == 0 else { continue }
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
