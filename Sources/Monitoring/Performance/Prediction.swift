/// One logged prediction of a served model, and the outcome once its label arrives.
///
/// A prediction carries whichever outputs the model produced: a score (for a binary classifier,
/// the probability of class 1), a predicted class, a predicted value (regression). The outcome
/// (``actualLabel`` or ``actualValue``) is `nil` until a label is joined by ``requestID``
/// (``PredictionLog/recordLabel(requestID:label:value:at:)``).
///
/// Times are milliseconds since the Unix epoch, chosen by the caller.
public struct Prediction: Sendable, Hashable, Codable {
    /// The request's identifier, unique within a log; labels are joined by it.
    public var requestID: String
    /// When the prediction was made, in milliseconds since the Unix epoch.
    public var timestampMilliseconds: Int64
    /// The model version that made it, if known.
    public var modelVersion: String?
    /// The score; for a binary classifier the probability of class 1.
    public var score: Double?
    /// The predicted class.
    public var predictedLabel: Int?
    /// The predicted value of a regression model.
    public var predictedValue: Double?
    /// The true class, once known.
    public var actualLabel: Int?
    /// The true value of a regression target, once known.
    public var actualValue: Double?
    /// When the label was joined, in milliseconds since the Unix epoch.
    public var labelTimestampMilliseconds: Int64?

    /// A prediction without an outcome; pass at least one of `score`, `predictedLabel` and
    /// `predictedValue` (the log refuses a prediction with none).
    public init(
        requestID: String, timestampMilliseconds: Int64, modelVersion: String? = nil, score: Double? = nil,
        predictedLabel: Int? = nil, predictedValue: Double? = nil
    ) {
        self.requestID = requestID
        self.timestampMilliseconds = timestampMilliseconds
        self.modelVersion = modelVersion
        self.score = score
        self.predictedLabel = predictedLabel
        self.predictedValue = predictedValue
    }

    /// Whether an outcome (a true class or value) has been joined.
    public var isLabelled: Bool { actualLabel != nil || actualValue != nil }
}
