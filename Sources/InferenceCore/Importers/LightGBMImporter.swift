import MLOpsCore

/// Imports LightGBM text models (`Booster.save_model("model.txt")`, format v2–v4) into a
/// ``TreeEnsemble`` that predicts exactly as LightGBM does.
///
/// What is reproduced:
/// - comparisons in `Double`, `x <= threshold` going left (so a value equal to a threshold
///   goes left), on the inputs as given — `Double` rows are never rounded to `Float` — except
///   that, like LightGBM's own readers, values with `|x| <= 1.0000000180025095e-35`
///   (``TreeEnsemble/lightGBMZeroThreshold``) are read as `0`;
/// - the missing types in `decision_type`: None (NaN is compared as `0.0`), Zero (values in
///   `[-k, k]` for that same `k`, and NaN, take the default direction) and NaN (NaN takes the
///   default direction), with bit 1 as the default direction;
/// - leaf values as stored (they already include the learning rate and, in tree 0, the initial
///   score) summed in `Double` in file order; `average_output` (random forest) divides by the
///   iteration count. The raw score is that average — the margin the link is applied to — while
///   lightgbm's own `predict(raw_score=True)` returns the undivided sum for such models;
/// - the objective's link: `binary` (sigmoid with its `sigmoid:` scale), `multiclass`
///   (softmax; tree `i` feeds class `i % num_tree_per_iteration`), `multiclassova` and
///   `cross_entropy` (sigmoid per output), `poisson`/`gamma`/`tweedie` (exp), and identity for
///   the regression and ranking objectives.
///
/// Categorical splits and linear trees are rejected with `unsupported`; malformed or truncated
/// files (a missing `end of trees`, a tree count that disagrees with `tree_sizes`, arrays of the
/// wrong length, out-of-range children) with `parseError`; oversize ones with `limitExceeded`.
public enum LightGBMImporter {
    /// Reads and imports a text model file.
    ///
    /// - Throws: `MLOpsError` naming the file: `notFound` when it does not exist, `ioError` when
    ///   it cannot be read, otherwise as `ensemble(text:limits:)`.
    public static func load(path: String, limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        let bytes = try ModelFile.read(path, maxBytes: limits.maxInputBytes, what: "LightGBM text file")
        return try loading(path, as: "LightGBM text") { try ensemble(text: bytes, limits: limits) }
    }

    /// Imports a text model from its bytes (UTF-8).
    public static func ensemble(text bytes: [UInt8], limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        guard bytes.count <= limits.maxInputBytes else {
            throw MLOpsError(
                .limitExceeded,
                "The model is \(bytes.count) bytes, more than Limits.maxInputBytes (\(limits.maxInputBytes)).",
                value: String(bytes.count)
            )
        }
        // The marker check before the bytes are copied into a string (see `ensemble(text:)`).
        if bytes.withUnsafeBufferPointer({ lacksEndOfTrees($0) }) { throw missingEndOfTrees(bytes.count) }
        return try ensemble(text: String(decoding: bytes, as: UTF8.self), limits: limits)
    }

    /// Imports a text model from its text.
    public static func ensemble(text: String, limits: TreeEnsemble.Limits = .default) throws -> TreeEnsemble {
        guard text.utf8.count <= limits.maxInputBytes else {
            throw MLOpsError(
                .limitExceeded,
                "The model is \(text.utf8.count) bytes, more than Limits.maxInputBytes (\(limits.maxInputBytes)).",
                value: String(text.utf8.count)
            )
        }
        // A model ends with its trees' `end of trees` line followed by a short trailer (feature
        // importances, parameters): look for it from the end before parsing anything, so a
        // truncated file or a large file of something else fails in one pass over its bytes.
        if text.utf8.withContiguousStorageIfAvailable({ lacksEndOfTrees($0) }) == true {
            throw missingEndOfTrees(text.utf8.count)
        }
        let blocks = try Blocks(text: text, limits: limits)
        return try build(blocks, limits: limits)
    }

    /// The error for a model of `size` bytes without an `end of trees` line.
    private static func missingEndOfTrees(_ size: Int) -> MLOpsError {
        MLOpsError(
            .parseError,
            "The model has no \"end of trees\" line; the file is truncated or not a LightGBM text model.",
            value: "\(size) bytes")
    }

    /// Whether `bytes` start like a model (with `tree`) but have no `end of trees` line; text
    /// that does not start like a model is left to the parser's first-line error.
    static func lacksEndOfTrees(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.starts(with: "tree".utf8) && !hasEndOfTreesLine(bytes)
    }

    /// Whether a line of `bytes` starts with `end of trees`, searched from the end: a model's
    /// trailer after that line is short, so a valid file is answered after a few kilobytes, and
    /// anything else after one pass that allocates nothing.
    static func hasEndOfTreesLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let marker = Array("end of trees".utf8)
        guard bytes.count >= marker.count else { return false }
        var start = bytes.count - marker.count
        while true {
            if bytes[start] == marker[0], start == 0 || bytes[start - 1] == 0x0A {
                var matches = true
                for k in 1..<marker.count where bytes[start + k] != marker[k] {
                    matches = false
                    break
                }
                if matches { return true }
            }
            if start == 0 { return false }
            start -= 1
        }
    }

    /// The key/value lines of the header and of each `Tree=` block.
    private struct Blocks {
        var header: [Substring: Substring] = [:]
        /// Whether the header has the flag line `average_output` (a random forest).
        var averageOutput = false
        var trees: [(index: Int, line: Int, fields: [Substring: Substring])] = []

        init(text: String, limits: TreeEnsemble.Limits) throws {
            var current: [Substring: Substring]?
            var currentIndex = 0
            var currentLine = 0
            var sawEnd = false
            var lineNumber = 0
            var sawHeader = false
            // Lines are visited one at a time, never collected: memory stays proportional to the
            // fields kept, whatever the file holds.
            let utf8 = text.utf8
            var next = utf8.startIndex
            var more = true
            while more {
                let lineEnd = utf8[next...].firstIndex(of: 0x0A) ?? utf8.endIndex
                let rawLine = Substring(utf8[next..<lineEnd])
                if lineEnd == utf8.endIndex {
                    more = false
                } else {
                    next = utf8.index(after: lineEnd)
                }
                lineNumber += 1
                let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine
                if lineNumber == 1 {
                    guard line == "tree" else {
                        throw MLOpsError(
                            .parseError,
                            "A LightGBM text model starts with the line \"tree\"; is this a model saved with "
                                + "Booster.save_model()?",
                            value: String(line.prefix(80))
                        )
                    }
                    sawHeader = true
                    continue
                }
                if line.hasPrefix("end of trees") {
                    sawEnd = true
                    break
                }
                if line.hasPrefix("Tree=") {
                    if let fields = current { trees.append((currentIndex, currentLine, fields)) }
                    guard trees.count < limits.maxTrees else {
                        throw MLOpsError(
                            .limitExceeded,
                            "The model has more trees than Limits.maxTrees (\(limits.maxTrees)).",
                            value: String(trees.count + 1)
                        )
                    }
                    guard let index = Int(line.dropFirst(5)), index == trees.count else {
                        throw MLOpsError(
                            .parseError,
                            "Line \(lineNumber): expected Tree=\(trees.count).",
                            value: String(line.prefix(80))
                        )
                    }
                    current = [:]
                    currentIndex = index
                    currentLine = lineNumber
                    continue
                }
                guard !line.isEmpty else { continue }
                guard let equals = line.firstIndex(of: "=") else {
                    // Flag lines such as "average_output".
                    if current == nil, line == "average_output" { averageOutput = true }
                    continue
                }
                let key = line[line.startIndex..<equals]
                let value = line[line.index(after: equals)...]
                if current != nil {
                    current?[key] = value
                } else {
                    header[key] = value
                }
            }
            guard sawHeader else {
                throw MLOpsError(.parseError, "The model text is empty.")
            }
            guard sawEnd else {
                throw MLOpsError(
                    .parseError,
                    "The model has no \"end of trees\" line; the file is truncated."
                )
            }
            if let fields = current { trees.append((currentIndex, currentLine, fields)) }
        }
    }

    private static func build(_ blocks: Blocks, limits: TreeEnsemble.Limits) throws -> TreeEnsemble {
        let header = blocks.header
        func headerInt(_ key: Substring, default fallback: Int? = nil) throws -> Int {
            guard let text = header[key] else {
                if let fallback { return fallback }
                throw MLOpsError(.parseError, "The model header has no \(key)= line.")
            }
            guard let value = Int(text) else {
                throw MLOpsError(.parseError, "The header's \(key) must be an integer.", value: String(text))
            }
            return value
        }
        if let version = header["version"], !["v2", "v3", "v4"].contains(version) {
            throw MLOpsError(
                .unsupported,
                "Only LightGBM text model versions v2 to v4 are supported.",
                value: String(version)
            )
        }
        let classCount = try headerInt("num_class", default: 1)
        let treesPerIteration = try headerInt("num_tree_per_iteration", default: max(classCount, 1))
        let maxFeature = try headerInt("max_feature_idx")
        guard classCount >= 1, classCount <= limits.maxOutputs, treesPerIteration >= 1,
            treesPerIteration <= limits.maxOutputs
        else {
            throw MLOpsError(
                .parseError,
                "num_class and num_tree_per_iteration must be between 1 and Limits.maxOutputs.",
                value: "\(classCount), \(treesPerIteration)"
            )
        }
        guard maxFeature >= -1, maxFeature < limits.maxFeatures else {
            throw MLOpsError(.limitExceeded, "max_feature_idx is out of range.", value: String(maxFeature))
        }
        let featureCount = maxFeature + 1
        let objective = header["objective"].map(String.init) ?? ""
        let (transform, task) = try link(objective, treesPerIteration: treesPerIteration)

        if let sizes = header["tree_sizes"] {
            let declared = sizes.split(separator: " ").count
            guard declared == blocks.trees.count else {
                throw MLOpsError(
                    .parseError,
                    "tree_sizes lists \(declared) trees but the file holds \(blocks.trees.count); the file is "
                        + "truncated or edited.",
                    value: String(blocks.trees.count)
                )
            }
        }
        guard blocks.trees.count % treesPerIteration == 0 else {
            throw MLOpsError(
                .parseError,
                "The model holds \(blocks.trees.count) trees, not a multiple of num_tree_per_iteration "
                    + "(\(treesPerIteration)).",
                value: String(blocks.trees.count)
            )
        }
        var trees: [TreeEnsemble.Tree] = []
        trees.reserveCapacity(blocks.trees.count)
        var totalNodes = 0
        for block in blocks.trees {
            let tree = try self.tree(
                block.fields,
                index: block.index,
                output: block.index % treesPerIteration,
                limits: limits
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
        if let names = header["feature_names"] {
            featureNames = names.split(separator: " ").map(String.init)
            try FeatureNames.checkUnique(featureNames, "The header's feature_names", code: .parseError)
            if featureNames.count != featureCount {
                throw MLOpsError(
                    .parseError,
                    "feature_names lists \(featureNames.count) names for \(featureCount) features.",
                    value: String(featureNames.count)
                )
            }
        }
        let aggregation: TreeEnsemble.Aggregation
        if blocks.averageOutput {
            aggregation = .average(divisor: max(blocks.trees.count / treesPerIteration, 1))
        } else {
            aggregation = .sum
        }
        return try TreeEnsemble(
            trees: trees,
            featureCount: featureCount,
            outputCount: treesPerIteration,
            precision: .float64,
            baseScores: [],
            baseScoreOrder: .afterAggregation,
            aggregation: aggregation,
            postTransform: transform,
            task: task,
            featureNames: featureNames,
            objective: objective,
            inputZeroBand: TreeEnsemble.lightGBMZeroThreshold,
            limits: limits
        )
    }

    private static func link(
        _ objective: String,
        treesPerIteration: Int
    ) throws -> (TreeEnsemble.PostTransform, TreeEnsemble.Task) {
        let tokens = objective.split(separator: " ")
        let name = tokens.first.map(String.init) ?? ""
        var sigmoid = 1.0
        for token in tokens.dropFirst() where token.hasPrefix("sigmoid:") {
            guard let value = Double(token.dropFirst(8)), value.isFinite, value > 0 else {
                throw MLOpsError(.parseError, "The objective's sigmoid parameter is invalid.", value: objective)
            }
            sigmoid = value
        }
        let logistic: TreeEnsemble.PostTransform = sigmoid == 1 ? .logistic : .scaledLogistic(sigmoid)
        switch name {
        case "binary":
            return (logistic, treesPerIteration == 1 ? .binaryClassification : .multiclassClassification)
        case "multiclass", "softmax":
            return (.softmax, .multiclassClassification)
        case "multiclassova", "multiclass_ova", "ova", "ovr":
            return (logistic, .multiclassClassification)
        case "cross_entropy", "xentropy":
            return (.logistic, .regression)
        case "poisson", "gamma", "tweedie":
            return (.exponential, .regression)
        case "", "regression", "regression_l2", "l2", "mean_squared_error", "mse", "l2_root", "root_mean_squared_error",
            "rmse", "regression_l1", "l1", "mean_absolute_error", "mae", "huber", "fair", "quantile", "mape",
            "mean_absolute_percentage_error", "lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart",
            "xendcg_mart", "custom", "none", "null", "na":
            return (.none, .regression)
        default:
            throw MLOpsError(
                .unsupported,
                "The LightGBM objective is not supported (binary, multiclass, multiclassova, cross_entropy, "
                    + "poisson, gamma, tweedie, the regression losses and the ranking objectives are).",
                value: objective
            )
        }
    }

    private static func tree(
        _ fields: [Substring: Substring],
        index: Int,
        output: Int,
        limits: TreeEnsemble.Limits
    ) throws -> TreeEnsemble.Tree {
        let path = "Tree=\(index)"
        func field(_ key: Substring) throws -> Substring {
            guard let value = fields[key] else {
                throw MLOpsError(.parseError, "\(path) has no \(key)= line; the file is truncated or edited.")
            }
            return value
        }
        guard let leafCount = Int(try field("num_leaves")), leafCount >= 1 else {
            throw MLOpsError(
                .parseError, "\(path): num_leaves must be a positive integer.",
                value: String(fields["num_leaves"] ?? ""))
        }
        guard leafCount <= limits.maxNodesPerTree / 2 else {
            throw MLOpsError(
                .limitExceeded,
                "\(path) has more leaves than Limits.maxNodesPerTree allows.",
                value: String(leafCount)
            )
        }
        if let linear = fields["is_linear"], linear != "0" {
            throw MLOpsError(
                .unsupported, "\(path) is a linear tree (linear_tree=true); linear trees are not supported.")
        }
        func numbers<N>(_ key: Substring, count: Int, _ convert: (Substring) -> N?) throws -> [N] {
            let text = count == 0 ? (fields[key] ?? "") : try field(key)
            var result: [N] = []
            result.reserveCapacity(count)
            for token in text.split(separator: " ") {
                guard result.count < count else {
                    throw MLOpsError(.parseError, "\(path).\(key) has more than \(count) values.")
                }
                guard let value = convert(token) else {
                    throw MLOpsError(.parseError, "\(path).\(key) holds an invalid number.", value: String(token))
                }
                result.append(value)
            }
            guard result.count == count else {
                throw MLOpsError(
                    .parseError,
                    "\(path).\(key) has \(result.count) values; num_leaves=\(leafCount) needs \(count).",
                    value: String(result.count)
                )
            }
            return result
        }
        let leafValues = try numbers("leaf_value", count: leafCount) { Double($0) }
        if leafCount == 1 {
            return TreeEnsemble.Tree(nodes: [.leaf(leafValues[0])], output: output)
        }
        let internalCount = leafCount - 1
        let features = try numbers("split_feature", count: internalCount) { Int($0) }
        let thresholds = try numbers("threshold", count: internalCount) { Double($0) }
        let decisions = try numbers("decision_type", count: internalCount) { Int($0) }
        let left = try numbers("left_child", count: internalCount) { Int($0) }
        let right = try numbers("right_child", count: internalCount) { Int($0) }

        // Internal node i is node i; leaf j is node internalCount + j.
        func child(_ value: Int, of node: Int) throws -> Int {
            if value >= 0 {
                guard value < internalCount else {
                    throw MLOpsError(
                        .parseError,
                        "\(path), node \(node): child \(value) is not one of the \(internalCount) internal nodes.",
                        value: String(value)
                    )
                }
                return value
            }
            let leaf = ~value
            guard leaf < leafCount else {
                throw MLOpsError(
                    .parseError,
                    "\(path), node \(node): child \(value) names leaf \(leaf) of \(leafCount).",
                    value: String(value)
                )
            }
            return internalCount + leaf
        }
        var nodes: [TreeEnsemble.Node] = []
        nodes.reserveCapacity(internalCount + leafCount)
        for node in 0..<internalCount {
            let decision = decisions[node]
            guard decision >= 0, decision < 256 else {
                throw MLOpsError(.parseError, "\(path), node \(node): invalid decision_type.", value: String(decision))
            }
            if decision & 1 != 0 {
                throw MLOpsError(
                    .unsupported,
                    "\(path), node \(node) is a categorical split; categorical features are not supported. "
                        + "Encode them as numbers (or one-hot) before training.",
                    value: String(decision)
                )
            }
            let defaultLeft = decision & 2 != 0
            let missing: TreeEnsemble.MissingValues
            switch (decision >> 2) & 3 {
            case 0: missing = .nanAsZero
            case 1: missing = defaultLeft ? .zeroOrNaNTakesTrueBranch : .zeroOrNaNTakesFalseBranch
            case 2: missing = defaultLeft ? .nanTakesTrueBranch : .nanTakesFalseBranch
            default:
                throw MLOpsError(.parseError, "\(path), node \(node): unknown missing type.", value: String(decision))
            }
            nodes.append(
                .branch(
                    feature: features[node],
                    threshold: thresholds[node],
                    comparison: .lessOrEqual,
                    trueChild: try child(left[node], of: node),
                    falseChild: try child(right[node], of: node),
                    missing: missing
                )
            )
        }
        for value in leafValues { nodes.append(.leaf(value)) }
        return TreeEnsemble.Tree(nodes: nodes, output: output)
    }
}
