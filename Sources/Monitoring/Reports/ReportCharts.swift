/// The report's inline SVG charts: distributions as bars, timelines as polylines. Every string
/// that reaches the SVG goes through ``ReportFormat/html(_:)``; every coordinate through
/// ``ReportFormat/coordinate(_:)``, so no NaN or infinity reaches an attribute.
enum ReportCharts {
    static let referenceColor = "#4c78a8"
    static let currentColor = "#f58518"
    /// The most points a timeline draws; longer series are reduced to the minimum and maximum of
    /// each of `maxTimelinePoints / 2` equal runs of points.
    static let maxTimelinePoints = 2_000
    /// Points are marked with dots up to this many drawn points.
    static let maxTimelineDots = 200

    // MARK: Distributions

    /// A numeric distribution: the two histograms overlaid, as shares of their totals.
    static func numeric(edges: [Double], reference: [Double], current: [Double], column: String) -> String {
        let bins = reference.count
        let width = 460.0
        let height = 220.0
        let left = 44.0
        let right = 12.0
        let top = 12.0
        let bottom = 34.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let referenceShares = shares(reference)
        let currentShares = shares(current)
        let maximum = max(referenceShares.max() ?? 0, currentShares.max() ?? 0, 1e-12)
        var svg = open(width: width, height: height, label: "Distribution of \(column)")
        svg += axes(left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, maximum: maximum)
        let binWidth = plotWidth / Double(max(bins, 1))
        for index in 0..<bins {
            let x = left + Double(index) * binWidth
            let range = "\(ReportFormat.number(edges[index])) – \(ReportFormat.number(edges[index + 1]))"
            for (shares, color, name) in [
                (referenceShares, referenceColor, "reference"), (currentShares, currentColor, "current"),
            ] {
                let barHeight = shares[index] / maximum * plotHeight
                svg +=
                    "<rect x=\"\(c(x + 0.5))\" y=\"\(c(top + plotHeight - barHeight))\" width=\"\(c(max(binWidth - 1, 0.5)))\""
                svg += " height=\"\(c(barHeight))\" fill=\"\(color)\" fill-opacity=\"0.55\">"
                svg +=
                    "<title>\(ReportFormat.html("\(name) \(range): \(ReportFormat.percent(shares[index]))"))</title></rect>"
            }
        }
        // Edge labels: first, middle, last.
        let labelled = bins > 0 ? Array(Set([0, bins / 2, bins])).sorted() : []
        for edge in labelled {
            let x = left + Double(edge) * binWidth
            let anchor = edge == 0 ? "start" : (edge == bins ? "end" : "middle")
            svg += "<text x=\"\(c(x))\" y=\"\(c(height - 18))\" text-anchor=\"\(anchor)\" class=\"tick\">"
            svg += ReportFormat.html(ReportFormat.number(edges[edge])) + "</text>"
        }
        svg += legend(x: left, y: height - 4)
        return svg + "</svg>"
    }

    /// A categorical distribution: side-by-side bars per category, as shares of their totals.
    static func categorical(categories: [String], reference: [Double], current: [Double], column: String) -> String {
        let count = categories.count
        // Room below and left of the plot for labels rotated by 35° (at most 16 characters).
        let left = 84.0
        let right = 12.0
        let top = 12.0
        let bottom = 96.0
        let width = max(480.0, left + right + Double(count) * 28)
        let height = 282.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let referenceShares = shares(reference)
        let currentShares = shares(current)
        let maximum = max(referenceShares.max() ?? 0, currentShares.max() ?? 0, 1e-12)
        var svg = open(width: width, height: height, label: "Distribution of \(column)")
        svg += axes(left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, maximum: maximum)
        let slot = plotWidth / Double(max(count, 1))
        let barWidth = max(slot * 0.38, 0.5)
        for index in 0..<count {
            let x = left + Double(index) * slot + slot * 0.1
            let name = categories[index]
            for (offset, (shares, color, series)) in [
                (referenceShares, referenceColor, "reference"), (currentShares, currentColor, "current"),
            ].enumerated() {
                let barHeight = shares[index] / maximum * plotHeight
                svg += "<rect x=\"\(c(x + Double(offset) * barWidth))\" y=\"\(c(top + plotHeight - barHeight))\""
                svg += " width=\"\(c(barWidth))\" height=\"\(c(barHeight))\" fill=\"\(color)\">"
                svg +=
                    "<title>\(ReportFormat.html("\(series) \(name): \(ReportFormat.percent(shares[index]))"))</title></rect>"
            }
            let labelX = x + barWidth
            let labelY = top + plotHeight + 12
            svg += "<text x=\"\(c(labelX))\" y=\"\(c(labelY))\" text-anchor=\"end\" class=\"tick\""
            svg += " transform=\"rotate(-35 \(c(labelX)) \(c(labelY)))\">"
            svg += ReportFormat.html(ReportFormat.truncated(name, 16)) + "<title>" + ReportFormat.html(name)
            svg += "</title></text>"
        }
        svg += legend(x: left, y: height - 4)
        return svg + "</svg>"
    }

    // MARK: Timelines

    /// A timeline: the finite points joined in time order (gaps at non-finite values), with a
    /// dashed threshold line.
    static func timeline(_ timeline: MonitoringReport.Timeline) -> String {
        let width = 720.0
        let height = 230.0
        let left = 56.0
        let right = 16.0
        let top = 14.0
        let bottom = 36.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let sorted = timeline.points.sorted { $0.timeMilliseconds < $1.timeMilliseconds }
        let points = decimated(sorted)
        let finite = points.filter(\.value.isFinite)
        let threshold = timeline.threshold.flatMap { $0.isFinite ? $0 : nil }
        var values = finite.map(\.value)
        if let threshold { values.append(threshold) }
        var low = values.min() ?? 0
        var high = values.max() ?? 1
        if high - low < 1e-12 * max(abs(high), 1) {
            low -= 0.5 * max(abs(low), 1)
            high += 0.5 * max(abs(high), 1)
        } else {
            let pad = (high - low) * 0.08
            low -= pad
            high += pad
        }
        let start = points.first?.timeMilliseconds ?? 0
        let end = points.last?.timeMilliseconds ?? 1
        let span = Double(end) - Double(start)
        func x(_ time: Int64) -> Double {
            span > 0 ? left + (Double(time) - Double(start)) / span * plotWidth : left + plotWidth / 2
        }
        func y(_ value: Double) -> Double { top + (high - value) / (high - low) * plotHeight }

        var svg = open(width: width, height: height, label: "Timeline of \(timeline.name)")
        svg +=
            "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(plotWidth))\" height=\"\(c(plotHeight))\" class=\"plot\"/>"
        for tick in [low, (low + high) / 2, high] {
            svg +=
                "<line x1=\"\(c(left))\" x2=\"\(c(left + plotWidth))\" y1=\"\(c(y(tick)))\" y2=\"\(c(y(tick)))\" class=\"grid\"/>"
            svg += "<text x=\"\(c(left - 6))\" y=\"\(c(y(tick) + 4))\" text-anchor=\"end\" class=\"tick\">"
            svg += ReportFormat.html(ReportFormat.number(tick)) + "</text>"
        }
        if let threshold {
            svg +=
                "<line x1=\"\(c(left))\" x2=\"\(c(left + plotWidth))\" y1=\"\(c(y(threshold)))\" y2=\"\(c(y(threshold)))\""
            svg += " class=\"threshold\"/><text x=\"\(c(left + plotWidth - 4))\" y=\"\(c(y(threshold) - 5))\""
            svg += " text-anchor=\"end\" class=\"threshold-label\">threshold "
            svg += ReportFormat.html(ReportFormat.number(threshold)) + "</text>"
        }
        // Runs of finite points become polylines; a non-finite value breaks the line.
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline points=\"\(run.joined(separator: " "))\" class=\"line\"/>" }
            run = []
        }
        for point in points {
            guard point.value.isFinite else {
                flush()
                continue
            }
            run.append("\(c(x(point.timeMilliseconds))),\(c(y(point.value)))")
        }
        flush()
        for point in points where point.value.isFinite && points.count <= maxTimelineDots {
            svg += "<circle cx=\"\(c(x(point.timeMilliseconds)))\" cy=\"\(c(y(point.value)))\" r=\"2.5\" class=\"dot\">"
            svg +=
                "<title>\(ReportFormat.html("\(ReportFormat.time(point.timeMilliseconds)): \(ReportFormat.number(point.value))"))"
            svg += "</title></circle>"
        }
        if let first = sorted.first, let last = sorted.last {
            svg += "<text x=\"\(c(left))\" y=\"\(c(height - 14))\" class=\"tick\">"
            svg += ReportFormat.html(ReportFormat.time(first.timeMilliseconds)) + "</text>"
            svg += "<text x=\"\(c(left + plotWidth))\" y=\"\(c(height - 14))\" text-anchor=\"end\" class=\"tick\">"
            svg += ReportFormat.html(ReportFormat.time(last.timeMilliseconds)) + "</text>"
        }
        return svg + "</svg>"
    }

    // MARK: Parts

    /// `points` (in time order) if there are at most ``maxTimelinePoints``; else, for each of
    /// `maxTimelinePoints / 2` equal runs, its smallest and largest finite value in time order,
    /// or one NaN point (a gap) for a run with no finite value.
    static func decimated(_ points: [MonitoringReport.Timeline.Point]) -> [MonitoringReport.Timeline.Point] {
        guard points.count > maxTimelinePoints else { return points }
        let runs = maxTimelinePoints / 2
        var result: [MonitoringReport.Timeline.Point] = []
        result.reserveCapacity(maxTimelinePoints)
        for run in 0..<runs {
            let lower = points.count * run / runs
            let upper = points.count * (run + 1) / runs
            var low: Int?
            var high: Int?
            for index in lower..<upper where points[index].value.isFinite {
                if low.map({ points[index].value < points[$0].value }) ?? true { low = index }
                if high.map({ points[index].value > points[$0].value }) ?? true { high = index }
            }
            guard let low, let high else {
                result.append(.init(timeMilliseconds: points[lower].timeMilliseconds, value: .nan))
                continue
            }
            result.append(points[min(low, high)])
            if low != high { result.append(points[max(low, high)]) }
        }
        return result
    }

    /// Counts as shares of their total; non-finite or negative counts count as 0.
    static func shares(_ counts: [Double]) -> [Double] {
        let clean = counts.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let total = clean.reduce(0, +)
        guard total > 0, total.isFinite else { return clean.map { _ in 0 } }
        return clean.map { $0 / total }
    }

    private static func c(_ value: Double) -> String { ReportFormat.coordinate(value) }

    private static func open(width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\""
            + " height=\"\(c(height))\" role=\"img\" aria-label=\"\(ReportFormat.html(label))\">"
    }

    private static func axes(left: Double, top: Double, plotWidth: Double, plotHeight: Double, maximum: Double)
        -> String
    {
        var svg =
            "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(plotWidth))\" height=\"\(c(plotHeight))\" class=\"plot\"/>"
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight - fraction * plotHeight
            svg +=
                "<line x1=\"\(c(left))\" x2=\"\(c(left + plotWidth))\" y1=\"\(c(y))\" y2=\"\(c(y))\" class=\"grid\"/>"
            svg += "<text x=\"\(c(left - 6))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"tick\">"
            svg += ReportFormat.html(ReportFormat.percent(maximum * fraction)) + "</text>"
        }
        return svg
    }

    private static func legend(x: Double, y: Double) -> String {
        "<rect x=\"\(c(x))\" y=\"\(c(y - 9))\" width=\"10\" height=\"10\" fill=\"\(referenceColor)\"/>"
            + "<text x=\"\(c(x + 14))\" y=\"\(c(y))\" class=\"tick\">reference</text>"
            + "<rect x=\"\(c(x + 90))\" y=\"\(c(y - 9))\" width=\"10\" height=\"10\" fill=\"\(currentColor)\"/>"
            + "<text x=\"\(c(x + 104))\" y=\"\(c(y))\" class=\"tick\">current</text>"
    }
}
