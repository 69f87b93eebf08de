import MLOpsCore

/// A callback that draws one progress line per training — iteration, the main metric, elapsed time
/// and an estimate of the time left — through a writer the host supplies.
///
/// The `mlops` tool passes a writer that rewrites a terminal line in place on standard error (and
/// none when standard error is not a terminal). Redraws are at most every ``interval`` nanoseconds;
/// the last iteration is always drawn, and ``trainingEnded(_:)`` clears the line by writing an
/// empty text.
public struct TrainingProgress: TrainingCallback {
    /// The least time between two redraws, in nanoseconds.
    public static let interval = 100_000_000

    private let label: String
    private let write: @Sendable (String) -> Void
    private let started: Int
    private var lastDrawn: Int?
    private var shown = false

    /// Draws progress labelled `label` (e.g. `training gbdt`) with `write`.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
        self.started = Platform.monotonicNanoseconds()
    }

    public mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        let now = Platform.monotonicNanoseconds()
        let last = report.iteration == report.totalIterations
        if let lastDrawn, now &- lastDrawn < Self.interval, !last { return .proceed }
        lastDrawn = now
        shown = true
        write(Self.text(label, report, elapsedNanoseconds: now &- started))
        return .proceed
    }

    public mutating func trainingEnded(_ last: IterationReport?) {
        if shown { write("") }
        shown = false
    }

    /// `training gbdt  37/100  train_loss 0.1234  2.1 s  ETA 3.6 s`.
    public static func text(_ label: String, _ report: IterationReport, elapsedNanoseconds: Int) -> String {
        var text = label + "  " + String(report.iteration)
        if let total = report.totalIterations { text += "/\(total)" }
        let key = ["validation_loss", "train_loss"].first { report.metrics[$0] != nil } ?? report.metrics.keys.min()
        if let key, let value = report.metrics[key] { text += "  \(key) \(formatted(value, digits: 4))" }
        let elapsed = Double(elapsedNanoseconds) / 1e9
        text += "  \(formatted(elapsed, digits: 1)) s"
        if let total = report.totalIterations, report.iteration > 0, report.iteration < total {
            let remaining = elapsed / Double(report.iteration) * Double(total - report.iteration)
            text += "  ETA \(formatted(remaining, digits: 1)) s"
        }
        return text
    }

    /// `value` with `digits` digits after the point.
    private static func formatted(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: "."), !text.contains("e") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }
}
