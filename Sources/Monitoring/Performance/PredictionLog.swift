public import MLOpsCore

/// A log of a model's predictions keyed by request ID, to which labels that arrive later are
/// joined, persisted on a `KeyValueStore` so it survives restarts.
///
/// Predictions are stored as records of the `monitoring` namespace (owner `Monitoring`), one per
/// request ID; the log also keeps every prediction in memory, in arrival order, so windows and
/// estimates read it without touching the store. ``open(on:)`` loads what an earlier process
/// stored. A write is acknowledged when the call returns (see `RecordStore` for what that
/// means for durability).
///
/// What a caller must know:
/// - A request ID is 1 to 512 bytes of UTF-8 and unique: logging a second prediction with the
///   same ID throws `conflict`.
/// - Labels: one per request. A label for an unknown ID is not stored (``LabelJoinResult/unknownRequest``);
///   a second label for the same ID is dropped and the first kept (``LabelJoinResult/duplicate(sameValue:)``).
/// - Memory grows with the number of predictions kept; call ``removePredictions(before:)`` to
///   drop old ones from memory and the store.
public actor PredictionLog {
    /// The record namespace the log's records live in.
    public static let namespaceName = "monitoring"

    private let records: RecordStore?
    private var predictions: [Prediction] = []
    private var positions: [String: Int] = [:]
    /// Labels being stored (the actor may run other calls while a write awaits the store).
    private var pendingLabels: [String: (label: Int?, value: Double?)] = [:]
    /// Labels whose request ID matched no prediction, since the log was opened.
    public private(set) var unmatchedLabelCount = 0
    /// Labels dropped because their prediction already had one, since the log was opened.
    public private(set) var duplicateLabelCount = 0

    private init(records: RecordStore?, loaded: [Prediction]) {
        self.records = records
        predictions = loaded.sorted {
            ($0.timestampMilliseconds, $0.requestID) < ($1.timestampMilliseconds, $1.requestID)
        }
        for (index, prediction) in predictions.enumerated() { positions[prediction.requestID] = index }
    }

    /// A log kept in memory only (lost when the process ends): for tests and short-lived jobs.
    public init() {
        self.init(records: nil, loaded: [])
    }

    /// Opens the log stored in `store`, loading the predictions an earlier process logged.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module owns the `monitoring` namespace;
    ///   `corruptData` for a damaged record; storage errors.
    public static func open(on store: any KeyValueStore) async throws -> PredictionLog {
        let namespace = try RecordNamespace(namespaceName, owner: "Monitoring")
        let records = try await RecordStore.open(namespace, on: store)
        var loaded: [Prediction] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await records.list(PredictionRecord.self, after: cursor, limit: RecordStore.maxPageSize)
            loaded.append(contentsOf: page.records.map(\.record.prediction))
            cursor = page.next
        } while cursor != nil
        return PredictionLog(records: records, loaded: loaded)
    }

    /// The number of predictions in the log.
    public var count: Int { predictions.count }

    /// The number of predictions with a joined label.
    public var labelledCount: Int { predictions.reduce(0) { $0 + ($1.isLabelled ? 1 : 0) } }

    /// The prediction with `requestID`, or `nil`.
    public func prediction(requestID: String) -> Prediction? {
        positions[requestID].map { predictions[$0] }
    }

    /// Every prediction, ordered by timestamp (equal timestamps in arrival order; after a reopen,
    /// by request ID).
    public func all() -> [Prediction] { predictions }

    /// The predictions made in `[start, end)` milliseconds, ordered by timestamp.
    public func predictions(fromMilliseconds start: Int64, toMilliseconds end: Int64) -> [Prediction] {
        let lower = firstIndex(atOrAfter: start)
        let upper = firstIndex(atOrAfter: end)
        return lower < upper ? Array(predictions[lower..<upper]) : []
    }

    /// Logs one prediction.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an empty or over-long request ID, a
    ///   prediction with an outcome already set or with no output, or a NaN score or value;
    ///   `conflict` if the request ID is already logged; storage errors (nothing is logged).
    public func record(_ prediction: Prediction) async throws {
        try await record([prediction])
    }

    /// Logs several predictions in one transaction: all or none.
    ///
    /// - Throws: As ``record(_:)``; also `conflict` for a request ID repeated within the batch.
    public func record(_ batch: [Prediction]) async throws {
        var seen = Set<String>()
        for prediction in batch {
            try Self.check(prediction)
            guard positions[prediction.requestID] == nil, seen.insert(prediction.requestID).inserted else {
                throw MLOpsError(
                    .conflict, "a prediction with this request ID is already logged", value: prediction.requestID)
            }
        }
        if let records {
            try await records.transaction { tx in
                for prediction in batch { try await tx.insert(PredictionRecord(prediction: prediction)) }
            }
        }
        for prediction in batch { insertInOrder(prediction) }
    }

    /// Joins the true outcome of a request to its prediction: `label` for a classifier, `value`
    /// for a regression model (pass one of them).
    ///
    /// - Parameters:
    ///   - requestID: The request the label belongs to.
    ///   - label: The true class.
    ///   - value: The true value.
    ///   - timestampMilliseconds: When the label arrived.
    /// - Returns: Whether the label was joined, or why not.
    /// - Throws: `MLOpsError` `invalidArgument` when neither or both of `label` and `value` are
    ///   given or `value` is not finite; storage errors (the label is then not joined).
    @discardableResult
    public func recordLabel(
        requestID: String, label: Int? = nil, value: Double? = nil, at timestampMilliseconds: Int64
    ) async throws -> LabelJoinResult {
        guard (label == nil) != (value == nil) else {
            throw MLOpsError(
                .invalidArgument, "a label is either a class or a value: pass exactly one", value: requestID)
        }
        if let value, !value.isFinite {
            throw MLOpsError(.invalidArgument, "a label value must be finite", value: "\(requestID): \(value)")
        }
        guard let index = positions[requestID] else {
            unmatchedLabelCount += 1
            return .unknownRequest
        }
        var prediction = predictions[index]
        if prediction.isLabelled {
            duplicateLabelCount += 1
            return .duplicate(sameValue: prediction.actualLabel == label && prediction.actualValue == value)
        }
        if let pending = pendingLabels[requestID] {
            duplicateLabelCount += 1
            return .duplicate(sameValue: pending.label == label && pending.value == value)
        }
        prediction.actualLabel = label
        prediction.actualValue = value
        prediction.labelTimestampMilliseconds = timestampMilliseconds
        pendingLabels[requestID] = (label, value)
        defer { pendingLabels[requestID] = nil }
        if let records { try await records.save(PredictionRecord(prediction: prediction)) }
        // Positions may have moved while the write awaited.
        if let current = positions[requestID] { predictions[current] = prediction }
        return .joined
    }

    /// Removes the predictions made before `timestampMilliseconds` from memory and the store.
    ///
    /// Removes them oldest first, 1,000 per transaction.
    ///
    /// - Returns: How many were removed.
    /// - Throws: Storage errors; the transactions committed before the error stay removed (from
    ///   memory too), the rest stay logged.
    @discardableResult
    public func removePredictions(before timestampMilliseconds: Int64) async throws -> Int {
        let ids = predictions[0..<firstIndex(atOrAfter: timestampMilliseconds)].map(\.requestID)
        var removed = 0
        defer {
            if removed > 0 {
                let gone = Set(ids[0..<removed])
                predictions.removeAll { gone.contains($0.requestID) }
                positions.removeAll(keepingCapacity: true)
                for (index, prediction) in predictions.enumerated() { positions[prediction.requestID] = index }
            }
        }
        while removed < ids.count {
            let batch = ids[removed..<Swift.min(removed + 1_000, ids.count)]
            if let records {
                try await records.transaction { tx in
                    for id in batch { _ = try await tx.delete(PredictionRecord.self, id: id) }
                }
            }
            removed += batch.count
        }
        return removed
    }

    // MARK: Helpers

    private static func check(_ prediction: Prediction) throws {
        try RecordStore.checkRequestID(prediction.requestID)
        guard !prediction.isLabelled, prediction.labelTimestampMilliseconds == nil else {
            throw MLOpsError(
                .invalidArgument, "log the prediction first and join its label with recordLabel",
                value: prediction.requestID)
        }
        guard prediction.score != nil || prediction.predictedLabel != nil || prediction.predictedValue != nil else {
            throw MLOpsError(
                .invalidArgument, "a prediction needs a score, a predicted label or a predicted value",
                value: prediction.requestID)
        }
        if let score = prediction.score, score.isNaN {
            throw MLOpsError(.invalidArgument, "a prediction's score must not be NaN", value: prediction.requestID)
        }
        if let value = prediction.predictedValue, value.isNaN {
            throw MLOpsError(.invalidArgument, "a predicted value must not be NaN", value: prediction.requestID)
        }
    }

    /// The position of the first prediction at or after `time` (binary search).
    private func firstIndex(atOrAfter time: Int64) -> Int {
        var low = 0
        var high = predictions.count
        while low < high {
            let middle = low + (high - low) / 2
            if predictions[middle].timestampMilliseconds < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Inserts in timestamp order; appending is the common case (predictions arrive in order).
    private func insertInOrder(_ prediction: Prediction) {
        if let last = predictions.last, last.timestampMilliseconds > prediction.timestampMilliseconds {
            var index = firstIndex(atOrAfter: prediction.timestampMilliseconds + 1)
            if prediction.timestampMilliseconds == Int64.max { index = predictions.count }
            predictions.insert(prediction, at: index)
            for position in index..<predictions.count { positions[predictions[position].requestID] = position }
        } else {
            positions[prediction.requestID] = predictions.count
            predictions.append(prediction)
        }
    }
}

extension RecordStore {
    /// Throws unless `id` is a valid record ID (1 to ``maxIDLength`` bytes).
    fileprivate static func checkRequestID(_ id: String) throws {
        guard !id.isEmpty, id.utf8.count <= maxIDLength else {
            throw MLOpsError(
                .invalidArgument, "a request ID must have 1 to \(maxIDLength) bytes of UTF-8",
                value: String(id.prefix(64)))
        }
    }
}
