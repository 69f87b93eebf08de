import MLOpsCore

/// Imports XGBoost models saved as JSON (`Booster.save_model("model.json")`, XGBoost 1.x–3.x)
/// into a ``TreeEnsemble`` that predicts exactly as XGBoost does.
///
/// What is reproduced:
/// - inputs are rounded to `Float` and compared with `x < threshold` in float32 (so a value equal
///   to a threshold goes right); NaN follows each node's `default_left`;
/// - leaf values are summed in float32, in tree order, starting from the base margin;
/// - `base_score` (a string, bracketed and possibly one value per class in 3.x) is mapped to a
///   margin by the objective: logit for `binary:logistic` and `reg:logistic`, log for
///   `count:poisson`, `reg:gamma` and `reg:tweedie`, identity otherwise (including
///   `binary:logitraw` and `multi:*`, whose stored base score is already a margin in 3.x);
/// - the output link: logistic, softmax (`multi:softprob`, `multi:softmax`), exp, or none.
///   For `multi:softmax`, XGBoost's own `predict` returns the class index: use
///   ``TreeEnsemble/predictClassIndices(rows:rowCount:)`` for that.
/// - DART boosters (each tree's leaves scaled by its `weight_drop`).
///
/// Supported objectives: `binary:logistic`, `binary:logitraw`, `reg:logistic`,
/// `reg:squarederror` (and `reg:linear`), `reg:squaredlogerror`, `reg:pseudohubererror`,
/// `reg:absoluteerror`, `reg:quantileerror`, `count:poisson`, `reg:gamma`, `reg:tweedie`,
/// `multi:softprob`, `multi:softmax`, `rank:pairwise`, `rank:ndcg`, `rank:map`. Categorical
/// splits, vector-leaf (multi-output) trees, `gblinear` and UBJSON files are rejected with
/// `unsupported`; malformed files with `parseError`; oversize ones with `limitExceeded`.
public enum XGBoostImporter {
    /// Reads and imports a JSON model file.
    ///
    /// - Parameters:
    ///   - path: The file saved by `save_model("….json")`.
    ///   - limits: Bounds on the file size and the ensemble.
    /// - Throws: `MLOpsError` naming the file: `notFound` when it does not exist, `ioError` when
    ///   it cannot be read, otherwise as `ensemble(json:limits:)`.
    public static func load(path: String, limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        let bytes = try ModelFile.read(path, maxBytes: limits.maxInputBytes, what: "XGBoost JSON file")
        return try loading(path, as: "XGBoost JSON") { try ensemble(json: bytes, limits: limits) }
    }

    /// Imports a JSON model from its bytes.
    public static func ensemble(json bytes: [UInt8], limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        guard bytes.count <= limits.maxInputBytes else {
            throw MLOpsError(
                .limitExceeded,
                "The model is \(bytes.count) bytes, more than Limits.maxInputBytes (\(limits.maxInputBytes)).",
                value: String(bytes.count)
            )
        }
        if looksLikeUBJSON(bytes) {
            throw MLOpsError(
                .unsupported,
                "This looks like a UBJSON XGBoost model (the default format of save_model since 2.1). "
                    + "Save it with a .json file name: booster.save_model(\"model.json\")."
            )
        }
        let document = try XGBoostJSON(bytes: bytes)
        return try Reader(document: document, limits: limits).ensemble()
    }

    /// Imports a JSON model from its text.
    public static func ensemble(json text: String, limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        try ensemble(json: Array(text.utf8), limits: limits)
    }

    /// UBJSON starts with `{` followed by a length marker (`i`, `U`, `I`, `l`, `L`) for the first
    /// key, where JSON has whitespace, `"` or `}`.
    private static func looksLikeUBJSON(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{") else { return false }
        return [UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L")]
            .contains(bytes[1])
    }

    /// How an objective maps base scores and margins.
    private enum Link {
        case identity
        case logistic
        case exponential
        case softmax
    }

    private struct Reader {
        let document: XGBoostJSON
        let limits: TreeEnsemble.Limits

        typealias Value = XGBoostJSON.Value

        /// The member `key` of the object `value`, found at `path` (`nil` for the document itself).
        func member(_ value: Value, _ key: String, in path: String?) throws -> Value {
            guard case .object(let members) = value else {
                let what = path.map { "`\($0)`" } ?? "the document"
                throw MLOpsError(
                    .parseError, "the XGBoost JSON's \(what) should be an object, but it is \(value.kind)")
            }
            guard let found = members[key] else {
                if let path {
                    throw MLOpsError(.parseError, "the XGBoost JSON's `\(path)` has no `\(key)` member", value: key)
                }
                throw MLOpsError(
                    .parseError,
                    "the XGBoost JSON has no `\(key)` object; expected a model saved by XGBoost's "
                        + "save_model(\"model.json\")", value: key)
            }
            return found
        }

        func optionalMember(_ value: Value, _ key: String) -> Value? {
            guard case .object(let members) = value else { return nil }
            return members[key]
        }

        func string(_ value: Value, _ what: String) throws -> String {
            guard case .string(let text) = value else {
                throw MLOpsError(.parseError, "\(what) must be a string, found \(value.kind).")
            }
            return text
        }

        /// XGBoost writes every `*_param` scalar as a string; accept a number too.
        func intParameter(_ value: Value, _ what: String) throws -> Int {
            if case .number = value { return try document.int(value, what) }
            let text = try string(value, what).trimmed(" ")
            guard let number = Int(text) else {
                throw MLOpsError(.parseError, "\(what) must hold an integer.", value: text)
            }
            return number
        }

        func ensemble() throws -> TreeEnsemble {
            let root = document.root
            let learner = try member(root, "learner", in: nil)
            let parameters = try member(learner, "learner_model_param", in: "learner")
            let objectiveName = try string(
                try member(try member(learner, "objective", in: "learner"), "name", in: "learner.objective"),
                "learner.objective.name"
            )
            let featureCount = try intParameter(
                try member(parameters, "num_feature", in: "learner.learner_model_param"),
                "num_feature"
            )
            let classCount = try optionalMember(parameters, "num_class").map { try intParameter($0, "num_class") } ?? 0
            let targetCount =
                try optionalMember(parameters, "num_target").map { try intParameter($0, "num_target") } ?? 1
            guard featureCount >= 0, featureCount <= limits.maxFeatures else {
                throw MLOpsError(.limitExceeded, "num_feature is out of range.", value: String(featureCount))
            }
            guard classCount >= 0, classCount <= limits.maxOutputs, targetCount >= 1, targetCount <= limits.maxOutputs
            else {
                throw MLOpsError(
                    .parseError,
                    "num_class or num_target is out of range.",
                    value: "num_class \(classCount), num_target \(targetCount)"
                )
            }
            let outputCount = classCount > 1 ? classCount : targetCount

            let (link, task) = try linkAndTask(objectiveName, outputCount: outputCount)
            let baseText = try string(
                try member(parameters, "base_score", in: "learner.learner_model_param"),
                "base_score"
            )
            let baseScores = try margins(baseText, link: link, objective: objectiveName, outputCount: outputCount)

            // The booster: gbtree, or dart wrapping a gbtree.
            let booster = try member(learner, "gradient_booster", in: "learner")
            let boosterName = try string(try member(booster, "name", in: "gradient_booster"), "gradient_booster.name")
            let model: Value
            var treeWeights: [Double]?
            switch boosterName {
            case "gbtree":
                model = try member(booster, "model", in: "gradient_booster")
            case "dart":
                let inner = try member(booster, "gbtree", in: "gradient_booster")
                model = try member(inner, "model", in: "gradient_booster.gbtree")
                let drops = try member(booster, "weight_drop", in: "gradient_booster")
                treeWeights = try document.floats(drops, "weight_drop").map { Double($0) }
            default:
                throw MLOpsError(
                    .unsupported,
                    "Only tree boosters (gbtree, dart) can be imported.",
                    value: boosterName
                )
            }
            let treesValue = try member(model, "trees", in: "gradient_booster.model")
            guard case .array(let treeValues) = treesValue else {
                throw MLOpsError(
                    .parseError, "gradient_booster.model.trees must be an array, found \(treesValue.kind).")
            }
            guard treeValues.count <= limits.maxTrees else {
                throw MLOpsError(
                    .limitExceeded,
                    "The model has more trees than Limits.maxTrees (\(limits.maxTrees)).",
                    value: String(treeValues.count)
                )
            }
            if let parameters = optionalMember(model, "gbtree_model_param"),
                let declared = optionalMember(parameters, "num_trees")
            {
                let count = try intParameter(declared, "num_trees")
                guard count == treeValues.count else {
                    throw MLOpsError(
                        .parseError,
                        "gbtree_model_param.num_trees says \(count) trees but the model holds \(treeValues.count); "
                            + "the file is truncated or edited.",
                        value: String(count)
                    )
                }
            }
            let treeInfo =
                try optionalMember(model, "tree_info").map { try document.ints($0, "tree_info") }
                ?? [Int](repeating: 0, count: treeValues.count)
            guard treeInfo.count == treeValues.count else {
                throw MLOpsError(
                    .parseError,
                    "tree_info has \(treeInfo.count) entries for \(treeValues.count) trees.",
                    value: String(treeInfo.count)
                )
            }
            if let weights = treeWeights, weights.count != treeValues.count {
                throw MLOpsError(
                    .parseError,
                    "weight_drop has \(weights.count) entries for \(treeValues.count) trees.",
                    value: String(weights.count)
                )
            }

            var trees: [TreeEnsemble.Tree] = []
            trees.reserveCapacity(treeValues.count)
            var totalNodes = 0
            for (index, value) in treeValues.enumerated() {
                let tree = try self.tree(
                    value,
                    index: index,
                    output: treeInfo[index],
                    outputCount: outputCount,
                    weight: treeWeights.map { Float($0[index]) }
                )
                totalNodes += tree.nodes.count
                guard totalNodes <= limits.maxTotalNodes else {
                    throw MLOpsError(
                        .limitExceeded,
                        "The model has more nodes than Limits.maxTotalNodes (\(limits.maxTotalNodes)).",
                        value: String(totalNodes)
                    )
                }
                trees.append(tree)
            }

            var featureNames: [String] = []
            if let names = optionalMember(learner, "feature_names") {
                featureNames = try document.strings(names, "learner.feature_names")
                try FeatureNames.checkUnique(featureNames, "learner.feature_names", code: .parseError)
                if !featureNames.isEmpty, featureNames.count != featureCount {
                    throw MLOpsError(
                        .parseError,
                        "learner.feature_names has \(featureNames.count) names for \(featureCount) features.",
                        value: String(featureNames.count)
                    )
                }
            }
            let transform: TreeEnsemble.PostTransform
            switch link {
            case .identity: transform = .none
            case .logistic: transform = objectiveName == "binary:logitraw" ? .none : .logistic
            case .exponential: transform = .exponential
            case .softmax: transform = .softmax
            }
            return try TreeEnsemble(
                trees: trees,
                featureCount: featureCount,
                outputCount: outputCount,
                precision: .float32,
                baseScores: baseScores,
                baseScoreOrder: .beforeTrees,
                aggregation: .sum,
                postTransform: transform,
                task: task,
                featureNames: featureNames,
                objective: objectiveName,
                limits: limits
            )
        }

        func linkAndTask(_ objective: String, outputCount: Int) throws -> (Link, TreeEnsemble.Task) {
            switch objective {
            case "binary:logistic":
                return (.logistic, .binaryClassification)
            case "reg:logistic":
                return (.logistic, .regression)
            case "binary:logitraw":
                // XGBoost 3.x stores this objective's base score as a margin (checked with 3.2).
                return (.identity, .regression)
            case "reg:squarederror", "reg:linear", "reg:squaredlogerror", "reg:pseudohubererror",
                "reg:absoluteerror", "reg:quantileerror", "rank:pairwise", "rank:ndcg", "rank:map":
                return (.identity, .regression)
            case "count:poisson", "reg:gamma", "reg:tweedie":
                return (.exponential, .regression)
            case "multi:softprob", "multi:softmax":
                guard outputCount >= 2 else {
                    throw MLOpsError(
                        .parseError, "\(objective) needs num_class of at least 2.", value: String(outputCount))
                }
                return (.softmax, .multiclassClassification)
            default:
                throw MLOpsError(
                    .unsupported,
                    "The XGBoost objective is not supported (binary:logistic, binary:logitraw, reg:logistic, "
                        + "reg:squarederror and the other reg:* losses, count:poisson, reg:gamma, reg:tweedie, "
                        + "multi:softprob, multi:softmax and rank:* are).",
                    value: objective
                )
            }
        }

        /// Parses `base_score` ("5E-1", "[5E-1]" or "[a,b,c]") and converts it to margins.
        func margins(_ text: String, link: Link, objective: String, outputCount: Int) throws -> [Double] {
            var body = Substring(text).trimmed(" ")
            if body.hasPrefix("[") {
                guard body.hasSuffix("]") else {
                    throw MLOpsError(.parseError, "base_score has an unclosed '['.", value: text)
                }
                body = String(body.dropFirst().dropLast())
            }
            let values = try body.split(separator: ",").map { part -> Float in
                let token = part.trimmed(" ")
                guard let value = Float(token), value.isFinite else {
                    throw MLOpsError(.parseError, "base_score must hold finite numbers.", value: text)
                }
                return value
            }
            guard values.count == 1 || values.count == outputCount else {
                throw MLOpsError(
                    .parseError,
                    "base_score has \(values.count) values for \(outputCount) outputs.",
                    value: text
                )
            }
            let margins = try values.map { value -> Float in
                switch link {
                case .logistic where objective != "binary:logitraw":
                    guard value > 0, value < 1 else {
                        throw MLOpsError(
                            .parseError,
                            "base_score must be strictly between 0 and 1 for \(objective).",
                            value: text
                        )
                    }
                    // XGBoost's ProbToMargin, in float32.
                    return -Platform.log(1 / value - 1)
                case .exponential:
                    guard value > 0 else {
                        throw MLOpsError(.parseError, "base_score must be positive for \(objective).", value: text)
                    }
                    return Platform.log(value)
                default:
                    return value
                }
            }
            let expanded = margins.count == 1 ? [Float](repeating: margins[0], count: outputCount) : margins
            return expanded.map { Double($0) }
        }

        func tree(_ value: Value, index: Int, output: Int, outputCount: Int, weight: Float?) throws -> TreeEnsemble.Tree
        {
            let path = "trees[\(index)]"
            let parameters = try member(value, "tree_param", in: path)
            let nodeCount = try intParameter(try member(parameters, "num_nodes", in: "\(path).tree_param"), "num_nodes")
            guard nodeCount >= 1, nodeCount <= limits.maxNodesPerTree else {
                throw MLOpsError(
                    nodeCount < 1 ? .parseError : .limitExceeded,
                    "\(path) declares \(nodeCount) nodes; a tree needs 1 to Limits.maxNodesPerTree "
                        + "(\(limits.maxNodesPerTree)).",
                    value: String(nodeCount)
                )
            }
            if let leafSize = optionalMember(parameters, "size_leaf_vector") {
                let size = try intParameter(leafSize, "size_leaf_vector")
                guard size <= 1 else {
                    throw MLOpsError(
                        .unsupported,
                        "\(path) has vector leaves (multi_strategy=\"multi_output_tree\"); train with "
                            + "one_output_per_tree to import it.",
                        value: String(size)
                    )
                }
            }
            guard output >= 0, output < outputCount else {
                throw MLOpsError(
                    .parseError,
                    "tree_info[\(index)] is \(output), but the model has \(outputCount) output(s).",
                    value: String(output)
                )
            }
            let left = try document.ints(try member(value, "left_children", in: path), "\(path).left_children")
            let right = try document.ints(try member(value, "right_children", in: path), "\(path).right_children")
            let features = try document.ints(try member(value, "split_indices", in: path), "\(path).split_indices")
            let conditions = try document.floats(
                try member(value, "split_conditions", in: path),
                "\(path).split_conditions"
            )
            let defaultLeft = try document.bools(try member(value, "default_left", in: path), "\(path).default_left")
            for (name, count) in [
                ("left_children", left.count), ("right_children", right.count), ("split_indices", features.count),
                ("split_conditions", conditions.count), ("default_left", defaultLeft.count),
            ] where count != nodeCount {
                throw MLOpsError(
                    .parseError,
                    "\(path).\(name) has \(count) entries, but tree_param.num_nodes is \(nodeCount).",
                    value: String(count)
                )
            }
            if let splitTypes = optionalMember(value, "split_type") {
                let types = try document.ints(splitTypes, "\(path).split_type")
                if let node = types.firstIndex(where: { $0 != 0 }), node < left.count, left[node] != -1 {
                    throw MLOpsError(
                        .unsupported,
                        "\(path), node \(node) is a categorical split; categorical features are not supported. "
                            + "One-hot encode them, or train without enable_categorical.",
                        value: String(node)
                    )
                }
            }
            var nodes: [TreeEnsemble.Node] = []
            nodes.reserveCapacity(nodeCount)
            for node in 0..<nodeCount {
                if left[node] == -1 {
                    let leaf = weight.map { conditions[node] * $0 } ?? conditions[node]
                    nodes.append(.leaf(Double(leaf)))
                } else {
                    nodes.append(
                        .branch(
                            feature: features[node],
                            threshold: Double(conditions[node]),
                            comparison: .lessThan,
                            trueChild: left[node],
                            falseChild: right[node],
                            missing: defaultLeft[node] ? .nanTakesTrueBranch : .nanTakesFalseBranch
                        )
                    )
                }
            }
            return TreeEnsemble.Tree(nodes: nodes, output: output)
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing copies of `character`.
    fileprivate func trimmed(_ character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
