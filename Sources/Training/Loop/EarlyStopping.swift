/// Stops training when a metric has not improved for ``patience`` iterations.
///
/// ```swift
/// context.callbacks.append(EarlyStopping(metric: "validation_loss", patience: 10))
/// ```
///
/// An improvement is a change of more than ``minDelta`` in the better direction. Iterations whose
/// report lacks the metric are not counted. Estimators that keep the model of the best iteration
/// (GBDT, MLP) read ``bestIteration`` from their own bookkeeping; this callback only decides when
/// to stop.
public struct EarlyStopping: TrainingCallback {
    /// The metric watched (a key of ``IterationReport/metrics``).
    public let metric: String
    /// How many iterations without improvement are tolerated.
    public let patience: Int
    /// The smallest change that counts as an improvement.
    public let minDelta: Double
    /// Whether larger values are better (accuracy, AUC) rather than smaller (losses).
    public let higherIsBetter: Bool
    /// The best value so far and the iteration that reached it.
    public private(set) var best: (value: Double, iteration: Int)?

    /// Watches `metric`.
    public init(metric: String, patience: Int = 10, minDelta: Double = 0, higherIsBetter: Bool = false) {
        self.metric = metric
        self.patience = max(1, patience)
        self.minDelta = max(0, minDelta)
        self.higherIsBetter = higherIsBetter
    }

    /// The iteration with the best value so far.
    public var bestIteration: Int? { best?.iteration }

    public mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        guard let value = report.metrics[metric], !value.isNaN else { return .proceed }
        if let current = best {
            let improved = higherIsBetter ? value > current.value + minDelta : value < current.value - minDelta
            if improved { best = (value, report.iteration) }
        } else {
            best = (value, report.iteration)
        }
        return report.iteration - (best?.iteration ?? report.iteration) >= patience ? .stop : .proceed
    }
}
