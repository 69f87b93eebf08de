/// Dense double-precision solvers for the linear estimators: Cholesky for symmetric positive
/// definite systems, and a minimum-norm least-squares solve (Householder QR, then a one-sided
/// Jacobi SVD of the triangular factor) for problems that may be rank-deficient.
///
/// Matrices are row-major `[Double]` unless a function says otherwise.
enum DenseSolver {
    /// Solves `A x = b` for a symmetric positive definite `A` (n × n, row-major; only the lower
    /// triangle is read) by Cholesky factorisation, or returns `nil` when `A` is not positive definite
    /// or its condition number looks larger than `maxCondition` (estimated from the factor's
    /// diagonal, a lower bound of the true condition number).
    static func choleskySolve(_ matrix: [Double], size n: Int, rhs: [Double], maxCondition: Double) -> [Double]? {
        var l = matrix
        var x = rhs
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            var minPivot = Double.infinity
            var maxPivot = 0.0
            for j in 0..<n {
                var diagonal = l[j * n + j]
                for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
                guard diagonal > 0, diagonal.isFinite else { return false }
                let pivot = diagonal.squareRoot()
                l[j * n + j] = pivot
                minPivot = min(minPivot, pivot)
                maxPivot = max(maxPivot, pivot)
                for i in (j + 1)..<max(j + 1, n) {
                    var value = l[i * n + j]
                    for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                    l[i * n + j] = value / pivot
                }
            }
            // cond(A) ≥ (max Lᵢᵢ / min Lᵢᵢ)².
            let ratio = maxPivot / minPivot
            return n == 0 || ratio * ratio <= maxCondition
        }
        guard ok else { return nil }
        l.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {  // L z = b
                    var value = x[i]
                    for k in 0..<i { value -= l[i * n + k] * x[k] }
                    x[i] = value / l[i * n + i]
                }
                for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ x = z
                    var value = x[i]
                    for k in (i + 1)..<max(i + 1, n) { value -= l[k * n + i] * x[k] }
                    x[i] = value / l[i * n + i]
                }
            }
        }
        return x
    }

    /// The minimum-norm least-squares solution of `A x ≈ b` (A is m × p, row-major), as numpy's
    /// `lstsq`: singular values below `rcond × σ_max` count as zero (numpy's default `rcond` is
    /// `ε × max(m, p)`, used when `rcond` is `nil`).
    ///
    /// When m > p, a Householder QR first reduces the problem to the p × p triangle `R` and
    /// `c = Qᵀb`; the SVD of that (or of `A` itself when m ≤ p) comes from one-sided Jacobi
    /// rotations, which give small singular values to high relative accuracy.
    ///
    /// - Returns: The solution and the numerical rank.
    static func leastSquares(
        _ matrix: [Double], rows m: Int, columns p: Int, rhs: [Double], rcond: Double? = nil
    ) -> (solution: [Double], rank: Int) {
        let cutoff = rcond ?? (Double.ulpOfOne * Double(max(m, p)))
        // Column-major copy: the work below touches whole columns.
        var a = [Double](repeating: 0, count: m * p)
        for i in 0..<m { for j in 0..<p { a[j * m + i] = matrix[i * p + j] } }
        var b = rhs
        var rows = m
        if m > p {
            householderReduce(&a, rows: m, columns: p, rhs: &b)
            var r = [Double](repeating: 0, count: p * p)
            for j in 0..<p { for i in 0...j { r[j * p + i] = a[j * m + i] } }
            a = r
            b = Array(b[0..<p])
            rows = p
        }
        return jacobiMinimumNorm(&a, rows: rows, columns: p, rhs: b, cutoff: cutoff)
    }

    /// Householder QR of the column-major m × p matrix `a` (m > p) in place: its upper triangle
    /// becomes `R` and `rhs` becomes `Qᵀ rhs`.
    private static func householderReduce(_ a: inout [Double], rows m: Int, columns p: Int, rhs: inout [Double]) {
        var v = [Double](repeating: 0, count: m)
        a.withUnsafeMutableBufferPointer { a in
            rhs.withUnsafeMutableBufferPointer { b in
                v.withUnsafeMutableBufferPointer { v in
                    for k in 0..<p {
                        let column = k * m
                        var scale = 0.0
                        for i in k..<m { scale = max(scale, abs(a[column + i])) }
                        guard scale > 0 else { continue }
                        var norm2 = 0.0
                        for i in k..<m {
                            let value = a[column + i] / scale
                            norm2 += value * value
                        }
                        let norm = scale * norm2.squareRoot()
                        let alpha = a[column + k] > 0 ? -norm : norm
                        // v = x − αe₁, H = I − 2vvᵀ/(vᵀv).
                        for i in k..<m { v[i] = a[column + i] }
                        v[k] -= alpha
                        var vv = 0.0
                        for i in k..<m { vv += v[i] * v[i] }
                        guard vv > 0 else { continue }
                        let factor = 2 / vv
                        a[column + k] = alpha
                        for i in (k + 1)..<m { a[column + i] = 0 }
                        for j in (k + 1)..<max(k + 1, p) {
                            let other = j * m
                            var dot = 0.0
                            for i in k..<m { dot += v[i] * a[other + i] }
                            let t = dot * factor
                            for i in k..<m { a[other + i] -= t * v[i] }
                        }
                        var dot = 0.0
                        for i in k..<m { dot += v[i] * b[i] }
                        let t = dot * factor
                        for i in k..<m { b[i] -= t * v[i] }
                    }
                }
            }
        }
    }

    /// One-sided Jacobi SVD of the column-major m × p matrix `a` (destroyed), then the
    /// minimum-norm solution `V Σ⁺ Uᵀ rhs` with singular values at most `cutoff × σ_max` dropped.
    private static func jacobiMinimumNorm(
        _ a: inout [Double], rows m: Int, columns p: Int, rhs: [Double], cutoff: Double
    ) -> (solution: [Double], rank: Int) {
        var v = [Double](repeating: 0, count: p * p)
        for j in 0..<p { v[j * p + j] = 1 }
        let tolerance = Double.ulpOfOne * Double(max(m, 1))
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { v in
                for _ in 0..<80 {
                    var rotated = false
                    for j in 0..<p {
                        for k in (j + 1)..<max(j + 1, p) {
                            var alpha = 0.0
                            var beta = 0.0
                            var gamma = 0.0
                            for i in 0..<m {
                                let x = a[j * m + i]
                                let y = a[k * m + i]
                                alpha += x * x
                                beta += y * y
                                gamma += x * y
                            }
                            guard gamma != 0, abs(gamma) > tolerance * (alpha * beta).squareRoot() else { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let c = 1 / (1 + t * t).squareRoot()
                            let s = c * t
                            for i in 0..<m {
                                let x = a[j * m + i]
                                let y = a[k * m + i]
                                a[j * m + i] = c * x - s * y
                                a[k * m + i] = s * x + c * y
                            }
                            for i in 0..<p {
                                let x = v[j * p + i]
                                let y = v[k * p + i]
                                v[j * p + i] = c * x - s * y
                                v[k * p + i] = s * x + c * y
                            }
                        }
                    }
                    if !rotated { break }
                }
            }
        }
        // Column j of a is now σⱼuⱼ; column j of v is vⱼ.
        var sigma = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var sum = 0.0
            for i in 0..<m { sum += a[j * m + i] * a[j * m + i] }
            sigma[j] = sum.squareRoot()
        }
        let largest = sigma.max() ?? 0
        var x = [Double](repeating: 0, count: p)
        var rank = 0
        for j in 0..<p where sigma[j] > cutoff * largest && sigma[j] > 0 {
            rank += 1
            var dot = 0.0
            for i in 0..<m { dot += a[j * m + i] * rhs[i] }
            // uⱼᵀb / σⱼ = (σⱼuⱼ)ᵀb / σⱼ².
            let coefficient = dot / (sigma[j] * sigma[j])
            for i in 0..<p { x[i] += coefficient * v[j * p + i] }
        }
        return (x, rank)
    }
}
