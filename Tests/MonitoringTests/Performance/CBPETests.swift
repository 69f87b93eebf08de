import MLOpsCore
import Monitoring
import Testing

@Suite struct CBPETests {
    /// The realised accuracy (score ≥ 0.5 → 1) and ROC AUC of a labelled chunk.
    static func truth(_ chunk: CBPESimulation) throws -> (accuracy: Double, rocAUC: Double) {
        let predicted = chunk.scores.map { $0 >= 0.5 ? 1 : 0 }
        let accuracy = zip(predicted, chunk.labels).filter { $0 == $1 }.count
        let windows = try PerformanceWindows.compute(
            zip(chunk.scores, chunk.labels).enumerated().map { index, pair in
                var prediction = Prediction(requestID: "r\(index)", timestampMilliseconds: 0, score: pair.0)
                prediction.actualLabel = pair.1
                return prediction
            }, window: .tumblingCount(chunk.scores.count), task: .binaryClassification(threshold: 0.5))
        let auc = try #require(windows.first?.metrics.rocAUC)
        return (Double(accuracy) / Double(chunk.scores.count), auc)
    }

    @Test func estimatesTrackTheTruthUnderCovariateShift() throws {
        let reference = CBPESimulation(count: 20_000, shift: 0, seed: 1)
        let cbpe = try CBPE(referenceScores: reference.scores, referenceLabels: reference.labels)
        #expect(cbpe.isCalibrated)
        var accuracyErrors: [Double] = []
        var aucErrors: [Double] = []
        for (index, shift) in [-1.0, -0.5, 0, 0.5, 1.0, 1.5].enumerated() {
            let chunk = CBPESimulation(count: 5_000, shift: shift, seed: 100 + UInt64(index))
            let estimate = cbpe.estimate(scores: chunk.scores)
            let truth = try Self.truth(chunk)
            #expect(estimate.count == 5_000)
            let accuracy = try #require(estimate.accuracy)
            let auc = try #require(estimate.rocAUC)
            // One chunk's realised metric has a sampling noise of ≈ 0.006 (σ); 0.03 is 5σ.
            #expect(abs(accuracy - truth.accuracy) < 0.03, "shift \(shift): \(accuracy) vs \(truth.accuracy)")
            #expect(abs(auc - truth.rocAUC) < 0.03, "shift \(shift): \(auc) vs \(truth.rocAUC)")
            accuracyErrors.append(abs(accuracy - truth.accuracy))
            aucErrors.append(abs(auc - truth.rocAUC))
        }
        #expect(accuracyErrors.reduce(0, +) / 6 < 0.012)
        #expect(aucErrors.reduce(0, +) / 6 < 0.012)
    }

    @Test func uncalibratedScoresWouldMislead() throws {
        // The check that the test above can fail: without calibration the over-confident scores
        // overstate accuracy on a shifted chunk.
        let reference = CBPESimulation(count: 20_000, shift: 0, seed: 1)
        let raw = try CBPE(referenceScores: reference.scores, referenceLabels: reference.labels, calibration: .never)
        #expect(!raw.isCalibrated)
        let chunk = CBPESimulation(count: 5_000, shift: 0.2, seed: 7)
        let truth = try Self.truth(chunk)
        let accuracy = try #require(raw.estimate(scores: chunk.scores).accuracy)
        #expect(accuracy - truth.accuracy > 0.03)
    }

    @Test func stepwiseAndCenteredCalibrationAgreeClosely() throws {
        let reference = CBPESimulation(count: 20_000, shift: 0, seed: 2)
        let stepwise = try CBPE(
            referenceScores: reference.scores, referenceLabels: reference.labels, calibration: .always,
            interpolation: .stepwise)
        let centered = try CBPE(
            referenceScores: reference.scores, referenceLabels: reference.labels, calibration: .always,
            interpolation: .centered)
        let chunk = CBPESimulation(count: 5_000, shift: 0.5, seed: 9)
        let a = stepwise.estimate(scores: chunk.scores)
        let b = centered.estimate(scores: chunk.scores)
        #expect(abs((a.rocAUC ?? 0) - (b.rocAUC ?? 1)) < 0.01)
        #expect(abs((a.accuracy ?? 0) - (b.accuracy ?? 1)) < 0.01)
    }

    @Test func binnedCalibrationFitsBinMeans() throws {
        // 1,000 rows, labels 1 for the top 300 scores: bins of 100 rows have mean labels 0 (7
        // bins) and 1 (3 bins); the fit is a step between the bin means 649.5 and 749.5.
        let scores = (0..<1_000).map { Double($0) }
        let labels = (0..<1_000).map { $0 >= 700 ? 1 : 0 }
        let binned = try IsotonicCalibrator(scores: scores, labels: labels, binSize: 100)
        #expect(binned.knots == [49.5, 649.5, 749.5, 949.5])
        #expect(binned.values == [0, 0, 1, 1])
        #expect(binned.calibrate(699.5) == 0.5)
        // Bins larger than half the rows: every row is fitted.
        let plain = try IsotonicCalibrator(scores: [1, 2, 3], labels: [0, 1, 1], binSize: 2)
        #expect(plain.knots == [1, 2, 3])
        #expect(throws: MLOpsError.self) { try IsotonicCalibrator(scores: [1, 2], labels: [0, 1], binSize: 0) }
        // CBPE's default bins 1/200 of the reference; bins of 1 row are NannyML's calibration.
        let reference = CBPESimulation(count: 20_000, shift: 0, seed: 5)
        let unbinned = try CBPE(
            referenceScores: reference.scores, referenceLabels: reference.labels, calibrationBinSize: 1)
        let exact = try IsotonicCalibrator(scores: reference.scores, labels: reference.labels)
        #expect(unbinned.calibrator == exact)
        let defaults = try CBPE(referenceScores: reference.scores, referenceLabels: reference.labels)
        let byHand = try IsotonicCalibrator(scores: reference.scores, labels: reference.labels, binSize: 100)
        #expect(defaults.calibrator == byHand)
    }

    @Test func emptyAndDegenerateChunks() throws {
        let reference = CBPESimulation(count: 2_000, shift: 0, seed: 3)
        let cbpe = try CBPE(referenceScores: reference.scores, referenceLabels: reference.labels)
        let empty = cbpe.estimate(scores: [])
        #expect(empty == CBPEEstimate(count: 0, accuracy: nil, rocAUC: nil))
        let nonFinite = cbpe.estimate(scores: [.nan, .infinity])
        #expect(nonFinite.count == 0)
        let single = cbpe.estimate(scores: [0.7])
        #expect(single.count == 1)
        #expect(single.accuracy != nil)
        let chunks = try cbpe.estimate(scores: reference.scores, chunkSize: 600)
        #expect(chunks.map(\.count) == [600, 600, 600, 200])
        #expect(throws: MLOpsError.self) { try cbpe.estimate(scores: [0.5], chunkSize: 0) }
    }

    @Test func badReferenceThrows() {
        #expect(throws: MLOpsError.self) { try CBPE(referenceScores: [], referenceLabels: []) }
        #expect(throws: MLOpsError.self) { try CBPE(referenceScores: [0.1, 0.2], referenceLabels: [0]) }
        #expect(throws: MLOpsError.self) { try CBPE(referenceScores: [0.1, 0.2], referenceLabels: [0, 2]) }
        #expect(throws: MLOpsError.self) { try CBPE(referenceScores: [0.1, .nan], referenceLabels: [0, 1]) }
        #expect(throws: MLOpsError.self) {
            try CBPE(referenceScores: [0.1, 3], referenceLabels: [0, 1], calibration: .never)
        }
        #expect(throws: MLOpsError.self) {
            try CBPE(referenceScores: [0.1, 0.9], referenceLabels: [0, 1], threshold: .nan)
        }
    }

    @Test func singleClassReferenceSkipsCalibration() throws {
        let cbpe = try CBPE(referenceScores: [0.2, 0.4, 0.6], referenceLabels: [1, 1, 1])
        #expect(!cbpe.isCalibrated)
    }

    @Test func isotonicMatchesPoolAdjacentViolators() throws {
        // scikit-learn: IsotonicRegression(out_of_bounds="clip").fit([1,2,3,4,5,6],[0,1,0,0,1,1])
        // gives 0, 1/3, 1/3, 1/3, 1, 1 at the fitted points.
        let calibrator = try IsotonicCalibrator(
            scores: [1, 2, 3, 4, 5, 6], labels: [0, 1, 0, 0, 1, 1], interpolation: .stepwise)
        let fitted = calibrator.calibrate([1, 2, 3, 4, 5, 6])
        let expected = [0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 1]
        for (a, b) in zip(fitted, expected) { #expect(abs(a - b) < 1e-12) }
        #expect(calibrator.calibrate(0) == 0)
        #expect(calibrator.calibrate(10) == 1)
        #expect(abs(calibrator.calibrate(4.5) - (1.0 / 3 + 1) / 2) < 1e-12)
        // Centred: knots at 1, the block centre 3 and 5.5, values 0, 1/3 and 1.
        let centered = try IsotonicCalibrator(
            scores: [1, 2, 3, 4, 5, 6], labels: [0, 1, 0, 0, 1, 1], interpolation: .centered)
        #expect(centered.knots == [1, 3, 5.5, 6])
        #expect(abs(centered.calibrate(2) - 1.0 / 6) < 1e-12)
    }
}
