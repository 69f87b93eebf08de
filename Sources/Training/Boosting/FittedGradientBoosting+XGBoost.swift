import MLOpsCore

extension FittedGradientBoosting {
    /// The model in XGBoost's JSON model format (as `Booster.save_model("model.json")` writes it,
    /// version 3.2), which `xgboost.Booster(model_file=...)` and InferenceCore's `XGBoostImporter`
    /// load.
    ///
    /// XGBoost compares `float32(x) < threshold` in float32 and sums leaf values in float32, so each
    /// threshold is the smallest float32 above the split's edge (rows whose values differ from the
    /// edge by more than float32 rounding go the same way as here) and predictions agree to about
    /// 1e-6 relative. The initial scores are folded into the first round's leaves (`base_score` is
    /// the neutral 0, or 0.5 for `binary:logistic`). Objectives: `reg:squarederror`,
    /// `binary:logistic`, `multi:softprob`.
    ///
    /// - Throws: `MLOpsError` `unsupported` when a leaf value or threshold does not fit in float32.
    public func xgboostJSON() throws -> [UInt8] {
        let outputs = outputCount
        var json = "{\"learner\":{\"attributes\":{},\"feature_names\":["
        json += featureNames.map(JSONText.quoted).joined(separator: ",")
        json += "],\"feature_types\":[],\"gradient_booster\":{\"model\":{\"cats\":{\"enc\":[],"
        json += "\"feature_segments\":[],\"sorted_idx\":[]},\"gbtree_model_param\":{\"num_parallel_tree\":\"1\","
        json += "\"num_trees\":\"\(trees.count)\"},\"iteration_indptr\":["
        json += stride(from: 0, through: trees.count, by: outputs).map(String.init).joined(separator: ",")
        json += "],\"tree_info\":[" + trees.map { String($0.output) }.joined(separator: ",") + "],\"trees\":["
        for (index, tree) in trees.enumerated() {
            if index > 0 { json += "," }
            let offset = index < outputs ? initialScores[tree.output] : 0
            json += try Self.xgboostTree(tree, id: index, featureCount: featureCount, leafOffset: offset)
        }
        json += "]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\""
        let objective: String
        switch task {
        case .regression:
            json += "0\",\"boost_from_average\":\"0\",\"num_class\":\"0\""
            objective = "{\"name\":\"reg:squarederror\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}"
        case .binary:
            json += "5E-1\",\"boost_from_average\":\"0\",\"num_class\":\"0\""
            objective = "{\"name\":\"binary:logistic\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}"
        case .multiclass:
            json += "0\",\"boost_from_average\":\"0\",\"num_class\":\"\(outputs)\""
            objective = "{\"name\":\"multi:softprob\",\"softmax_multiclass_param\":{\"num_class\":\"\(outputs)\"}}"
        }
        json += ",\"num_feature\":\"\(featureCount)\",\"num_target\":\"1\"},\"objective\":" + objective
        json += "},\"version\":[3,2,0]}"
        return Array(json.utf8)
    }

    /// One tree in XGBoost's layout: nodes numbered breadth-first from the root, a leaf's value in
    /// `split_conditions`.
    private static func xgboostTree(
        _ tree: BoostedTree, id: Int, featureCount: Int, leafOffset: Double
    ) throws -> String {
        // Breadth-first order of (our child reference, parent id).
        var order: [(node: Int32, parent: Int)] = [(tree.internalCount > 0 ? 0 : ~0, Int(Int32.max))]
        var left: [Int] = []
        var right: [Int] = []
        var cursor = 0
        while cursor < order.count {
            let node = order[cursor].node
            if node >= 0 {
                left.append(order.count)
                order.append((tree.leftChild[Int(node)], cursor))
                right.append(order.count)
                order.append((tree.rightChild[Int(node)], cursor))
            } else {
                left.append(-1)
                right.append(-1)
            }
            cursor += 1
        }
        var features: [String] = []
        var conditions: [String] = []
        var defaults: [String] = []
        var weights: [String] = []
        var gains: [String] = []
        var hessians: [String] = []
        for (node, _) in order {
            if node >= 0 {
                let index = Int(node)
                features.append(String(tree.splitFeature[index]))
                conditions.append(try number(threshold(above: tree.threshold[index])))
                defaults.append(tree.defaultLeft[index] ? "1" : "0")
                weights.append("0.0")
                gains.append(try number(Float(tree.gain[index])))
                hessians.append(try number(Float(tree.internalHessian[index])))
            } else {
                let leaf = Int(~node)
                let value = try number(Float(tree.leafValue[leaf] + leafOffset))
                features.append("0")
                conditions.append(value)
                defaults.append("0")
                weights.append(value)
                gains.append("0.0")
                hessians.append(try number(Float(tree.leafHessian[leaf])))
            }
        }
        let count = order.count
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
        var json = "{\"base_weights\":" + list(weights)
        json += ",\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[]"
        json += ",\"default_left\":" + list(defaults) + ",\"id\":\(id)"
        json += ",\"left_children\":" + list(left.map(String.init))
        json += ",\"loss_changes\":" + list(gains)
        json += ",\"parents\":" + list(order.map { String($0.parent) })
        json += ",\"right_children\":" + list(right.map(String.init))
        json += ",\"split_conditions\":" + list(conditions)
        json += ",\"split_indices\":" + list(features)
        json += ",\"split_type\":" + list([String](repeating: "0", count: count))
        json += ",\"sum_hessian\":" + list(hessians)
        json += ",\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"\(featureCount)\","
        json += "\"num_nodes\":\"\(count)\",\"size_leaf_vector\":\"1\"}}"
        return json
    }

    /// The smallest float32 above `edge`: `float32(x) < t` then holds for every `x <= edge` and
    /// fails for every `x` above it, except values within float32 rounding of `edge`.
    static func threshold(above edge: Double) -> Float {
        let rounded = Float(edge)
        return Double(rounded) > edge ? rounded : rounded.nextUp
    }

    private static func number(_ value: Float) throws -> String {
        guard value.isFinite else {
            throw MLOpsError(
                .unsupported, "the XGBoost format needs finite float32 values; the model has \(value)",
                value: String(value))
        }
        return String(describing: value)
    }
}
