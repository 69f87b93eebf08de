import MLOpsCore

/// Deterministic weighted routing of requests to model variants — the core
/// of canary and A/B rollouts.
///
/// A request's routing key (a user or request id) is hashed with SHA-256 to
/// a point in [0, 1); the variant whose cumulative weight range holds that
/// point serves it. The same key always reaches the same variant while the
/// weights stay the same. Variants take consecutive ranges in name order, so
/// with two variants, raising one's weight only moves keys *to* it.
///
/// ```swift
/// let split = try TrafficSplit(["stable": 0.9, "canary": 0.1])
/// let variant = split.route("user-42")
/// ```
public struct TrafficSplit: Sendable, Hashable {
    /// The variants and their shares, in routing order (sorted by name), summing to 1.
    public let variants: [(name: String, share: Double)]

    /// Creates a split from weights (any positive scale; normalised to sum to 1).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when there are no variants,
    ///   a name is empty, a weight is negative or not finite, or all weights are zero.
    public init(_ weights: [String: Double]) throws {
        guard !weights.isEmpty else { throw MLOpsError(.invalidArgument, "a traffic split needs at least one variant") }
        for (name, weight) in weights {
            if name.isEmpty { throw MLOpsError(.invalidArgument, "variant names must not be empty") }
            if !(weight.isFinite && weight >= 0) {
                throw MLOpsError(
                    .invalidArgument, "weights must be finite and not negative", value: "\(name)=\(weight)")
            }
        }
        let total = weights.values.reduce(0, +)
        guard total > 0 else { throw MLOpsError(.invalidArgument, "at least one weight must be positive") }
        variants = weights.keys.sorted().map { ($0, weights[$0]! / total) }
    }

    /// The variant that serves `routingKey`.
    public func route(_ routingKey: String) -> String {
        let point = Self.unitPoint(routingKey)
        var cumulative = 0.0
        for variant in variants where variant.share > 0 {
            cumulative += variant.share
            if point < cumulative { return variant.name }
        }
        return variants.last(where: { $0.share > 0 })!.name  // Rounding left the point past the last bound.
    }

    /// Maps a key to [0, 1) from the first 53 bits of its SHA-256.
    static func unitPoint(_ key: String) -> Double {
        let bytes = SHA256.hash(Array(key.utf8)).bytes
        var value: UInt64 = 0
        for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(1 << 53)
    }

    public static func == (lhs: TrafficSplit, rhs: TrafficSplit) -> Bool {
        lhs.variants.map(\.name) == rhs.variants.map(\.name) && lhs.variants.map(\.share) == rhs.variants.map(\.share)
    }

    public func hash(into hasher: inout Hasher) {
        for variant in variants {
            hasher.combine(variant.name)
            hasher.combine(variant.share)
        }
    }
}
