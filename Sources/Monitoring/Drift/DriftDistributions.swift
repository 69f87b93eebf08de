import MLOpsCore

/// The distribution functions the drift tests need, written as SciPy's `special` computes them so p-values
/// agree within the tests' 1e-9 relative tolerance: the normal CDF (`ndtr`) and the chi-square survival function
/// (`chi2.sf(x, k) = gammaincc(k/2, x/2)`, Cephes `igamc`).
package enum DriftDistributions {
    /// `scipy.special.ndtr(x)`: the standard normal CDF.
    package static func normalCDF(_ x: Double) -> Double {
        let t = x * 0.5.squareRoot()
        if abs(t) < 0.5.squareRoot() { return 0.5 + 0.5 * Platform.erf(t) }
        let y = 0.5 * Platform.erfc(abs(t))
        return t > 0 ? 1 - y : y
    }

    /// The chi-square survival function with `degrees` degrees of freedom at `x`.
    package static func chiSquareSurvival(_ x: Double, degrees: Int) -> Double {
        guard degrees > 0 else { return .nan }
        if x.isNaN { return .nan }
        if x <= 0 { return 1 }
        return upperRegularizedGamma(Double(degrees) / 2, x / 2)
    }

    static let machineEpsilon = 1.11022302462515654042e-16
    static let maximumLog = 7.09782712893383996843e2
    static let big = 4.503599627370496e15
    static let bigInverse = 2.22044604925031308085e-16

    /// Cephes `igamc(a, x)`: the regularized upper incomplete gamma function Q(a, x).
    package static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        if x < 0 || a <= 0 { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < 1 || x < a { return 1 - lowerRegularizedGamma(a, x) }
        var ax = a * Platform.log(x) - x - Platform.lgamma(a)
        if ax < -maximumLog { return 0 }
        ax = Platform.exp(ax)
        var y = 1 - a
        var z = x + y + 1
        var c = 0.0
        var pkm2 = 1.0
        var qkm2 = x
        var pkm1 = x + 1
        var qkm1 = z * x
        var answer = pkm1 / qkm1
        var t = 1.0
        var iterations = 0
        repeat {
            c += 1
            y += 1
            z += 2
            let yc = y * c
            let pk = pkm1 * z - pkm2 * yc
            let qk = qkm1 * z - qkm2 * yc
            if qk != 0 {
                let r = pk / qk
                t = abs((answer - r) / r)
                answer = r
            } else {
                t = 1
            }
            pkm2 = pkm1
            pkm1 = pk
            qkm2 = qkm1
            qkm1 = qk
            if abs(pk) > big {
                pkm2 *= bigInverse
                pkm1 *= bigInverse
                qkm2 *= bigInverse
                qkm1 *= bigInverse
            }
            iterations += 1
        } while t > machineEpsilon && iterations < 10_000
        return answer * ax
    }

    /// Cephes `igam(a, x)`: the regularized lower incomplete gamma function P(a, x), by its power series.
    package static func lowerRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 || a <= 0 { return 0 }
        if x > 1 && x > a { return 1 - upperRegularizedGamma(a, x) }
        var ax = a * Platform.log(x) - x - Platform.lgamma(a)
        if ax < -maximumLog { return 0 }
        ax = Platform.exp(ax)
        var r = a
        var c = 1.0
        var answer = 1.0
        var iterations = 0
        repeat {
            r += 1
            c *= x / r
            answer += c
            iterations += 1
        } while c / answer > machineEpsilon && iterations < 100_000
        return answer * ax / a
    }
}
