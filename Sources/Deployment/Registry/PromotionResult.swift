/// What a promotion that passed did.
public struct PromotionResult: Sendable, Hashable {
    /// The model.
    public var model: String
    /// The alias the challenger was taken from.
    public var sourceAlias: String
    /// The alias that moved.
    public var targetAlias: String
    /// The version it points at now.
    public var version: Int
    /// The version it pointed at before, or `nil` if it was unset.
    public var previousVersion: Int?
    /// Every gate's result, in the policy's order (all passed).
    public var gates: [GateResult]
    /// The audit event that records the promotion.
    public var event: RegistryEvent
}
