import Monitoring

/// Reports the report tests render.
enum ReportSamples {
    static let hostile = "<script>alert(1)</script>\"'&"

    /// A full report: drift summary, rows, a numeric and a categorical distribution, two
    /// timelines (one with gaps), alerts.
    static func full(title: String = "Churn model — daily monitoring") -> MonitoringReport {
        let drift: [MonitoringReport.DriftRow] = [
            .init(
                column: "tenure", kind: "numerical", method: "ks", statistic: 0.041, pValue: 0.0003, threshold: 0.05,
                isDrifted: true),
            .init(
                column: "monthly_charges", kind: "numerical", method: "wasserstein", statistic: 0.32, threshold: 0.1,
                isDrifted: true),
            .init(
                column: "age", kind: "numerical", method: "ks", statistic: 0.008, pValue: 0.61, threshold: 0.05,
                isDrifted: false),
            .init(
                column: "contract", kind: "categorical", method: "chisquare", statistic: 3.1, pValue: 0.21,
                threshold: 0.05, isDrifted: false),
        ]
        let edges = stride(from: 0.0, through: 72.0, by: 6.0).map { $0 }
        let reference: [Double] = [120, 180, 260, 330, 360, 340, 300, 250, 190, 140, 90, 60]
        let current: [Double] = [60, 90, 140, 200, 260, 330, 380, 400, 360, 280, 200, 120]
        let start: Int64 = 1_796_677_200_000 - 14 * 86_400_000
        let auc = (0..<14).map { day in
            MonitoringReport.Timeline.Point(
                timeMilliseconds: start + Int64(day) * 86_400_000, value: 0.86 - Double(max(0, day - 8)) * 0.025)
        }
        var share = (0..<14).map { day in
            MonitoringReport.Timeline.Point(
                timeMilliseconds: start + Int64(day) * 86_400_000, value: day < 9 ? 0.1 : 0.2 + Double(day - 9) * 0.08)
        }
        share[4].value = .nan
        return MonitoringReport(
            title: title, generatedMilliseconds: 1_796_677_200_000,
            datasetDrift: .init(driftedColumns: 2, columns: 4, share: 0.5, shareThreshold: 0.5, isDrifted: true),
            drift: drift,
            distributions: [
                .init(column: "tenure", bins: .numeric(edges: edges), reference: reference, current: current),
                .init(
                    column: "contract", bins: .categorical(categories: ["month-to-month", "one year", "two year"]),
                    reference: [550, 250, 200], current: [700, 180, 120]),
            ],
            timelines: [
                .init(name: "window_auc", points: auc, threshold: 0.8),
                .init(name: "drift_share", points: share, threshold: 0.5),
            ],
            alerts: [
                .init(
                    rule: "auc_low", state: "firing", severity: "critical", metric: "window_auc", value: 0.76,
                    timeMilliseconds: start + 12 * 86_400_000, evidence: ["window": "day 12", "rows": "12000"]),
                .init(
                    rule: "psi_high", state: "resolved", severity: "warning", metric: "column_psi{column=\"tenure\"}",
                    value: 0.31, timeMilliseconds: start + 10 * 86_400_000),
            ])
    }
}
