public import InferenceCore

extension ModelRegistry {
    /// Why `challenger` cannot replace `champion` behind the same callers, one sentence per
    /// problem; empty when it can. The rule of ``PromotionGate/signatureCompatible``.
    ///
    /// The challenger must take exactly the champion's inputs — same names, same element types —
    /// with shapes that accept every shape the champion accepts (equal dimensions; a challenger
    /// dimension `batch` or `unknown` also accepts a champion's fixed size); it must return at
    /// least the champion's outputs with the same element types and shapes (a champion dimension
    /// `unknown` accepts any); and when both name their feature columns, the names must be equal,
    /// in order.
    public static func signatureProblems(champion: ModelSignature, challenger: ModelSignature) -> [String] {
        var problems: [String] = []
        for old in champion.inputs {
            guard let new = challenger.inputs.first(where: { $0.name == old.name }) else {
                problems.append("the challenger lacks input '\(old.name)'")
                continue
            }
            if new.elementType != old.elementType {
                problems.append(
                    "input '\(old.name)' is \(new.elementType) in the challenger, \(old.elementType) in the champion")
            } else if !inputShape(new.shape, accepts: old.shape) {
                problems.append(
                    "input '\(old.name)' has shape \(text(new.shape)) in the challenger, which does not accept the "
                        + "champion's \(text(old.shape))")
            }
        }
        for new in challenger.inputs where !champion.inputs.contains(where: { $0.name == new.name }) {
            problems.append("the challenger needs input '\(new.name)', which the champion does not take")
        }
        for old in champion.outputs {
            guard let new = challenger.outputs.first(where: { $0.name == old.name }) else {
                problems.append("the challenger lacks output '\(old.name)'")
                continue
            }
            if new.elementType != old.elementType {
                problems.append(
                    "output '\(old.name)' is \(new.elementType) in the challenger, \(old.elementType) in the champion")
            } else if !outputShape(new.shape, fits: old.shape) {
                problems.append(
                    "output '\(old.name)' has shape \(text(new.shape)) in the challenger, "
                        + "\(text(old.shape)) in the champion")
            }
        }
        if !champion.featureNames.isEmpty, !challenger.featureNames.isEmpty,
            champion.featureNames != challenger.featureNames
        {
            problems.append(
                "the feature names differ (champion: \(champion.featureNames.joined(separator: ",")); challenger: "
                    + "\(challenger.featureNames.joined(separator: ",")))")
        }
        return problems
    }

    private static func text(_ shape: [Dimension]?) -> String {
        shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "[?]"
    }

    /// Whether an input declared `new` accepts everything an input declared `old` accepts.
    private static func inputShape(_ new: [Dimension]?, accepts old: [Dimension]?) -> Bool {
        guard let new else { return true }
        guard let old, old.count == new.count else { return false }
        return zip(old, new).allSatisfy { old, new in
            switch (old, new) {
            case (_, .unknown): true
            case (.fixed, .batch): true
            default: old == new
            }
        }
    }

    /// Whether an output declared `new` fits where callers expect an output declared `old`.
    private static func outputShape(_ new: [Dimension]?, fits old: [Dimension]?) -> Bool {
        guard let new, let old else { return true }
        guard old.count == new.count else { return false }
        return zip(old, new).allSatisfy { old, new in old == .unknown || old == new }
    }
}
