import MLOpsCore

/// The p-value of the two-sample, two-sided Kolmogorov–Smirnov test, computed as SciPy's
/// `scipy.stats.ks_2samp(method="auto")` does (SciPy 1.17: `_ks_2samp_prob`, `_attempt_exact_2kssamp`,
/// `_compute_prob_outside_square`, `_compute_outer_prob_inside_method`, and for the asymptotic path
/// `kstwo.sf` = `scipy.stats._ksstats._kolmogn` with the Durbin matrix, Pomeranz, Pelz–Good and Smirnov
/// branches).
///
/// The exact distribution is used when both samples have at most 10,000 values; otherwise, or when the
/// exact computation fails numerically, the one-sample distribution of D_n with n = round(n1·n2/(n1+n2)).
package enum KolmogorovSmirnovDistribution {
    /// SciPy's `MAX_AUTO_N`: the exact path is tried when `max(n1, n2)` is at most this.
    package static let maximumExactSize = 10_000

    /// The two-sided p-value of `ks_2samp` for samples of sizes `n1`, `n2` and the statistic
    /// `differenceNumerator / (n1 · n2)` (the integer numerator |i·n2 − j·n1| keeps the exact path exact).
    package static func pValue(n1: Int, n2: Int, differenceNumerator: Int, statistic: Double) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        if max(n1, n2) <= maximumExactSize {
            let g = gcd(n1, n2)
            // d · lcm = numerator / g exactly.
            let h = differenceNumerator / g
            if h == 0 { return 1 }
            let probability: Double
            if n1 == n2 {
                probability = probabilityOutsideSquare(n: n1, h: h)
            } else {
                probability = outerProbabilityInside(n1, n2, g: g, h: h)
            }
            if probability.isFinite, probability >= 0, probability <= 1 { return probability }
        }
        return asymptoticPValue(n1: n1, n2: n2, statistic: statistic)
    }

    /// SciPy's asymptotic path alone: the one-sample survival of D_n at `statistic` with
    /// n = round(n1·n2/(n1+n2)), clamped to 0...1 (what ``pValue(n1:n2:differenceNumerator:statistic:)``
    /// falls back to; used on its own when only sketches of the samples are known).
    package static func asymptoticPValue(n1: Int, n2: Int, statistic: Double) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        let (m, n) = (Double(max(n1, n2)), Double(min(n1, n2)))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        let size = en < Double(Int.max / 2) ? Int(en) : Int.max / 2
        return min(max(kolmogorovSurvival(n: max(size, 1), x: statistic), 0), 1)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// `_compute_prob_outside_square`: Pr(D_{n,n} ≥ h/n).
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var probability = 0.0
        var k = Int((Double(n) / Double(h)).rounded(.down))
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            probability = p1 * (1.0 - probability)
            k -= 1
        }
        return 2 * probability
    }

    /// `_compute_outer_prob_inside_method` (Hodges' inside method with Viehmann's recursion for 1 − p).
    static func outerProbabilityInside(_ first: Int, _ second: Int, g: Int, h: Int) -> Double {
        let m = max(first, second)
        let n = min(first, second)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var column = [Double](repeating: 1, count: lenA)
        return column.withUnsafeMutableBufferPointer { a -> Double in
            for index in minj..<maxj { a[index] = 0 }
            for i in 1...m {
                let lastminj = minj
                let lastlen = curlen
                minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
                minj = min(minj, n)
                maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
                if maxj <= minj { return 1.0 }
                var value = minj == 0 ? 0.0 : 1.0
                for jj in 0..<(maxj - minj) {
                    let j = jj + minj
                    value = (a[jj + minj - lastminj] * Double(i) + value * Double(j)) / Double(i + j)
                    a[jj] = value
                }
                curlen = maxj - minj
                if lastlen > curlen {
                    for index in (maxj - minj)..<(maxj - minj + lastlen - curlen) { a[index] = 1 }
                }
            }
            return a[maxj - minj - 1]
        }
    }

    // MARK: - kstwo.sf (scipy.stats._ksstats._kolmogn with cdf=False)

    static let e128 = 128
    static let ep128 = 0x1p128
    static let em128 = 0x1p-128
    static let minimumLog = -708.0

    /// Pr(D_n > x) for the one-sample two-sided statistic D_n.
    package static func kolmogorovSurvival(n: Int, x: Double) -> Double {
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let probability: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1.0 / nd) * (2 * t - 1) }
                probability = product
            } else {
                probability = Platform.exp(logFactorialOverPower(nd) + nd * Platform.log(2 * t - 1))
            }
            return clip(1.0 - probability)
        }
        if t >= nd - 1 {
            return clip(2 * Platform.pow(1.0 - x, nd))
        }
        if x >= 0.5 {
            return clip(2 * smirnovSurvival(n: n, x: x))
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                return clip(1.0 - durbinMatrix(n: n, d: x))
            }
            if nxSquared <= 4 {
                return clip(1.0 - pomeranz(n: n, x: x))
            }
            return clip(2 * smirnovSurvival(n: n, x: x))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnovSurvival(n: n, x: x)) }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && nd * Platform.pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrix(n: n, d: x)
        } else {
            cdf = pelzGood(n: nd, x: x)
        }
        return clip(1.0 - cdf)
    }

    @inline(__always) static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    static func logFactorialOverPower(_ n: Double) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let rn = 1.0 / n
        let z = rn / n
        var poly = 0.0
        for c in coefficients { poly = poly * z + c }
        return Platform.log(n) / 2 - n + Platform.log(2 * Double.pi) / 2 + rn * poly
    }

    /// `_kolmogn_DMTW`: Pr(D_n ≤ d) by the Durbin matrix (Marsaglia–Tsang–Wang).
    static func durbinMatrix(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            v[j - 1] = 1.0 - Platform.pow(h, Double(j))
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] *= factorial
        }
        let tt = Platform.pow(max(2 * h - 1.0, 0), Double(m)) - 2 * Platform.pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * factorial
        var matrix = [Double](repeating: 0, count: m * m)
        for i in 1..<max(m, 1) {
            for row in (i - 1)..<m { matrix[row * m + i] = w[row - (i - 1)] }
        }
        for row in 0..<m { matrix[row * m] = v[row] }
        for column in 0..<m { matrix[(m - 1) * m + column] = v[m - 1 - column] }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var scratch = [Double](repeating: 0, count: m * m)
        var remaining = n
        var exponent = 0
        var matrixExponent = 0
        while remaining > 0 {
            if remaining % 2 == 1 {
                multiply(power, matrix, into: &scratch, size: m)
                swap(&power, &scratch)
                exponent += matrixExponent
            }
            multiply(matrix, matrix, into: &scratch, size: m)
            swap(&matrix, &scratch)
            matrixExponent *= 2
            if abs(matrix[(k - 1) * m + (k - 1)]) > ep128 {
                for index in matrix.indices { matrix[index] /= ep128 }
                matrixExponent += e128
            }
            remaining /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 {
                p *= ep128
                exponent -= e128
            }
        }
        if exponent != 0 { p = scaled(p, exponent) }
        return clip(p)
    }

    static func scaled(_ value: Double, _ exponent: Int) -> Double {
        var result = value
        var remaining = exponent
        while remaining > 1000 {
            result *= 0x1p1000
            remaining -= 1000
        }
        while remaining < -1000 {
            result *= 0x1p-1000
            remaining += 1000
        }
        return result * Double(sign: .plus, exponent: remaining, significand: 1)
    }

    static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], size m: Int) {
        for index in c.indices { c[index] = 0 }
        for i in 0..<m {
            for l in 0..<m {
                let factor = a[i * m + l]
                if factor == 0 { continue }
                for j in 0..<m { c[i * m + j] += factor * b[l * m + j] }
            }
        }
    }

    static func pomeranzBounds(_ i: Int, n: Int, ll: Int, ceilf: Int, roundf: Int) -> (Int, Int) {
        var j1: Int
        var j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let half = (i + 1) / 2
            if (i + 1) % 2 == 0 {
                if half == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = half - 1 - ll - roundf - 1
                    j2 = half + ll - 1 + ceilf - 1
                }
            } else {
                j1 = half - 1 - ll - 1
                j2 = half + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// `_kolmogn_Pomeranz`: Pr(D_n ≤ x) by Pomeranz's recursion.
    static func pomeranz(n: Int, x: Double) -> Double {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1.0 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let powers = 2 * (ll + 1)
        var gpower = [Double](repeating: 0, count: powers)
        var twogpower = [Double](repeating: 0, count: powers)
        var onem2gpower = [Double](repeating: 0, count: powers)
        gpower[0] = 1
        twogpower[0] = 1
        onem2gpower[0] = 1
        var exponent = 0
        let gOverN = g / nd
        let twoGOverN = 2 * g / nd
        let oneMinusTwoGOverN = (1 - 2 * g) / nd
        for m in 1..<powers {
            gpower[m] = gpower[m - 1] * gOverN / Double(m)
            twogpower[m] = twogpower[m - 1] * twoGOverN / Double(m)
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / Double(m)
        }
        var v0 = [Double](repeating: 0, count: powers)
        var v1 = [Double](repeating: 0, count: powers)
        v1[0] = 1
        var v0s = 0
        var v1s = 0
        var (j1, j2) = pomeranzBounds(0, n: n, ll: ll, ceilf: ceilf, roundf: roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for index in v1.indices { v1[index] = 0 }
            (j1, j2) = pomeranzBounds(i, n: n, ll: ll, ceilf: ceilf, roundf: roundf)
            let weights: [Double]
            if i == 1 || i == 2 * n + 1 {
                weights = gpower
            } else {
                weights = i % 2 == 1 ? twogpower : onem2gpower
            }
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                let start = j1 - k1
                let length = j2 - j1 + 1
                // Full convolution of v0[k1 - v0s ..< k1 - v0s + ln2] with weights[..<ln2], entries start...
                var largest = 0.0
                for out in 0..<max(length, 0) {
                    let position = start + out
                    var sum = 0.0
                    let lower = max(0, position - (ln2 - 1))
                    let upper = min(position, ln2 - 1)
                    if lower <= upper {
                        for a in lower...upper {
                            let sourceIndex = k1 - v0s + a
                            let value = sourceIndex < v0.count ? v0[sourceIndex] : 0
                            sum += value * weights[position - a]
                        }
                    }
                    v1[out] = sum
                    largest = max(largest, sum)
                }
                if largest > 0 && largest < em128 {
                    for index in v1.indices { v1[index] *= ep128 }
                    exponent -= e128
                }
                v1s = v0s + j1 - k1
            }
        }
        var answer = v1[n - v1s]
        for m in 1...n {
            if abs(answer) > ep128 {
                answer *= em128
                exponent += e128
            }
            answer *= Double(m)
        }
        if exponent != 0 { answer = scaled(answer, exponent) }
        return clip(answer)
    }

    /// `_kolmogn_PelzGood`: the Pelz–Good approximation of Pr(D_n ≤ x).
    static func pelzGood(n: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = n.squareRoot() * x
        let z2 = z * z
        let z3 = z2 * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < minimumLog { return 0 }
        var q = Platform.exp(qlog)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * Platform.pow(z, 8)
        var terms = (0.0, 0.0, 0.0, 0.0)
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m
                let m4 = m2 * m2
                let m6 = m4 * m2
                let qpower = Platform.pow(q, Double(8 * k))
                terms.0 = terms.0 * qpower + 1.0
                terms.1 = terms.1 * qpower + (k1a + k1b * m2)
                terms.2 = terms.2 * qpower + (k2a + k2b * m2 + k2c * m4)
                terms.3 = terms.3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
            }
        }
        terms.0 = terms.0 * q * sqrt2pi / z
        terms.1 = terms.1 * q * sqrt2pi / (6 * z4)
        terms.2 = terms.2 * q * sqrt2pi / (72 * Platform.pow(z, 7))
        terms.3 = terms.3 * q * sqrt2pi / (6480 * Platform.pow(z, 10))
        q = Platform.exp(-pi2 / 2 / z2)
        var k2extra = 0.0
        var k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let ks = Double(k)
                let ksquared = ks * ks
                let qpower = Platform.pow(q, ksquared)
                k2extra += ksquared * qpower
                let kspi = Double.pi * ks
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpower
            }
        }
        k2extra *= pi2 * sqrt2pi / (-36 * z3)
        k3extra *= pi2 * sqrt2pi / (216 * z6)
        terms.2 += k2extra
        terms.3 += k3extra
        terms.1 /= n.squareRoot()
        terms.2 /= n
        terms.3 /= Platform.pow(n, 1.5)
        return terms.0 + terms.1 + terms.2 + terms.3
    }

    /// SciPy's `smirnov(n, x)`: Pr(D_n⁺ ≥ x), by the Birnbaum–Tingey lower sum with SciPy's early stop.
    static func smirnovSurvival(n: Int, x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        // floor(n·x) and its remainder, with the rounding error of n·x folded in.
        let product = nd * x
        let productError = (-product).addingProduct(nd, x)
        var nxFloor = product.rounded(.down)
        var alpha = (product - nxFloor) + productError
        if alpha < 0 {
            nxFloor -= 1
            alpha += 1
        }
        if alpha >= 1 {
            nxFloor += 1
            alpha = 0
        }
        let nxfl = Int(nxFloor)
        var n1mxfl = n - nxfl - (alpha == 0 ? 0 : 1)
        if alpha == 0 { n1mxfl -= 1 }
        if nxfl == 0 || (nxfl == 1 && alpha == 0) {
            let cdf = x * Platform.pow(1 + x, nd - 1)
            return 1 - cdf
        }
        if -2 * nd * x * x < -708.3964185322641 { return 0 }
        if nxfl >= n - 1 { return Platform.pow(1 - x, nd) }
        if n > 1_000_000 {
            let logp = -Platform.pow(6.0 * nd * x + 1, 2) / 18.0 / nd
            if logp < -0.693147180559945309417232121458176568 { return Platform.exp(logp) }
            return 1 + Platform.expm1(logp)  // sf = 1 − cdf with cdf = −expm1(logp)
        }
        // Lower sum: sf = x · Σ_{v=0}^{n1mxfl} C(n,v) (1−x−v/n)^(n−v) (x+v/n)^(v−1).
        let terms = n1mxfl + 1
        let vmid = n / 2
        var sum = Platform.pow(1 - x, nd) / x
        var logBinomial = 0.0
        if terms > 1 {
            for v in 1..<terms {
                logBinomial += Platform.log(Double(n - v + 1) / Double(v))
                let lower = Double(n - v) / nd - x
                let upper = Double(v) / nd + x
                var term = 0.0
                if lower > 0 {
                    term = Platform.exp(
                        logBinomial + Double(n - v) * Platform.log(lower) + Double(v - 1) * Platform.log(upper))
                }
                if term.isFinite && term != 0 { sum += term }
                if term != 0 {
                    if 4 * Double(terms - v) * abs(term) < Double.ulpOfOne * sum && v != terms - 1 { break }
                } else if v > vmid {
                    break
                }
            }
        }
        return clip(x * sum)
    }
}
