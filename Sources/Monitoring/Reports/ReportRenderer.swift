import MLOpsCore

/// Renders a ``MonitoringReport`` as a self-contained HTML page or as JSON.
///
/// The HTML page carries everything inline — CSS, SVG charts — and nothing else: no scripts,
/// no fonts, images or style sheets fetched from anywhere, and a Content-Security-Policy that
/// forbids them, so it opens the same offline, in a mail attachment or an artifact store. Every
/// string from the report is HTML-escaped. Categorical distributions show at most
/// ``maxCategories`` categories (the most frequent, by combined share); the rest are summed
/// into one "other" bar and the page says how many were folded. A timeline of more than 2,000
/// points is drawn as the minimum and maximum of 1,000 equal runs of points, with a note.
///
/// The JSON has a fixed key order (the same report gives the same bytes) and writes
/// non-finite numbers as `null`.
public struct ReportRenderer: Sendable {
    /// The most categories one categorical chart draws; at least 1.
    public var maxCategories: Int

    /// A renderer.
    public init(maxCategories: Int = 30) {
        self.maxCategories = max(1, maxCategories)
    }

    // MARK: HTML

    /// The report as one HTML document.
    public func html(_ report: MonitoringReport) -> String {
        let title = ReportFormat.html(report.title)
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            <header><h1>\(title)</h1><p class="meta">Generated \(ReportFormat.time(report.generatedMilliseconds))</p></header>

            """
        page += summarySection(report)
        page += driftSection(report)
        page += distributionSection(report)
        page += timelineSection(report)
        page += alertSection(report)
        page += "<footer>swift-mlops monitoring report</footer>\n</body>\n</html>\n"
        return page
    }

    private func summarySection(_ report: MonitoringReport) -> String {
        var html = "<section id=\"summary\"><h2>Dataset drift</h2>\n"
        guard let drift = report.datasetDrift else {
            return html + "<p class=\"empty\">No dataset drift result.</p></section>\n"
        }
        let verdict = drift.isDrifted ? "Drift detected" : "No drift detected"
        html += "<div class=\"cards\">"
        html += "<div class=\"card \(drift.isDrifted ? "bad" : "good")\" id=\"dataset-decision\">"
        html += "<div class=\"label\">Decision</div><div class=\"value\">\(verdict)</div></div>"
        html += "<div class=\"card\"><div class=\"label\">Drifted columns</div><div class=\"value\">"
        html += "\(drift.driftedColumns) of \(drift.columns)</div></div>"
        html += "<div class=\"card\"><div class=\"label\">Share drifted</div><div class=\"value\">"
        html += "\(ReportFormat.html(ReportFormat.percent(drift.share)))</div></div>"
        html += "<div class=\"card\"><div class=\"label\">Share threshold</div><div class=\"value\">"
        html += "\(ReportFormat.html(ReportFormat.percent(drift.shareThreshold)))</div></div>"
        return html + "</div></section>\n"
    }

    private func driftSection(_ report: MonitoringReport) -> String {
        var html = "<section id=\"drift\"><h2>Drift by column</h2>\n"
        guard !report.drift.isEmpty else { return html + "<p class=\"empty\">No drift results.</p></section>\n" }
        html += "<table id=\"drift-table\" class=\"data\"><thead><tr><th>Column</th><th>Kind</th><th>Method</th>"
        html += "<th class=\"num\">Statistic</th><th class=\"num\">p-value</th><th class=\"num\">Threshold</th>"
        html += "<th>Drift</th></tr></thead><tbody>\n"
        for row in report.drift {
            html += "<tr class=\"drift-row\"><td>\(ReportFormat.html(row.column))</td>"
            html += "<td>\(ReportFormat.html(row.kind))</td><td>\(ReportFormat.html(row.method))</td>"
            html += "<td class=\"num\">\(ReportFormat.html(ReportFormat.number(row.statistic)))</td>"
            html += "<td class=\"num\">\(row.pValue.map { ReportFormat.html(ReportFormat.number($0)) } ?? "—")</td>"
            html += "<td class=\"num\">\(ReportFormat.html(ReportFormat.number(row.threshold)))</td>"
            html +=
                row.isDrifted
                ? "<td><span class=\"badge bad\">yes</span></td>" : "<td><span class=\"badge good\">no</span></td>"
            html += "</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func distributionSection(_ report: MonitoringReport) -> String {
        var html = "<section id=\"distributions\"><h2>Distributions: reference vs current</h2>\n"
        guard !report.distributions.isEmpty else {
            return html + "<p class=\"empty\">No distributions.</p></section>\n"
        }
        html += "<div class=\"grid\">\n"
        for distribution in report.distributions {
            let column = ReportFormat.html(distribution.column)
            html += "<figure class=\"chart\"><figcaption>\(column)</figcaption>"
            guard distribution.isConsistent else {
                html += "<p class=\"note\">Not drawn: \(distribution.binCount) bins but \(distribution.reference.count)"
                html += " reference and \(distribution.current.count) current counts.</p></figure>\n"
                continue
            }
            switch distribution.bins {
            case .numeric(let edges):
                if edges.isEmpty || distribution.binCount == 0 {
                    html += "<p class=\"empty\">No bins.</p>"
                } else {
                    html += ReportCharts.numeric(
                        edges: edges, reference: distribution.reference, current: distribution.current,
                        column: distribution.column)
                }
            case .categorical(let categories):
                if categories.isEmpty {
                    html += "<p class=\"empty\">No categories.</p>"
                } else {
                    let folded = fold(categories, distribution.reference, distribution.current)
                    html += ReportCharts.categorical(
                        categories: folded.categories, reference: folded.reference, current: folded.current,
                        column: distribution.column)
                    if folded.hidden > 0 {
                        html += "<p class=\"note\">\(folded.hidden) more categories not shown separately"
                        html += " (summed into “other”).</p>"
                    }
                }
            }
            html += "</figure>\n"
        }
        return html + "</div></section>\n"
    }

    /// The ``maxCategories`` most frequent categories (combined share), the rest summed into
    /// one "other" entry.
    private func fold(_ categories: [String], _ reference: [Double], _ current: [Double]) -> (
        categories: [String], reference: [Double], current: [Double], hidden: Int
    ) {
        guard categories.count > maxCategories else { return (categories, reference, current, 0) }
        let referenceShares = ReportCharts.shares(reference)
        let currentShares = ReportCharts.shares(current)
        let order = categories.indices.sorted {
            let lhs = referenceShares[$0] + currentShares[$0]
            let rhs = referenceShares[$1] + currentShares[$1]
            return lhs != rhs ? lhs > rhs : $0 < $1
        }
        let shown = max(maxCategories - 1, 1)
        let kept = order.prefix(shown)
        let rest = order.dropFirst(shown)
        func clean(_ value: Double) -> Double { value.isFinite && value > 0 ? value : 0 }
        return (
            kept.map { categories[$0] } + ["other (\(rest.count))"],
            kept.map { reference[$0] } + [rest.reduce(0) { $0 + clean(reference[$1]) }],
            kept.map { current[$0] } + [rest.reduce(0) { $0 + clean(current[$1]) }],
            rest.count
        )
    }

    private func timelineSection(_ report: MonitoringReport) -> String {
        var html = "<section id=\"timelines\"><h2>Metric timelines</h2>\n"
        guard !report.timelines.isEmpty else { return html + "<p class=\"empty\">No timelines.</p></section>\n" }
        for timeline in report.timelines {
            html += "<figure class=\"chart wide\"><figcaption>\(ReportFormat.html(timeline.name))</figcaption>"
            if timeline.points.isEmpty {
                html += "<p class=\"empty\">No points.</p>"
            } else {
                html += ReportCharts.timeline(timeline)
                let gaps = timeline.points.filter { !$0.value.isFinite }.count
                if gaps > 0 { html += "<p class=\"note\">\(gaps) non-finite values left as gaps.</p>" }
                if timeline.points.count > ReportCharts.maxTimelinePoints {
                    html += "<p class=\"note\">\(timeline.points.count) points, drawn as the minimum and maximum of"
                    html += " \(ReportCharts.maxTimelinePoints / 2) equal runs.</p>"
                }
            }
            html += "</figure>\n"
        }
        return html + "</section>\n"
    }

    private func alertSection(_ report: MonitoringReport) -> String {
        var html = "<section id=\"alerts\"><h2>Alerts</h2>\n"
        guard !report.alerts.isEmpty else { return html + "<p class=\"empty\">No alerts.</p></section>\n" }
        html += "<table id=\"alerts-table\" class=\"data\"><thead><tr><th>Rule</th><th>State</th><th>Severity</th>"
        html += "<th>Series</th><th class=\"num\">Value</th><th>Time</th><th>Evidence</th></tr></thead><tbody>\n"
        for alert in report.alerts {
            let stateClass = alert.state == "firing" ? "bad" : "neutral"
            html += "<tr class=\"alert-row\"><td>\(ReportFormat.html(alert.rule))</td>"
            html += "<td><span class=\"badge \(stateClass)\">\(ReportFormat.html(alert.state))</span></td>"
            html +=
                "<td>\(ReportFormat.html(alert.severity))</td><td><code>\(ReportFormat.html(alert.metric))</code></td>"
            html += "<td class=\"num\">\(ReportFormat.html(ReportFormat.number(alert.value)))</td>"
            html += "<td>\(ReportFormat.html(ReportFormat.time(alert.timeMilliseconds)))</td><td>"
            for (key, value) in alert.evidence.sorted(by: { $0.key < $1.key }) {
                html += "<div class=\"kv\"><span>\(ReportFormat.html(key))</span> "
                html += "\(ReportFormat.html(ReportFormat.truncated(value, 200)))</div>"
            }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static let styleSheet = """
        :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#ffffff;--panel:#f6f8fa;--bad:#cf222e;--good:#1a7f37}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1180px;padding:24px 28px 40px;font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
        h1{font-size:26px;margin:0 0 4px}
        h2{font-size:18px;margin:28px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
        .meta,.note,.empty,footer{color:var(--muted)}
        .note{font-size:12px;margin:6px 0 0}
        .cards{display:flex;flex-wrap:wrap;gap:12px}
        .card{min-width:170px;padding:12px 16px;border:1px solid var(--line);border-radius:8px;background:var(--panel)}
        .card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
        .card .value{font-size:20px;font-weight:600}
        .card.bad{border-color:var(--bad)}.card.bad .value{color:var(--bad)}
        .card.good{border-color:var(--good)}.card.good .value{color:var(--good)}
        table.data{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
        table.data th,table.data td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
        table.data th{background:var(--panel);font-weight:600}
        table.data tbody tr:hover{background:#f0f6ff}
        .num{text-align:right!important}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
        .badge.bad{background:var(--bad)}.badge.good{background:var(--good)}.badge.neutral{background:var(--muted)}
        .grid{display:flex;flex-wrap:wrap;gap:16px}
        figure.chart{margin:0;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--bg);max-width:100%;overflow-x:auto}
        figure.chart.wide{margin-bottom:16px}
        figcaption{font-weight:600;margin-bottom:6px;overflow-wrap:anywhere}
        svg{display:block;font:11px sans-serif}
        svg .plot{fill:#fbfcfd;stroke:var(--line)}
        svg .grid{stroke:#e6e9ed}
        svg .tick{fill:var(--muted)}
        svg .line{fill:none;stroke:#4c78a8;stroke-width:2}
        svg .dot{fill:#4c78a8}
        svg .threshold{stroke:var(--bad);stroke-dasharray:6 4;stroke-width:1.5}
        svg .threshold-label{fill:var(--bad)}
        code{font-size:12px}
        .kv{font-size:12px}.kv span{color:var(--muted)}
        footer{margin-top:36px;font-size:12px}
        """

    // MARK: JSON

    /// The report as JSON with a fixed key order; non-finite numbers are `null`.
    ///
    /// Keys: `title`, `generated_at` (text), `generated_at_ms`, `dataset_drift` (or `null`),
    /// `drift` (rows with `column`, `kind`, `method`, `statistic`, `p_value`, `threshold`,
    /// `drift`), `distributions` (`column`, `kind`, `bin_edges` or `categories`, `reference`,
    /// `current`), `timelines` (`name`, `threshold`, `points` of `time_ms` and `value`) and
    /// `alerts`.
    public func json(_ report: MonitoringReport) -> String {
        var out = JSONWriter(capacity: 4_096)
        out.raw("{\"title\":")
        out.string(report.title)
        out.raw(",\"generated_at\":")
        out.string(ReportFormat.time(report.generatedMilliseconds))
        out.raw(",\"generated_at_ms\":")
        out.int(report.generatedMilliseconds)
        out.raw(",\"dataset_drift\":")
        if let drift = report.datasetDrift {
            out.raw("{\"drifted_columns\":")
            out.int(Int64(drift.driftedColumns))
            out.raw(",\"columns\":")
            out.int(Int64(drift.columns))
            out.raw(",\"share\":")
            out.double(drift.share)
            out.raw(",\"share_threshold\":")
            out.double(drift.shareThreshold)
            out.raw(",\"drift\":")
            out.bool(drift.isDrifted)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw(",\"drift\":[")
        for (index, row) in report.drift.enumerated() {
            if index > 0 { out.raw(",") }
            row.writeJSON(into: &out)
        }
        out.raw("],\"distributions\":[")
        for (index, distribution) in report.distributions.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw("{\"column\":")
            out.string(distribution.column)
            switch distribution.bins {
            case .numeric(let edges):
                out.raw(",\"kind\":\"numerical\",\"bin_edges\":")
                Self.doubles(edges, into: &out)
            case .categorical(let categories):
                out.raw(",\"kind\":\"categorical\",\"categories\":[")
                for (position, category) in categories.enumerated() {
                    if position > 0 { out.raw(",") }
                    out.string(category)
                }
                out.raw("]")
            }
            out.raw(",\"reference\":")
            Self.doubles(distribution.reference, into: &out)
            out.raw(",\"current\":")
            Self.doubles(distribution.current, into: &out)
            out.raw("}")
        }
        out.raw("],\"timelines\":[")
        for (index, timeline) in report.timelines.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw("{\"name\":")
            out.string(timeline.name)
            out.raw(",\"threshold\":")
            if let threshold = timeline.threshold { out.double(threshold) } else { out.raw("null") }
            out.raw(",\"points\":[")
            for (position, point) in timeline.points.enumerated() {
                if position > 0 { out.raw(",") }
                out.raw("{\"time_ms\":")
                out.int(point.timeMilliseconds)
                out.raw(",\"value\":")
                out.double(point.value)
                out.raw("}")
            }
            out.raw("]}")
        }
        out.raw("],\"alerts\":[")
        for (index, alert) in report.alerts.enumerated() {
            if index > 0 { out.raw(",") }
            out.raw("{\"rule\":")
            out.string(alert.rule)
            out.raw(",\"state\":")
            out.string(alert.state)
            out.raw(",\"severity\":")
            out.string(alert.severity)
            out.raw(",\"metric\":")
            out.string(alert.metric)
            out.raw(",\"value\":")
            out.double(alert.value)
            out.raw(",\"time_ms\":")
            out.int(alert.timeMilliseconds)
            out.raw(",\"evidence\":{")
            for (position, entry) in alert.evidence.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { out.raw(",") }
                out.string(entry.key)
                out.raw(":")
                out.string(entry.value)
            }
            out.raw("}}")
        }
        out.raw("]}\n")
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func doubles(_ values: [Double], into out: inout JSONWriter) {
        out.raw("[")
        for (index, value) in values.enumerated() {
            if index > 0 { out.raw(",") }
            out.double(value)
        }
        out.raw("]")
    }
}
