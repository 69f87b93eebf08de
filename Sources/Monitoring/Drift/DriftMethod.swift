/// A statistical test or distance that decides whether one column drifted between a reference and a
/// current sample, computed as Evidently (legacy `calculations/stattests`) and SciPy compute it.
///
/// The raw values are Evidently's stattest names, so they can be used on a command line or in JSON.
/// p-value tests (``ks``, ``chiSquare``, ``zTest``) flag drift when the p-value is below the threshold
/// (``ks``: at or below, as Evidently); distances (``psi``, ``wasserstein``, ``jensenShannon``) when the
/// distance is at or above it.
public enum DriftMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov test: statistic D and p-value as `scipy.stats.ks_2samp`
    /// (exact distribution when both samples have at most 10,000 values, asymptotic otherwise).
    /// Numerical columns only. Default threshold 0.05, drift when p ≤ threshold.
    case ks
    /// Population stability index over Evidently's bins (Sturges bins over both samples for numerical
    /// columns with more than 20 distinct reference values, one bin per value otherwise), empty bins
    /// replaced as Evidently does. Default threshold 0.1.
    case psi
    /// Wasserstein-1 distance (`scipy.stats.wasserstein_distance`) divided by
    /// max(population standard deviation of the reference, 0.001). Numerical columns only.
    /// Default threshold 0.1.
    case wasserstein
    /// Jensen–Shannon distance (`scipy.spatial.distance.jensenshannon`, natural logarithm) over the
    /// same bins as ``psi``, without empty-bin replacement. Default threshold 0.1.
    case jensenShannon = "jensenshannon"
    /// Pearson chi-square test of the current counts against the reference proportions
    /// (`scipy.stats.chisquare`, one degree of freedom fewer than the number of categories).
    /// Default threshold 0.05, drift when p < threshold.
    case chiSquare = "chisquare"
    /// Two-proportion Z-test of the share of values that differ from the smallest category.
    /// Default threshold 0.05, drift when p < threshold.
    case zTest = "z"

    /// Evidently's default threshold for this method.
    public var defaultThreshold: Double {
        switch self {
        case .ks, .chiSquare, .zTest: 0.05
        case .psi, .wasserstein, .jensenShannon: 0.1
        }
    }

    /// Whether the method yields a p-value (the decision compares it with the threshold) rather than a
    /// distance.
    public var hasPValue: Bool {
        switch self {
        case .ks, .chiSquare, .zTest: true
        case .psi, .wasserstein, .jensenShannon: false
        }
    }

    /// Whether the method can be applied to a categorical column (``ks`` and ``wasserstein`` need
    /// ordered numbers).
    public var supportsCategorical: Bool {
        switch self {
        case .ks, .wasserstein: false
        case .psi, .jensenShannon, .chiSquare, .zTest: true
        }
    }

    /// Evidently's decision for `score` (the p-value or the distance) against `threshold`.
    ///
    /// A NaN score never drifts.
    public func isDrift(score: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: score <= threshold
        case .chiSquare, .zTest: score < threshold
        case .psi, .wasserstein, .jensenShannon: score >= threshold
        }
    }
}
