import MLOpsCore

/// Checks on a model's feature names, shared by every importer and by the types that carry
/// names (``TreeEnsemble``, ``Model``, ``ModelPackage``).
enum FeatureNames {
    /// The first name that `names` holds more than once, with every position it is at.
    static func firstDuplicate(_ names: [String]) -> (name: String, positions: [Int])? {
        var first: [String: Int] = [:]
        first.reserveCapacity(names.count)
        for (position, name) in names.enumerated() {
            if let earlier = first[name] {
                let positions = [earlier] + names.indices.dropFirst(earlier + 1).filter { names[$0] == name }
                return (name, positions)
            }
            first[name] = position
        }
        return nil
    }

    /// Throws unless every name in `names` is different.
    ///
    /// A repeated name would make a table's column feed several features, so it is an error
    /// wherever names come from.
    ///
    /// - Parameters:
    ///   - what: Where the names come from, for the message (e.g. "learner.feature_names").
    ///   - code: The error's code: `parseError` in an importer, `invalidArgument` for names given in code.
    /// - Throws: `MLOpsError` naming the repeated name and its positions.
    static func checkUnique(
        _ names: [String], _ what: String, code: MLOpsError.Code = .invalidArgument
    ) throws {
        guard let (name, positions) = firstDuplicate(names) else { return }
        let shown = positions.prefix(10).map(String.init).joined(separator: ", ") + (positions.count > 10 ? ", …" : "")
        throw MLOpsError(
            code,
            "\(what) names the feature \"\(name)\" \(positions.count) times (at positions \(shown)); feature "
                + "names must be unique, or a column would feed several features",
            value: name)
    }
}
