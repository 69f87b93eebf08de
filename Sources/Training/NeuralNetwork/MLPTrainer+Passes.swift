import InferenceCore
import MLOpsCore

extension MLPTrainer {
    /// Runs one epoch: shuffles the training rows (when ``MLP/shuffle``) and trains on each batch in
    /// turn. Returns the epoch's loss: the row-weighted mean of the batch losses, each with its L2
    /// term, as scikit-learn's `loss_`.
    ///
    /// Each epoch shuffles the rows from their original order (scikit-learn shuffles the previous
    /// epoch's order; both are uniform permutations), so no permutation needs checkpointing.
    func trainEpoch(random: inout SeededRandom) -> Double {
        if config.shuffle {
            // Fisher–Yates from the back, as `SeededRandom.shuffle` (whose generic form is not
            // specialised across modules and costs a tenth of an epoch on small data).
            order.withUnsafeMutableBufferPointer { rows in
                for index in 0..<rows.count { rows[index] = index }
                var index = rows.count - 1
                while index > 0 {
                    let other = random.int(in: 0..<(index + 1))
                    rows.swapAt(index, other)
                    index -= 1
                }
            }
        }
        var total = 0.0
        var start = 0
        while start < trainCount {
            let count = min(batchSize, trainCount - start)
            total += trainBatch(start: start, count: count)
            start += count
        }
        return total / Double(trainCount)
    }

    /// One optimiser step on the training rows `order[start..<start + count]`; returns the batch's
    /// summed loss plus `alpha/2 · ‖W‖²` (scikit-learn's batch loss times the batch size).
    func trainBatch(start: Int, count: Int) -> Double {
        let columns = units[0]
        let input = activations[0]
        order.withUnsafeBufferPointer { rows in
            for index in 0..<count {
                let row = rows[start + index]
                (input + index * columns).update(from: x + row * columns, count: columns)
            }
        }
        let penalty = config.alpha > 0 ? 0.5 * config.alpha * squaredWeightNorm() : 0
        forward(input: input, rows: count)
        let loss = order.withUnsafeBufferPointer { rows in
            outputLoss(rows: count, target: { y[rows[start + $0]] }, writeDeltas: true).loss
        }
        backward(rows: count)
        update(rows: count)
        return loss + penalty
    }

    /// `Σ w²` over every weight (not the biases), in double precision.
    func squaredWeightNorm() -> Double {
        var sums = SIMD4<Double>(repeating: 0)
        let whole = weightCount / 4 * 4
        var index = 0
        while index < whole {
            let w = SIMD4<Double>(
                Double(parameters[index]), Double(parameters[index + 1]), Double(parameters[index + 2]),
                Double(parameters[index + 3]))
            sums += w * w
            index += 4
        }
        var total = sums.sum()
        while index < weightCount {
            let w = Double(parameters[index])
            total += w * w
            index += 1
        }
        return total
    }

    /// The hidden layers' activation as a kernel epilogue.
    var hiddenKernelActivation: InferenceCore.Activation {
        switch config.activation {
        case .identity: .identity
        case .logistic: .sigmoid
        case .tanh: .tanh
        case .relu: .relu
        }
    }

    /// Computes every layer's activations for `rows` rows of `input` (`rows × units[0]`) into
    /// ``activations`` (layers 1…); the output layer holds scores (softmax, identity) or
    /// probabilities (logistic).
    func forward(input: UnsafePointer<Float>, rows: Int) {
        var a = input
        let hidden = hiddenKernelActivation
        for layer in 0..<layerCount {
            let last = layer == layerCount - 1
            let activation: InferenceCore.Activation = last ? (output == .logistic ? .sigmoid : .identity) : hidden
            Kernels.sgemm(
                m: rows, n: units[layer + 1], k: units[layer], a: a, lda: units[layer],
                b: parameters + weightOffsets[layer], ldb: units[layer + 1], c: activations[layer + 1],
                ldc: units[layer + 1], bias: parameters + biasOffsets[layer], activation: activation, pool: pool)
            a = UnsafePointer(activations[layer + 1])
        }
    }

    /// Turns the output layer into predictions (softmax in place), and returns the summed loss of
    /// `rows` rows (double precision; probabilities clipped to `[ε, 1 − ε]` as scikit-learn) and the
    /// number of rows classified right. With `writeDeltas`, stores `prediction − target` (the loss
    /// gradient at the output's pre-activation) in the last layer's deltas.
    func outputLoss(rows: Int, target: (Int) -> Double, writeDeltas: Bool) -> (loss: Double, correct: Int) {
        let width = units[layerCount]
        let out = activations[layerCount]
        let delta = deltas[layerCount]
        let eps = Double.ulpOfOne
        var loss = 0.0
        var correct = 0
        switch output {
        case .softmax:
            for row in 0..<rows {
                let p = out + row * width
                var largest = p[0]
                var argmax = 0
                for k in 1..<width where p[k] > largest {
                    largest = p[k]
                    argmax = k
                }
                var sum: Float = 0
                for k in 0..<width {
                    let e = Platform.exp(p[k] - largest)
                    p[k] = e
                    sum += e
                }
                let scale = 1 / sum
                for k in 0..<width { p[k] *= scale }
                let label = Int(target(row))
                if label == argmax { correct += 1 }
                loss -= Platform.log(min(max(Double(p[label]), eps), 1 - eps))
                if writeDeltas {
                    let d = delta + row * width
                    for k in 0..<width { d[k] = p[k] }
                    d[label] -= 1
                }
            }
        case .logistic:
            for row in 0..<rows {
                let p = out[row]
                let label = target(row)
                if (p > 0.5 ? 1.0 : 0.0) == label { correct += 1 }
                let clipped = min(max(Double(p), eps), 1 - eps)
                loss -= label == 1 ? Platform.log(clipped) : Platform.log(1 - clipped)
                if writeDeltas { delta[row] = p - Float(label) }
            }
        case .identity:
            for row in 0..<rows {
                let difference = Double(out[row]) - target(row)
                loss += 0.5 * difference * difference
                if writeDeltas { delta[row] = out[row] - Float(target(row)) }
            }
        }
        return (loss, correct)
    }

    /// Back-propagates the output deltas of `rows` rows: the weight gradients `Aᵀ·δ` (not yet divided
    /// by the batch size nor penalised: ``update(rows:)`` does both) and bias gradients `Σ δ` of every
    /// layer, and the hidden deltas `δ·Wᵀ ⊙ f′`.
    func backward(rows: Int) {
        for layer in stride(from: layerCount - 1, through: 0, by: -1) {
            let fanIn = units[layer]
            let fanOut = units[layer + 1]
            let delta = deltas[layer + 1]
            Kernels.sgemm(
                transposeA: true, m: fanIn, n: fanOut, k: rows, a: activations[layer], lda: fanIn, b: delta,
                ldb: fanOut, c: gradients + weightOffsets[layer], ldc: fanOut, pool: pool)
            MLPVectorOps.columnSums(delta, rows: rows, columns: fanOut, into: gradients + biasOffsets[layer])
            guard layer > 0 else { continue }
            let below = deltas[layer]
            Kernels.sgemm(
                transposeB: true, m: rows, n: fanIn, k: fanOut, a: delta, lda: fanOut,
                b: parameters + weightOffsets[layer], ldb: fanOut, c: below, ldc: fanIn, pool: pool)
            MLPVectorOps.multiplyByDerivative(
                below, activations: activations[layer], count: rows * fanIn, activation: config.activation)
        }
    }

    /// One optimiser step from the gradients of a batch of `rows` rows: the gradient of a weight is
    /// `(Σ + alpha·w) / rows`, of a bias `Σ / rows`.
    func update(rows: Int) {
        let scale = Float(1 / Double(rows))
        let l2 = Float(config.alpha)
        let biases = parameters + weightCount
        let biasCount = parameterCount - weightCount
        progress.step += 1
        // Weights (penalised), then biases.
        switch config.solver {
        case .adam:
            progress.beta1Power *= config.beta1
            progress.beta2Power *= config.beta2
            let rate = Float(
                config.learningRateInit * (1 - progress.beta2Power).squareRoot() / (1 - progress.beta1Power))
            var constants = MLPVectorOps.Adam(
                scale: scale, penalty: l2, beta1: Float(config.beta1), beta2: Float(config.beta2), rate: rate,
                epsilon: Float(config.epsilon))
            MLPVectorOps.adam(
                constants, weights: parameters, gradients: gradients, first: moments, second: squares,
                count: weightCount)
            constants.penalty = 0
            MLPVectorOps.adam(
                constants, weights: biases, gradients: gradients + weightCount, first: moments + weightCount,
                second: squares + weightCount, count: biasCount)
        case .sgd:
            let rate = Float(progress.learningRate)
            let mu = Float(config.momentum)
            MLPVectorOps.sgd(
                scale: scale, penalty: l2, momentum: mu, rate: rate, nesterov: config.nesterovsMomentum,
                weights: parameters, gradients: gradients, velocities: moments, count: weightCount)
            MLPVectorOps.sgd(
                scale: scale, penalty: 0, momentum: mu, rate: rate, nesterov: config.nesterovsMomentum,
                weights: biases, gradients: gradients + weightCount, velocities: moments + weightCount,
                count: biasCount)
        }
    }

    /// The validation rows' mean loss (without the L2 term) and score: accuracy for classifiers,
    /// R² (scikit-learn's `r2_score`) for regression.
    func validate() -> (loss: Double, score: Double) {
        let columns = units[0]
        var loss = 0.0
        var correct = 0
        var start = 0
        while start < validationCount {
            let count = min(batchSize, validationCount - start)
            forward(input: xValidation + start * columns, rows: count)
            let targets = yValidation + start
            let result = outputLoss(rows: count, target: { targets[$0] }, writeDeltas: false)
            loss += result.loss
            correct += result.correct
            start += count
        }
        let n = Double(validationCount)
        if task.isClassification { return (loss / n, Double(correct) / n) }
        var mean = 0.0
        for row in 0..<validationCount { mean += yValidation[row] }
        mean /= n
        var total = 0.0
        for row in 0..<validationCount { total += (yValidation[row] - mean) * (yValidation[row] - mean) }
        let residual = 2 * loss
        let r2 = total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        return (loss / n, r2)
    }
}
