/// The gates a promotion must pass before an alias moves: the argument of
/// ``ModelRegistry/promote(_:from:to:policy:actor:reason:)``.
///
/// Every gate is evaluated — also after one has failed — so the audit log holds the full
/// verdict; the alias moves only if all pass. A policy with no gates lets every promotion
/// through (still recorded).
public struct PromotionPolicy: Sendable {
    /// The gates, evaluated in order.
    public var gates: [PromotionGate]

    /// A policy of `gates`.
    public init(_ gates: [PromotionGate]) {
        self.gates = gates
    }

    /// The usual policy: a compatible signature, and (if `metric` is given) a metric that beats
    /// the champion's by `margin` on `evaluationSet`.
    public static func standard(
        metric: String? = nil, on evaluationSet: String? = nil, _ direction: PromotionGate.Direction = .higherIsBetter,
        margin: Double = 0
    ) -> PromotionPolicy {
        var gates = [PromotionGate.signatureCompatible]
        if let metric { gates.append(.metric(metric, on: evaluationSet, direction, margin: margin)) }
        return PromotionPolicy(gates)
    }
}
