import Foundation
import Monitoring
import Testing

@Suite struct ReportRendererTests {
    private func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// Every numeric SVG attribute and polyline coordinate in `html` is a finite number.
    private func expectFiniteCoordinates(_ html: String) throws {
        let attribute = try NSRegularExpression(pattern: #" (x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)""#)
        let range = NSRange(html.startIndex..., in: html)
        var checked = 0
        for match in attribute.matches(in: html, range: range) {
            let value = String(html[Range(match.range(at: 2), in: html)!])
            #expect(Double(value)?.isFinite == true, "attribute \(value)")
            checked += 1
        }
        let polyline = try NSRegularExpression(pattern: #"points="([^"]*)""#)
        for match in polyline.matches(in: html, range: range) {
            for pair in html[Range(match.range(at: 1), in: html)!].split(separator: " ") {
                #expect(pair.split(separator: ",").allSatisfy { Double($0)?.isFinite == true }, "point \(pair)")
            }
        }
        #expect(checked > 0)
    }

    @Test func fullReportHasEverySection() throws {
        let html = ReportRenderer().html(ReportSamples.full())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        for id in ["summary", "drift", "distributions", "timelines", "alerts"] {
            #expect(html.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(count("<table id=\"drift-table\"", in: html) == 1)
        #expect(count("<tr class=\"drift-row\">", in: html) == 4)
        #expect(count("<tr class=\"alert-row\">", in: html) == 2)
        #expect(count("<svg ", in: html) == 4)
        #expect(count("<polyline ", in: html) == 3)  // the drift share line has a gap
        #expect(html.contains("Drift detected"))
        #expect(html.contains("2 of 4"))
        #expect(html.contains("Generated 2026-12-07 21:00:00 UTC"))
        #expect(html.contains("<td class=\"num\">—</td>"))  // the Wasserstein row has no p-value
        #expect(html.contains("1 non-finite values left as gaps"))
        // Self-contained: no scripts, nothing fetched.
        #expect(!html.lowercased().contains("<script"))
        for forbidden in ["src=", "href=", "url(", "@import", "<link", "<img", "<iframe", "https:"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(count("http:", in: html) == count("xmlns=\"http://www.w3.org/2000/svg\"", in: html))
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        try expectFiniteCoordinates(html)
    }

    @Test func everyUserStringIsEscaped() throws {
        let bad = ReportSamples.hostile
        var report = ReportSamples.full(title: bad)
        report.drift[0].column = bad
        report.drift[0].kind = bad
        report.drift[0].method = bad
        report.distributions[0].column = bad
        report.distributions[1].bins = .categorical(categories: [bad, "one year", "two year"])
        report.timelines[0].name = bad
        report.alerts[0] = .init(
            rule: bad, state: bad, severity: bad, metric: bad, value: 1, timeMilliseconds: 0, evidence: [bad: bad])
        let html = ReportRenderer().html(report)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("\"'&"))
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
        #expect(count(escaped, in: html) >= 12)
        // Only the renderer's own markup remains: every '<' starts a known tag.
        let tags = try NSRegularExpression(pattern: #"<(/?)([a-zA-Z!][a-zA-Z0-9-]*)"#)
        let allowed: Set<String> = [
            "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "section", "div",
            "table", "thead", "tbody", "tr", "th", "td", "span", "figure", "figcaption", "svg", "rect", "line", "text",
            "polyline", "circle", "code", "footer",
        ]
        for match in tags.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let name = String(html[Range(match.range(at: 2), in: html)!])
            #expect(allowed.contains(name), "unexpected tag \(name)")
        }
        // The JSON carries the raw strings, escaped as JSON.
        let json = ReportRenderer().json(report)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["title"] as? String == bad)
    }

    @Test func emptyReportSaysSoInEachSection() {
        let html = ReportRenderer().html(MonitoringReport(title: "", generatedMilliseconds: 0))
        for note in [
            "No dataset drift result.", "No drift results.", "No distributions.", "No timelines.", "No alerts.",
        ] {
            #expect(html.contains(note), "\(note)")
        }
        #expect(!html.contains("<table"))
        #expect(!html.contains("<svg"))
        #expect(html.contains("Generated 1970-01-01 00:00:00 UTC"))
        let json = ReportRenderer().json(MonitoringReport(title: "", generatedMilliseconds: -1_000))
        #expect(
            json
                == #"{"title":"","generated_at":"1969-12-31 23:59:59 UTC","generated_at_ms":-1000,"dataset_drift":null,"drift":[],"distributions":[],"timelines":[],"alerts":[]}"#
                + "\n")
    }

    @Test func nonFiniteValuesRenderSafely() throws {
        var report = ReportSamples.full()
        report.drift[0].statistic = .nan
        report.drift[1].statistic = .infinity
        report.drift[2].pValue = -.infinity
        report.datasetDrift?.share = .nan
        report.distributions[0].reference[3] = .nan
        report.distributions[0].current[4] = .infinity
        report.distributions.append(
            .init(column: "zeros", bins: .numeric(edges: [0, 1, .infinity]), reference: [0, 0], current: [0, 0]))
        report.distributions.append(
            .init(column: "undefined edges", bins: .numeric(edges: [.nan, .nan]), reference: [.nan], current: [-5]))
        report.timelines.append(.init(name: "all missing", points: [.init(timeMilliseconds: 0, value: .nan)]))
        report.timelines.append(
            .init(name: "one point", points: [.init(timeMilliseconds: 5, value: 3)], threshold: .nan))
        report.timelines.append(
            .init(name: "flat", points: (0..<5).map { .init(timeMilliseconds: Int64($0), value: 7) }, threshold: 7))
        report.timelines.append(.init(name: "empty", points: []))
        report.alerts[0].value = .nan
        let html = ReportRenderer().html(report)
        #expect(html.contains("<td class=\"num\">NaN</td>"))
        #expect(html.contains("<td class=\"num\">∞</td>"))
        #expect(html.contains("<td class=\"num\">−∞</td>"))
        #expect(html.contains("No points."))
        try expectFiniteCoordinates(html)
        let json = ReportRenderer().json(report)
        #expect(!json.contains("nan") && !json.contains("inf"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(parsed["drift"] as? [[String: Any]])
        #expect(rows[0]["statistic"] is NSNull)
        #expect(rows[1]["p_value"] is NSNull)
        #expect(rows[2]["p_value"] is NSNull)
        #expect(rows[3]["p_value"] as? Double == 0.21)
    }

    @Test func hugeCategoricalDistributionsAreFoldedWithANote() {
        let categories = (0..<5_000).map { "category-\($0)" }
        let reference = (0..<5_000).map { Double(5_000 - $0) }
        let current = (0..<5_000).map { Double(5_000 - $0 + ($0 % 3) * 10) }
        let report = MonitoringReport(
            title: "wide", generatedMilliseconds: 0,
            distributions: [
                .init(
                    column: "city", bins: .categorical(categories: categories), reference: reference, current: current)
            ])
        let html = ReportRenderer(maxCategories: 20).html(report)
        #expect(html.contains("4981 more categories not shown separately"))
        #expect(html.contains("other (4981)"))
        #expect(count("<rect ", in: html) < 60)
        #expect(html.utf8.count < 40_000)
        #expect(html.contains("category-0<title>"))
        #expect(!html.contains("category-4999<title>"))
        // Inconsistent arrays are reported, not drawn.
        let broken = MonitoringReport(
            title: "broken", generatedMilliseconds: 0,
            distributions: [.init(column: "x", bins: .numeric(edges: [0, 1, 2]), reference: [1], current: [1, 2])])
        #expect(ReportRenderer().html(broken).contains("Not drawn: 2 bins but 1 reference and 2 current counts."))
    }

    @Test func longTimelinesAreReducedKeepingTheirExtremes() throws {
        // 100,000 points of a slow wave with one spike and one run of NaN.
        var points = (0..<100_000).map { index in
            MonitoringReport.Timeline.Point(
                timeMilliseconds: Int64(index) * 1_000, value: Double(index % 1_000) / 1_000)
        }
        points[54_321].value = 42
        for index in 10_000..<10_300 { points[index].value = .nan }
        let report = MonitoringReport(
            title: "long", generatedMilliseconds: 0, timelines: [.init(name: "p99", points: points.shuffled())])
        let html = ReportRenderer().html(report)
        #expect(html.contains("100000 points, drawn as the minimum and maximum of 1000 equal runs."))
        #expect(html.utf8.count < 100_000)
        #expect(count("<circle", in: html) == 0)
        #expect(count("<polyline ", in: html) == 2)  // the NaN run leaves one gap
        // The spike sets the top of the axis: 42 plus 8% padding of the range.
        #expect(html.contains(">45.36</text>"))
        try expectFiniteCoordinates(html)
    }

    @Test func jsonIsDeterministicAndComplete() throws {
        let report = ReportSamples.full()
        let json = ReportRenderer().json(report)
        #expect(json == ReportRenderer().json(report))
        #expect(json.hasPrefix(#"{"title":"Churn model — daily monitoring","generated_at":"2026-12-07 21:00:00 UTC","#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let drift = try #require(parsed["drift"] as? [[String: Any]])
        #expect(drift.count == 4)
        #expect(Set(drift[0].keys) == ["column", "kind", "method", "statistic", "p_value", "threshold", "drift"])
        #expect(drift[0]["drift"] as? Bool == true)
        #expect(drift[1]["p_value"] is NSNull)
        let distributions = try #require(parsed["distributions"] as? [[String: Any]])
        #expect((distributions[0]["bin_edges"] as? [Double])?.count == 13)
        #expect(distributions[1]["categories"] as? [String] == ["month-to-month", "one year", "two year"])
        let timelines = try #require(parsed["timelines"] as? [[String: Any]])
        #expect((timelines[1]["points"] as? [[String: Any]])?[4]["value"] is NSNull)
        let alerts = try #require(parsed["alerts"] as? [[String: Any]])
        #expect((alerts[0]["evidence"] as? [String: String])?["rows"] == "12000")
        // A round trip through Codable keeps the model.
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let copy = try decoder.decode(MonitoringReport.self, from: encoder.encode(report))
        #expect(ReportRenderer().html(copy) == ReportRenderer().html(report))
    }

    @Test func alertRowsComeFromStoredAlerts() throws {
        let rule = try AlertRule(name: "psi", metric: "column_psi", comparison: .above, threshold: 0.2)
        let alert = Alert(
            id: "01J", rule: rule, metric: try MetricKey("column_psi", labels: ["column": "x0"]), value: 0.3,
            firedMilliseconds: 9, evidence: AlertEvidence(attributes: ["a": "b"]))
        let row = MonitoringReport.AlertRow(alert)
        #expect(row.rule == "psi" && row.state == "firing" && row.severity == "warning")
        #expect(row.metric == "column_psi{column=\"x0\"}" && row.value == 0.3 && row.evidence == ["a": "b"])
    }
}
