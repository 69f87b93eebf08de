import MLOpsCore

/// The stored form of a ``Prediction`` in the `monitoring` record namespace, keyed by request ID.
struct PredictionRecord: StoredRecord {
    static let recordType = "prediction"
    var prediction: Prediction
    var recordID: String { prediction.requestID }
}
