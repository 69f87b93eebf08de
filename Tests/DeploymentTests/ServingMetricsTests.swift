import Deployment
import InferenceCore
import MLOpsCore
import Testing

@Suite struct ServingMetricsTests {
    @Test func latencyHistogramPercentiles() {
        var counts = [Int](repeating: 0, count: LatencyHistogram().counts.count)
        // 990 requests in the 1 µs bucket, 10 in the bucket of 1 ms (2^40/4 · 1 µs = 1.024 ms).
        counts[0] = 990
        let millisecondBucket = LatencyHistogram().upperBoundsNanoseconds.firstIndex { $0 >= 1_000_000 } ?? 0
        counts[millisecondBucket] = 10
        let histogram = LatencyHistogram(counts: counts, sumNanoseconds: 990_000 + 10_000_000)
        #expect(histogram.count == 1000)
        #expect(histogram.p50 == .microseconds(1))
        #expect(histogram.p99 == .microseconds(1))
        #expect(histogram.p999 == .nanoseconds(histogram.upperBoundsNanoseconds[millisecondBucket]))
        #expect(histogram.mean == .nanoseconds(10_990))
        #expect(LatencyHistogram().p50 == nil)
        // Bounds grow by 2^¼ from 1 µs.
        let bounds = histogram.upperBoundsNanoseconds
        #expect(bounds[0] == 1000 && bounds[4] == 2000 && bounds[40] == 1_024_000)
    }

    /// The Prometheus text: every line is a comment of the right form or a sample of a declared
    /// family; histograms are cumulative and end in +Inf = _count; label values are escaped.
    @Test func prometheusTextParsesLineByLine() async throws {
        let server = ModelServer()
        let name = "churn \"v\"\\x"
        try await server.deploy(
            try ServingModels.scale(1), name: name, version: 3,
            batching: BatchingPolicy(maxBatchSize: 8, maxQueueDelay: .microseconds(50)))
        for rows in 1...5 { _ = try await server.infer(try ServingModels.request(name, rows: rows)) }
        _ = try? await server.infer(InferenceRequest(model: name, inputs: []))
        _ = try? await server.infer(InferenceRequest(model: "missing", inputs: []))
        let text = server.prometheusText()
        #expect(text.hasSuffix("\n"))

        var types: [String: String] = [:]
        var helped: Set<String> = []
        var samples: [(name: String, labels: [String: String], value: Double)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                #expect(parts.count == 2, "\(line)")
                #expect(helped.insert(String(parts[0])).inserted, "HELP twice: \(line)")
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                #expect(parts.count == 2 && ["counter", "gauge", "histogram"].contains(String(parts[1])), "\(line)")
                #expect(types[String(parts[0])] == nil, "TYPE twice: \(line)")
                types[String(parts[0])] = String(parts[1])
            } else {
                let sample = try #require(Self.parseSample(String(line)), "not a sample: \(line)")
                let family = ["_bucket", "_sum", "_count"].reduce(sample.name) { name, suffix in
                    types[name] == nil && name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
                }
                #expect(types[family] != nil, "sample before its TYPE: \(line)")
                samples.append(sample)
            }
        }
        #expect(Set(types.keys) == helped)
        let requests = samples.first { $0.name == "mlops_serving_requests_total" }
        #expect(requests?.labels == ["model": name, "version": "3"])
        #expect(requests?.value == 6)
        #expect(
            samples.contains {
                $0.name == "mlops_serving_errors_total" && $0.labels["code"] == "invalid_argument" && $0.value == 1
            })
        #expect(
            samples.contains { $0.name == "mlops_serving_unrouted_errors_total" && $0.labels["code"] == "not_found" })
        for family in ["mlops_serving_batch_size", "mlops_serving_request_duration_seconds"] {
            #expect(types[family] == "histogram")
            let buckets = samples.filter { $0.name == family + "_bucket" }
            #expect(!buckets.isEmpty)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
            #expect(buckets.last?.labels["le"] == "+Inf")
            let count = samples.first { $0.name == family + "_count" }
            #expect(buckets.last?.value == count?.value)
            #expect(samples.contains { $0.name == family + "_sum" })
        }
        // Five requests of 1…5 rows: 15 rows in at most five calls.
        #expect(samples.first { $0.name == "mlops_serving_batch_size_sum" }?.value == 15)
        #expect(samples.first { $0.name == "mlops_serving_request_duration_seconds_count" }?.value == 6)
    }

    /// `name{label="value",…} number`, with the format's escapes in label values.
    static func parseSample(_ line: String) -> (name: String, labels: [String: String], value: Double)? {
        var characters = Substring(line)
        let name = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, name.first?.isNumber == false else { return nil }
        characters = characters.dropFirst(name.count)
        var labels: [String: String] = [:]
        if characters.first == "{" {
            characters = characters.dropFirst()
            while characters.first != "}" {
                let label = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !label.isEmpty else { return nil }
                characters = characters.dropFirst(label.count)
                guard characters.hasPrefix("=\"") else { return nil }
                characters = characters.dropFirst(2)
                var value = ""
                while let character = characters.first, character != "\"" {
                    characters = characters.dropFirst()
                    if character == "\\" {
                        guard let escaped = characters.first else { return nil }
                        characters = characters.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return nil
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard characters.first == "\"" else { return nil }
                characters = characters.dropFirst()
                labels[String(label)] = value
                if characters.first == "," { characters = characters.dropFirst() }
            }
            characters = characters.dropFirst()
        }
        guard characters.first == " ", let value = Double(characters.dropFirst()) else { return nil }
        return (String(name), labels, value)
    }

    @Test func sampleParserRejectsMalformedLines() {
        #expect(Self.parseSample("a_total{model=\"x\"} 1")?.value == 1)
        #expect(Self.parseSample("a_total{model=\"x} 1") == nil)
        #expect(Self.parseSample("a_total{model=x} 1") == nil)
        #expect(Self.parseSample("a_total 1 2") == nil)
        #expect(Self.parseSample("9a 1") == nil)
        #expect(Self.parseSample("a{m=\"\\q\"} 1") == nil)
    }
}
