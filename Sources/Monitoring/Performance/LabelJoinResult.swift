/// What ``PredictionLog/recordLabel(requestID:label:value:at:)`` did with a label.
///
/// The log never throws for a late, unknown or repeated label: a monitoring feed must not stop
/// because one label is odd. The result says what happened so the caller can count it.
public enum LabelJoinResult: Sendable, Hashable {
    /// The label was joined to the prediction with this request ID.
    case joined
    /// No prediction has this request ID; the label was not stored (it is counted in
    /// ``PredictionLog/unmatchedLabelCount``).
    case unknownRequest
    /// The prediction already had a label; the first label is kept and this one is dropped
    /// (counted in ``PredictionLog/duplicateLabelCount``). `sameValue` says whether the dropped
    /// label equals the kept one.
    case duplicate(sameValue: Bool)
}
