import MLOpsCore
import Testing

@Suite struct PrometheusWriterTests {
    @Test func familiesSamplesAndHistograms() {
        var writer = PrometheusWriter()
        writer.family("jobs_total", type: .counter, help: "Jobs done.\nBy queue \\ kind.")
        writer.sample("jobs_total", labels: [("queue", "a\"b\\c\nd"), ("kind", "x")], value: 3)
        writer.sample("jobs_total", value: 0)
        writer.family("temperature", type: .gauge, help: "Now.")
        writer.sample("temperature", value: 21.5)
        writer.sample("temperature", labels: [("room", "x")], value: .nan)
        writer.family("size", type: .histogram, help: "Sizes.")
        writer.histogram(
            "size", labels: [("q", "1")], buckets: [("1", 2), ("10", 5)], sum: PrometheusWriter.number(31.5), count: 6)
        #expect(
            writer.text == """
                # HELP jobs_total Jobs done.\\nBy queue \\\\ kind.
                # TYPE jobs_total counter
                jobs_total{queue="a\\"b\\\\c\\nd",kind="x"} 3
                jobs_total 0
                # HELP temperature Now.
                # TYPE temperature gauge
                temperature 21.5
                temperature{room="x"} NaN
                # HELP size Sizes.
                # TYPE size histogram
                size_bucket{q="1",le="1"} 2
                size_bucket{q="1",le="10"} 5
                size_bucket{q="1",le="+Inf"} 6
                size_sum{q="1"} 31.5
                size_count{q="1"} 6

                """)
    }

    @Test func numbers() {
        #expect(PrometheusWriter.number(Double.infinity) == "+Inf")
        #expect(PrometheusWriter.number(-Double.infinity) == "-Inf")
        #expect(PrometheusWriter.number(Double.nan) == "NaN")
        #expect(PrometheusWriter.number(0.1) == "0.1")
        #expect(PrometheusWriter.number(1e-5) == "1e-05")
        #expect(Double(PrometheusWriter.number(1.0 / 3.0)) == 1.0 / 3.0)
        #expect(PrometheusWriter.number(-7) == "-7")
        #expect(PrometheusWriter.decimalSeconds(nanoseconds: 1_000) == "0.000001")
        #expect(PrometheusWriter.decimalSeconds(nanoseconds: 12_500_000_000) == "12.5")
        #expect(PrometheusWriter.decimalSeconds(nanoseconds: 0) == "0")
        #expect(PrometheusWriter.decimalSeconds(nanoseconds: -1_500_000_000) == "-1.5")
        #expect(PrometheusWriter.decimalSeconds(nanoseconds: Int.min).hasPrefix("-9223372036."))
    }

    @Test func nameRules() {
        for valid in ["a", "_x", "ns:metric_total", "A9:_"] {
            #expect(PrometheusWriter.isValidMetricName(valid), "\(valid)")
        }
        for invalid in ["", "9a", "a-b", "a b", "é", "a.b"] {
            #expect(!PrometheusWriter.isValidMetricName(invalid), "\(invalid)")
        }
        for valid in ["a", "_x", "le", "Column_1"] { #expect(PrometheusWriter.isValidLabelName(valid), "\(valid)") }
        for invalid in ["", "__name__", "__x", "a:b", "1a", "a-b"] {
            #expect(!PrometheusWriter.isValidLabelName(invalid), "\(invalid)")
        }
    }
}
