/// What an estimator learns: a number per row, or one of two or more classes.
public enum TrainingTask: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A real-valued target.
    case regression
    /// Two classes; probabilities are of the second class (index 1).
    case binary
    /// Three or more classes, one probability per class.
    case multiclass

    /// Whether the task predicts classes.
    public var isClassification: Bool { self != .regression }

    public var description: String { rawValue }
}
