/// What a caller expects an alias to point at before it moves it: the compare-and-swap
/// condition of ``ModelRegistry/setAlias(_:_:version:expecting:actor:reason:)`` and friends.
///
/// Of two writers that read the alias at the same target and move it expecting that target,
/// exactly one succeeds; the other gets `MLOpsError` `conflict` naming the target it found, and
/// its move is not made (nor recorded).
public enum AliasExpectation: Sendable, Hashable {
    /// Move it whatever it points at (no compare-and-swap; concurrent moves all apply, in some
    /// order, each recorded).
    case anything
    /// The alias must not exist yet.
    case unset
    /// The alias must point at this version.
    case version(Int)

    /// Whether `current` (the alias's target, `nil` if unset) meets the expectation.
    func holds(for current: Int?) -> Bool {
        switch self {
        case .anything: true
        case .unset: current == nil
        case .version(let expected): current == expected
        }
    }

    /// The expectation in words: "version 3", "unset", "anything".
    var text: String {
        switch self {
        case .anything: "anything"
        case .unset: "nothing (unset)"
        case .version(let version): "version \(version)"
        }
    }
}
