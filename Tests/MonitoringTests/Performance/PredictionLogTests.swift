import MLOpsCore
import Monitoring
import Testing

@Suite struct PredictionLogTests {
    @Test func labelsJoinByRequestID() async throws {
        let log = PredictionLog()
        try await log.record(Prediction(requestID: "a", timestampMilliseconds: 10, modelVersion: "3", score: 0.8))
        try await log.record(Prediction(requestID: "b", timestampMilliseconds: 20, score: 0.3, predictedLabel: 0))
        #expect(try await log.recordLabel(requestID: "a", label: 1, at: 30) == .joined)
        #expect(try await log.recordLabel(requestID: "zzz", label: 1, at: 31) == .unknownRequest)
        #expect(try await log.recordLabel(requestID: "a", label: 1, at: 32) == .duplicate(sameValue: true))
        #expect(try await log.recordLabel(requestID: "a", label: 0, at: 33) == .duplicate(sameValue: false))
        let a = try #require(await log.prediction(requestID: "a"))
        #expect(a.actualLabel == 1)  // the first label is kept
        #expect(a.labelTimestampMilliseconds == 30)
        #expect(a.modelVersion == "3")
        #expect(await log.unmatchedLabelCount == 1)
        #expect(await log.duplicateLabelCount == 2)
        #expect(await log.labelledCount == 1)
        #expect(await log.count == 2)
    }

    @Test func badPredictionsAndLabelsAreRefused() async throws {
        let log = PredictionLog()
        try await log.record(Prediction(requestID: "a", timestampMilliseconds: 0, score: 0.5))
        await #expect(throws: MLOpsError.self) {
            try await log.record(Prediction(requestID: "a", timestampMilliseconds: 1, score: 0.5))
        }
        await #expect(throws: MLOpsError.self) {
            try await log.record(Prediction(requestID: "", timestampMilliseconds: 1, score: 0.5))
        }
        await #expect(throws: MLOpsError.self) {
            try await log.record(Prediction(requestID: "n", timestampMilliseconds: 1))
        }
        await #expect(throws: MLOpsError.self) {
            try await log.record(Prediction(requestID: "n", timestampMilliseconds: 1, score: .nan))
        }
        await #expect(throws: MLOpsError.self) {
            try await log.record([
                Prediction(requestID: "x", timestampMilliseconds: 1, score: 0.1),
                Prediction(requestID: "x", timestampMilliseconds: 2, score: 0.2),
            ])
        }
        #expect(await log.count == 1)  // the failed batch logged nothing
        await #expect(throws: MLOpsError.self) { try await log.recordLabel(requestID: "a", at: 1) }
        await #expect(throws: MLOpsError.self) { try await log.recordLabel(requestID: "a", label: 1, value: 2, at: 1) }
        await #expect(throws: MLOpsError.self) { try await log.recordLabel(requestID: "a", value: .infinity, at: 1) }
    }

    @Test func survivesAReopen() async throws {
        let store = InMemoryKeyValueStore()
        do {
            let log = try await PredictionLog.open(on: store)
            try await log.record(
                (0..<25).map {
                    Prediction(
                        requestID: "req-\($0)", timestampMilliseconds: Int64(1_000 - $0), predictedValue: Double($0))
                })
            #expect(try await log.recordLabel(requestID: "req-3", value: 4.5, at: 2_000) == .joined)
        }
        let reopened = try await PredictionLog.open(on: store)
        #expect(await reopened.count == 25)
        let joined = try #require(await reopened.prediction(requestID: "req-3"))
        #expect(joined.actualValue == 4.5)
        let times = await reopened.all().map(\.timestampMilliseconds)
        #expect(times == times.sorted())
        #expect(await reopened.predictions(fromMilliseconds: 990, toMilliseconds: 1_000).count == 10)
        // A label after the restart still joins, once.
        #expect(try await reopened.recordLabel(requestID: "req-4", value: 1, at: 2_001) == .joined)
        #expect(try await reopened.recordLabel(requestID: "req-3", value: 9, at: 2_002) == .duplicate(sameValue: false))
        #expect(try await reopened.removePredictions(before: 980) == 4)  // 976 to 979
        let again = try await PredictionLog.open(on: store)
        #expect(await again.count == 21)
        #expect(await again.labelledCount == 2)
    }

    @Test func concurrentLabelsForOneRequestJoinOnce() async throws {
        let store = InMemoryKeyValueStore()
        let log = try await PredictionLog.open(on: store)
        try await log.record(Prediction(requestID: "a", timestampMilliseconds: 0, score: 0.5))
        let results = try await withThrowingTaskGroup(of: LabelJoinResult.self) { group in
            for label in 0..<8 {
                group.addTask { try await log.recordLabel(requestID: "a", label: label % 2, at: Int64(label)) }
            }
            var results: [LabelJoinResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results.filter { $0 == .joined }.count == 1)
        #expect(await log.duplicateLabelCount == 7)
        let kept = await log.prediction(requestID: "a")?.actualLabel
        let reopened = try await PredictionLog.open(on: store)
        #expect(await reopened.prediction(requestID: "a")?.actualLabel == kept)
    }

    @Test func outOfOrderPredictionsStaySorted() async throws {
        let log = PredictionLog()
        for (id, time) in [("a", 30), ("b", 10), ("c", 20), ("d", 10), ("e", 40)] {
            try await log.record(Prediction(requestID: id, timestampMilliseconds: Int64(time), score: 0.5))
        }
        #expect(await log.all().map(\.timestampMilliseconds) == [10, 10, 20, 30, 40])
        #expect(try await log.recordLabel(requestID: "c", label: 1, at: 50) == .joined)
        #expect(await log.prediction(requestID: "c")?.actualLabel == 1)
        #expect(await log.prediction(requestID: "e")?.timestampMilliseconds == 40)
    }
}
