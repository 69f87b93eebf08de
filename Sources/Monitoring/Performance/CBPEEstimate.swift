/// The performance ``CBPE`` estimates for one chunk of predictions, from their scores alone.
public struct CBPEEstimate: Sendable, Hashable, Codable {
    /// The number of scores the estimate is based on.
    public var count: Int
    /// The expected accuracy of the predictions (score ≥ threshold → class 1); `nil` for an
    /// empty chunk.
    public var accuracy: Double?
    /// The expected area under the ROC curve; `nil` for an empty chunk or one whose calibrated
    /// probabilities are all 0 or all 1 (no expected positives or negatives).
    public var rocAUC: Double?

    /// An estimate with the given values.
    public init(count: Int, accuracy: Double?, rocAUC: Double?) {
        self.count = count
        self.accuracy = accuracy
        self.rocAUC = rocAUC
    }
}
