/// The tags a run shows beyond the ones stored with it: the same for search
/// (filters and `order_by`) and for the MLflow export, so that both show one
/// view of a run.
///
/// The derived tags are `mlops.run_id` (the run's ID, always, replacing a
/// stored tag of that name) and the environment's tags
/// (`MLflowExporter.environmentTags(_:existing:)`: `mlflow.source.git.commit`,
/// `mlflow.source.git.branch`, `mlflow.source.git.dirty`, `mlflow.source.name`
/// and `mlops.env.*`, where a stored tag wins). The export then rewrites
/// `mlflow.parentRunId` to the parent's MLflow ID; that is a change of ID, not
/// a derived tag, and search keeps the swift-mlops ID.
enum DerivedRunTags {
    /// `stored` with the derived tags added.
    static func tags(stored: [String: String], runID: String, environment: RunEnvironment?) -> [String: String] {
        var tags = stored
        tags[MLflowExporter.runIDTag] = runID
        if let environment { tags = MLflowExporter.environmentTags(environment, existing: tags) }
        return tags
    }

    /// Whether ``tags(stored:runID:environment:)`` can add or change the tag
    /// `key`; a search derives the tags only when its filter or order names such a key.
    ///
    /// The derivation also reads only such keys of the stored tags, so the
    /// derivable tags of a run depend only on its stored derivable tags, its
    /// ID and its environment (`DerivedRunTagsTests` checks both). Every such
    /// key starts with `mlops.` or `mlflow.source.`.
    static func mayDerive(_ key: String) -> Bool {
        switch key {
        case MLflowExporter.runIDTag, TrackingTags.gitCommit, TrackingTags.gitBranch, MLflowExporter.gitDirtyTag,
            TrackingTags.sourceName:
            return true
        default:
            return key.hasPrefix(environmentPrefix)
        }
    }

    /// The prefix of the environment tags without an MLflow name.
    static let environmentPrefix = "mlops.env."

    /// Whether `filter` or `order` names a tag ``mayDerive(_:)`` covers, found without recursion.
    static func needed(by filter: RunFilter, order: RunOrder) -> Bool {
        if order.clauses.contains(where: { $0.entity == .tag && mayDerive($0.key) }) { return true }
        guard let expression = filter.expression else { return false }
        var stack = [expression]
        while let next = stack.popLast() {
            switch next {
            case .comparison(let comparison):
                if comparison.entity == .tag && mayDerive(comparison.key) { return true }
            case .and(let operands), .or(let operands): stack += operands
            }
        }
        return false
    }
}
