import MLOpsCore

extension LogisticObjective {
    /// Writes the lower triangle of the Hessian of the scaled objective at `w` into `hessian`
    /// (``dimension`` × ``dimension``, row-major; the upper triangle is left as it was).
    ///
    /// Per row, with `x̃ = [x, 1]` and class probabilities `π`, the block of classes (k, l) gains
    /// `πₖ(δₖₗ − πₗ)·x̃x̃ᵀ` (binary: `σ(1 − σ)·x̃x̃ᵀ`); the sums are divided by n and the penalty
    /// adds `1/(C·n)` on the diagonal of the weights. The rows run in order on one thread.
    func hessian(_ w: UnsafeBufferPointer<Double>, into hessian: UnsafeMutableBufferPointer<Double>) {
        let q = stride
        let p = features
        let k = outputs
        let pairs = k * (k + 1) / 2
        let packed = q * (q + 1) / 2
        var sums = [Double](repeating: 0, count: pairs * packed)
        var outer = [Double](repeating: 0, count: packed)
        var probabilities = [Double](repeating: 0, count: k)
        var row = [Double](repeating: 1, count: q)
        x.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { sums in
                outer.withUnsafeMutableBufferPointer { outer in
                    probabilities.withUnsafeMutableBufferPointer { pi in
                        row.withUnsafeMutableBufferPointer { xt in
                            for i in 0..<rows {
                                for j in 0..<p { xt[j] = x[i * p + j] }
                                // Scores, then probabilities.
                                var largest = -Double.infinity
                                for c in 0..<k {
                                    var score = 0.0
                                    for j in 0..<q { score += w[c * q + j] * xt[j] }
                                    pi[c] = score
                                    largest = max(largest, score)
                                }
                                if k == 1 {
                                    let z = pi[0]
                                    let e = Platform.exp(-abs(z))
                                    let sigma = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                                    pi[0] = sigma
                                } else {
                                    var total = 0.0
                                    for c in 0..<k {
                                        pi[c] = Platform.exp(pi[c] - largest)
                                        total += pi[c]
                                    }
                                    for c in 0..<k { pi[c] /= total }
                                }
                                var index = 0
                                for a in 0..<q {
                                    for b in 0...a {
                                        outer[index] = xt[a] * xt[b]
                                        index += 1
                                    }
                                }
                                var pair = 0
                                for c in 0..<k {
                                    for d in 0...c {
                                        let weight =
                                            k == 1 ? pi[0] * (1 - pi[0]) : pi[c] * ((c == d ? 1 : 0) - pi[d])
                                        let target = sums.baseAddress! + pair * packed
                                        for e in 0..<packed { target[e] += weight * outer[e] }
                                        pair += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Scatter the packed blocks into the lower triangle.
        let n = Double(rows)
        let dimension = self.dimension
        var pair = 0
        for c in 0..<k {
            for d in 0...c {
                let base = pair * packed
                for a in 0..<q {
                    for b in 0..<(c == d ? a + 1 : q) {
                        let value = a >= b ? sums[base + a * (a + 1) / 2 + b] : sums[base + b * (b + 1) / 2 + a]
                        hessian[(c * q + a) * dimension + d * q + b] = value / n
                    }
                }
                pair += 1
            }
        }
        let penalty = inverseC / n
        for c in 0..<k {
            for j in 0..<p { hessian[(c * q + j) * dimension + c * q + j] += penalty }
        }
    }
}
