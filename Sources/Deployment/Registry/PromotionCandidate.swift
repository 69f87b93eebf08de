/// What a promotion gate judges: the challenger, the current champion (if any), and the registry
/// they live in — so a host check can load both models (``ModelRegistry/model(_:version:)``)
/// and compare them on its own data.
public struct PromotionCandidate: Sendable {
    /// The registered model.
    public var model: RegisteredModel
    /// The version the promotion would make the target alias point at.
    public var challenger: ModelVersion
    /// The version the target alias points at now, or `nil` if it is unset.
    public var champion: ModelVersion?
    /// The registry.
    public var registry: ModelRegistry
}
