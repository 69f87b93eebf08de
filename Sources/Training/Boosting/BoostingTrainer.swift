import InferenceCore
import MLOpsCore

/// Runs the boosting rounds of one ``GradientBoosting/fit(_:context:)``: bins the data, grows the
/// trees, keeps the scores, reports, checkpoints and early-stops.
///
/// **Random draws** (all from the context's generator, in this order): the early-stopping hold-out
/// (once, before any checkpoint is restored); then per round the row bag (one draw per training
/// row, when `subsample` < 1) and per tree the feature sample (when `colsample` < 1).
///
/// **Checkpoint state**: the trees so far and the early-stopping bookkeeping; the scores are
/// rebuilt from the trees by adding their leaves in the same order training did, so a resumed run
/// ends with the same bytes.
struct BoostingTrainer {
    let estimator: GradientBoosting
    let objective: BoostingObjective
    let task: TrainingTask
    let featureNames: [String]
    let classLabels: [String]
    let featureCount: Int
    let trainCount: Int
    let validationCount: Int
    let bins: FeatureBins
    let grower: HistogramTreeGrower
    let validationBinned: [UInt8]
    let trainTargets: [Double]
    let validationTargets: [Double]
    let initialScores: [Double]
    var scores: [Double]
    var validationScores: [Double]
    var trees: [BoostedTree] = []
    var bestLoss = Double.infinity
    var bestRound = 0
    var roundsWithoutImprovement = 0

    static let stateMagic = Array("MLGBST1\n".utf8)

    init(estimator: GradientBoosting, data: TrainingData, context: inout TrainingContext) throws {
        self.estimator = estimator
        task = data.task
        objective = BoostingObjective(task: data.task, classCount: data.target.classCount)
        featureNames = data.features.featureNames
        classLabels = data.target.classLabels
        featureCount = data.features.columnCount
        let rowCount = data.rowCount
        guard rowCount < Int(Int32.max) else {
            throw MLOpsError(
                .limitExceeded, "gbdt trains on at most \(Int32.max - 1) rows", value: String(rowCount))
        }
        if let bad = data.target.values.firstIndex(where: { !$0.isFinite }) {
            throw MLOpsError(
                .invalidArgument, "the target \(data.target.name) has a non-finite value at row \(bad + 1)",
                value: data.target.name)
        }
        var trainRows = Array(0..<rowCount)
        var validationRows: [Int] = []
        if estimator.nIterNoChange > 0 {
            let held = Int((Double(rowCount) * estimator.validationFraction).rounded())
            guard held >= 1, rowCount - held >= 2 else {
                throw MLOpsError(
                    .invalidArgument,
                    "early stopping needs at least one validation row and two training rows; \(rowCount) rows "
                        + "with validation_fraction \(estimator.validationFraction) do not give them",
                    value: String(rowCount))
            }
            var shuffled = trainRows
            context.random.shuffle(&shuffled)
            validationRows = shuffled[..<held].sorted()
            trainRows = shuffled[held...].sorted()
        }
        trainCount = trainRows.count
        validationCount = validationRows.count
        let pool = context.pool
        bins = FeatureBins.fit(data.features, rows: trainRows, maxBins: estimator.maxBins, pool: pool)
        let binned = bins.binned(data.features, rows: trainRows, pool: pool)
        validationBinned = bins.binned(data.features, rows: validationRows, pool: pool)
        let targets = data.target.values
        trainTargets = trainRows.map { targets[$0] }
        validationTargets = validationRows.map { targets[$0] }
        let initial = objective.initialScores(trainTargets)
        initialScores = initial
        let outputs = objective.outputCount
        let trainingCount = trainRows.count
        let heldCount = validationRows.count
        scores = (0..<outputs).flatMap { [Double](repeating: initial[$0], count: trainingCount) }
        validationScores = (0..<outputs).flatMap { [Double](repeating: initial[$0], count: heldCount) }
        grower = HistogramTreeGrower(
            binned: binned, rowCount: trainRows.count, bins: bins,
            settings: .init(
                numLeaves: estimator.numLeaves, maxDepth: estimator.maxDepth,
                minChildWeight: estimator.minChildWeight, minSamplesLeaf: estimator.minSamplesLeaf,
                lambda: estimator.lambdaL2, learningRate: estimator.learningRate),
            pool: pool)
    }

    var earlyStopping: Bool { estimator.nIterNoChange > 0 }

    mutating func run(context: inout TrainingContext) throws -> FittedGradientBoosting {
        let outputs = objective.outputCount
        let rounds = estimator.nEstimators
        var startRound = 0
        if let checkpoint = context.resumeCheckpoint() {
            try restore(checkpoint.state)
            startRound = trees.count / outputs
        }
        var gh = [SIMD2<Float>](repeating: .zero, count: trainCount * outputs)
        var inBag = [Bool](repeating: true, count: subsampling ? trainCount : 0)
        var bagRows: [Int32] = []
        let allFeatures = Array(0..<featureCount)
        let sampledFeatures = max(1, Int((estimator.colsample * Double(featureCount)).rounded()))
        var round = startRound
        var gradientsReady = false
        while round < rounds {
            // A checkpoint taken when early stopping had already decided to stop.
            if earlyStopping, roundsWithoutImprovement >= estimator.nIterNoChange { break }
            // The bag of this round.
            if subsampling {
                bagRows.removeAll(keepingCapacity: true)
                for row in 0..<trainCount {
                    let keep = context.random.nextDouble() < estimator.subsample
                    inBag[row] = keep
                    if keep { bagRows.append(Int32(row)) }
                }
                if bagRows.isEmpty {
                    bagRows.append(0)
                    inBag[0] = true
                }
            }
            if !gradientsReady { _ = computeGradients(&gh, pool: context.pool) }
            for output in 0..<outputs {
                var features = allFeatures
                if sampledFeatures < featureCount {
                    features = try context.random.sample(k: sampledFeatures, from: allFeatures).sorted()
                }
                let bagCount = subsampling ? bagRows.count : trainCount
                if subsampling {
                    bagRows.withUnsafeBufferPointer { rows in
                        grower.rowOrder.update(from: rows.baseAddress!, count: bagCount)
                    }
                } else {
                    for row in 0..<trainCount { grower.rowOrder[row] = Int32(row) }
                }
                var tree = gh.withUnsafeBufferPointer { buffer in
                    grower.grow(
                        gh: buffer.baseAddress! + output * trainCount, bagCount: bagCount, allRows: !subsampling,
                        features: features)
                }
                tree.output = output
                for node in 0..<tree.internalCount {
                    tree.threshold[node] = bins.upperEdges[Int(tree.splitFeature[node])][Int(tree.splitBin[node])]
                }
                addTree(tree, inBag: inBag)
                trees.append(tree)
            }
            round += 1
            // The next round's gradients, and from the same pass the loss of the model so far.
            var metrics = ["train_loss": computeGradients(&gh, pool: context.pool)]
            gradientsReady = true
            var noImprovement = false
            if earlyStopping {
                let validationLoss = loss(validationScores, validationTargets, validationCount, context.pool)
                metrics["validation_loss"] = validationLoss
                if validationLoss < bestLoss {
                    bestLoss = validationLoss
                    bestRound = round
                    roundsWithoutImprovement = 0
                } else {
                    roundsWithoutImprovement += 1
                    noImprovement = roundsWithoutImprovement >= estimator.nIterNoChange
                }
            }
            let decision = context.report(IterationReport(iteration: round, totalIterations: rounds, metrics: metrics))
            context.checkpointIfDue(iteration: round) { state() }
            if decision == .stop || noImprovement { break }
        }
        context.finish()
        var kept = trees
        var keptRounds = trees.count / outputs
        if earlyStopping, bestRound > 0, bestRound < keptRounds {
            keptRounds = bestRound
            kept = Array(trees[..<(bestRound * outputs)])
        }
        return FittedGradientBoosting(
            task: task, featureNames: featureNames, classLabels: classLabels, initialScores: initialScores,
            iterationCount: keptRounds, trees: kept)
    }

    var subsampling: Bool { estimator.subsample < 1 }

    /// Writes the gradients of the current scores into `gh`; returns the training loss.
    private func computeGradients(_ gh: inout [SIMD2<Float>], pool: WorkerPool) -> Double {
        scores.withUnsafeBufferPointer { s in
            trainTargets.withUnsafeBufferPointer { y in
                gh.withUnsafeMutableBufferPointer { out in
                    objective.gradients(
                        scores: s.baseAddress!, targets: y.baseAddress!, rowCount: trainCount,
                        gh: out.baseAddress!, pool: pool)
                }
            }
        }
    }

    private func loss(_ scores: [Double], _ targets: [Double], _ count: Int, _ pool: WorkerPool) -> Double {
        scores.withUnsafeBufferPointer { s in
            targets.withUnsafeBufferPointer { y in
                guard let sBase = s.baseAddress, let yBase = y.baseAddress else { return .nan }
                return objective.loss(scores: sBase, targets: yBase, rowCount: count, pool: pool)
            }
        }
    }

    /// Adds a new tree's leaves to the training and validation scores: bagged rows by the leaf
    /// ranges the grower left, other rows by walking the tree on their bins.
    private mutating func addTree(_ tree: BoostedTree, inBag: [Bool]) {
        let offset = tree.output * trainCount
        let grower = self.grower
        let subsampling = self.subsampling
        let trainCount = self.trainCount
        scores.withUnsafeMutableBufferPointer { s in
            for (index, leaf) in grower.leaves.enumerated() {
                let value = tree.leafValue[index]
                for k in leaf.start..<(leaf.start + leaf.count) { s[offset + Int(grower.rowOrder[k])] += value }
            }
            if subsampling {
                for row in 0..<trainCount where !inBag[row] {
                    s[offset + row] +=
                        tree.leafValue[
                            tree.leaf(binned: grower.bins, rowCount: trainCount, row: row, nanBins: grower.nanBins)]
                }
            }
        }
        addToValidation(tree)
    }

    private mutating func addToValidation(_ tree: BoostedTree) {
        guard validationCount > 0 else { return }
        let offset = tree.output * validationCount
        let count = validationCount
        let nanBins = grower.nanBins
        validationBinned.withUnsafeBufferPointer { binned in
            validationScores.withUnsafeMutableBufferPointer { s in
                for row in 0..<count {
                    s[offset + row] +=
                        tree.leafValue[
                            tree.leaf(binned: binned.baseAddress!, rowCount: count, row: row, nanBins: nanBins)]
                }
            }
        }
    }

    // MARK: Checkpoints

    func state() -> [UInt8] {
        var writer = BoostingWriter()
        writer.bytes = Self.stateMagic
        writer.double(bestLoss)
        writer.int(bestRound)
        writer.int(roundsWithoutImprovement)
        writer.int(trees.count)
        for tree in trees { writer.tree(tree) }
        return writer.bytes
    }

    /// Restores the trees and bookkeeping of a checkpoint and rebuilds the scores from them.
    mutating func restore(_ state: [UInt8]) throws {
        var reader = BoostingReader(state, source: "the gbdt checkpoint state")
        guard state.starts(with: Self.stateMagic) else { throw reader.corrupt("it does not start with its marker") }
        reader.offset = Self.stateMagic.count
        let loss = try reader.double()
        let best = try reader.int()
        let without = try reader.int()
        let count = try reader.count(max: state.count)
        let outputs = objective.outputCount
        var restored: [BoostedTree] = []
        for index in 0..<count {
            let tree = try reader.tree(featureCount: featureCount, outputCount: outputs)
            guard tree.output == index % outputs,
                tree.splitBin.indices.allSatisfy({
                    Int(tree.splitBin[$0]) < bins.nanBin(Int(tree.splitFeature[$0]))
                })
            else { throw reader.corrupt("tree \(index) does not fit this job's data") }
            restored.append(tree)
        }
        guard reader.isAtEnd, count % outputs == 0, count / outputs <= estimator.nEstimators, best >= 0,
            best <= count / outputs, without >= 0
        else { throw reader.corrupt("its rounds and bookkeeping disagree") }
        bestLoss = loss
        bestRound = best
        roundsWithoutImprovement = without
        trees = []
        for tree in restored {
            let offset = tree.output * trainCount
            let grower = self.grower
            let trainCount = self.trainCount
            scores.withUnsafeMutableBufferPointer { s in
                for row in 0..<trainCount {
                    s[offset + row] +=
                        tree.leafValue[
                            tree.leaf(binned: grower.bins, rowCount: trainCount, row: row, nanBins: grower.nanBins)]
                }
            }
            addToValidation(tree)
            trees.append(tree)
        }
    }
}
