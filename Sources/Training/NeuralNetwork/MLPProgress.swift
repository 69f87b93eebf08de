/// The scalar state of an MLP fit that a checkpoint keeps besides the parameter arrays: where
/// training is, the optimiser's counters, and the stopping rule's bookkeeping.
struct MLPProgress: Sendable, Hashable {
    /// Epochs completed.
    var epoch = 0
    /// Rows trained on so far (scikit-learn's `t_`).
    var samplesSeen = 0
    /// Optimiser steps (batches) taken (Adam's `t`).
    var step = 0
    /// `beta1^step` and `beta2^step`, kept as running products.
    var beta1Power = 1.0
    var beta2Power = 1.0
    /// SGD's current step size.
    var learningRate: Double
    /// The lowest training loss so far (without early stopping).
    var bestLoss = Double.infinity
    /// The best validation score so far (early stopping).
    var bestScore = -Double.infinity
    /// Epochs in a row without enough improvement.
    var noImprovement = 0
    /// Whether the stopping rule ended training.
    var converged = false
    /// Seeds the validation split (early stopping).
    var splitSeed: UInt64 = 0
    /// The training loss of each epoch.
    var lossCurve: [Double] = []
    /// The validation score of each epoch (early stopping).
    var validationScores: [Double] = []

    init(estimator: MLP) {
        learningRate = estimator.learningRateInit
    }

    private static let version = 1

    func write(into writer: inout MLPStateWriter, units: [Int]) {
        writer.int(Self.version)
        writer.int(units.count)
        for unit in units { writer.int(unit) }
        writer.int(epoch)
        writer.int(samplesSeen)
        writer.int(step)
        writer.double(beta1Power)
        writer.double(beta2Power)
        writer.double(learningRate)
        writer.double(bestLoss)
        writer.double(bestScore)
        writer.int(noImprovement)
        writer.bool(converged)
        writer.int(Int(Int64(bitPattern: splitSeed)))
        writer.doubles(lossCurve)
        writer.doubles(validationScores)
    }

    /// Reads what ``write(into:units:)`` wrote for a network of `units` at `epoch`.
    ///
    /// - Throws: `MLOpsError` `corruptData` when the state is damaged or of another network.
    init(reading reader: inout MLPStateReader, units: [Int], epoch expected: Int) throws {
        guard try reader.int() == Self.version else { throw MLPStateReader.corrupt("unknown state version") }
        let count = try reader.int()
        guard count == units.count else { throw MLPStateReader.corrupt("it has \(count) layers") }
        for unit in units {
            guard try reader.int() == unit else { throw MLPStateReader.corrupt("its layer sizes differ") }
        }
        epoch = try reader.int()
        guard epoch == expected, epoch >= 0 else {
            throw MLPStateReader.corrupt("its epoch \(epoch) is not the checkpoint's \(expected)")
        }
        samplesSeen = try reader.int()
        step = try reader.int()
        beta1Power = try reader.double()
        beta2Power = try reader.double()
        learningRate = try reader.double()
        bestLoss = try reader.double()
        bestScore = try reader.double()
        noImprovement = try reader.int()
        converged = try reader.bool()
        splitSeed = UInt64(bitPattern: Int64(try reader.int()))
        lossCurve = try reader.doubles(limit: epoch)
        validationScores = try reader.doubles(limit: epoch)
    }
}
