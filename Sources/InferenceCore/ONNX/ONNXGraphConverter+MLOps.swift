import MLOpsCore

extension ONNXGraphConverter {
    /// Converts one node of the `ai.onnx.ml` domain.
    mutating func convertMLOp(_ c: ONNXNodeContext) throws {
        let node = c.node
        switch node.opType {
        case "Scaler":
            try c.checkAttributes(["offset", "scale"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let offset = try c.floats("offset")
            let scale = try c.floats("scale")
            guard !offset.isEmpty, !scale.isEmpty else {
                throw c.invalid(
                    "attributes 'offset' and 'scale' are required.", value: offset.isEmpty ? "offset" : "scale")
            }
            emit(
                c, .scaler(GraphOp.Scaler(offset: offset, scale: scale)), inputs: [node.inputs[0]],
                outputs: outputNames(c, count: 1))

        case "Normalizer":
            try c.checkAttributes(["norm"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let norm: GraphOp.Normalization
            switch try c.string("norm", default: "MAX") {
            case "MAX": norm = .max
            case "L1": norm = .l1
            case "L2": norm = .l2
            case let other: throw c.unsupported("norm '\(other)' is not supported (MAX, L1, L2).", value: "norm")
            }
            emit(c, .normalizer(norm), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "LinearClassifier":
            try c.checkAttributes([
                "coefficients", "intercepts", "classlabels_ints", "classlabels_strings", "post_transform",
                "multi_class",
            ])
            try c.requireInputs(1)
            try c.requireOutputs(1, 2)
            let coefficients = try c.floats("coefficients")
            guard !coefficients.isEmpty else {
                throw c.invalid("attribute 'coefficients' is required.", value: "coefficients")
            }
            let classifier = GraphOp.LinearClassifier(
                coefficients: coefficients, intercepts: try c.floats("intercepts"),
                labels: try classLabels(c, ints: "classlabels_ints", strings: "classlabels_strings"),
                postTransform: try postTransform(c), multiClass: try c.int("multi_class", default: 0, in: 0...1))
            emit(c, .linearClassifier(classifier), inputs: [node.inputs[0]], outputs: outputNames(c, count: 2))

        case "LinearRegressor":
            try c.checkAttributes(["coefficients", "intercepts", "targets", "post_transform"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let coefficients = try c.floats("coefficients")
            guard !coefficients.isEmpty else {
                throw c.invalid("attribute 'coefficients' is required.", value: "coefficients")
            }
            let regressor = GraphOp.LinearRegressor(
                coefficients: coefficients, intercepts: try c.floats("intercepts"),
                targets: try c.int("targets", default: 1, in: 1...65_536), postTransform: try postTransform(c))
            emit(c, .linearRegressor(regressor), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "ArrayFeatureExtractor":
            try c.checkAttributes([])
            try c.requireInputs(2)
            try c.requireOutputs(1)
            emit(
                c, .arrayFeatureExtractor, inputs: [node.inputs[0], node.inputs[1]], outputs: outputNames(c, count: 1))

        case "OneHotEncoder":
            try c.checkAttributes(["cats_int64s", "cats_strings", "zeros"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let encoder = GraphOp.OneHotEncoder(
                categories: try classLabels(c, ints: "cats_int64s", strings: "cats_strings"),
                zeros: try c.bool("zeros", default: true))
            emit(c, .oneHotEncoder(encoder), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "TreeEnsembleRegressor", "TreeEnsembleClassifier":
            try convertTreeEnsemble(c)

        case "SVMClassifier", "SVMRegressor":
            try convertSVM(c)

        case "LabelEncoder":
            try convertLabelEncoder(c)

        case "Binarizer":
            try c.checkAttributes(["threshold"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            // ONNX's default threshold is 0 (onnxruntime applies the schema default).
            emit(
                c, .binarizer(threshold: try c.float("threshold", default: 0)), inputs: [node.inputs[0]],
                outputs: outputNames(c, count: 1))

        case "Imputer":
            try c.checkAttributes([
                "imputed_value_floats", "imputed_value_int64s", "replaced_value_float", "replaced_value_int64",
            ])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let floats = try c.floats("imputed_value_floats")
            let ints = try c.ints("imputed_value_int64s")
            guard floats.isEmpty != ints.isEmpty else {
                throw c.invalid(
                    floats.isEmpty
                        ? "one of 'imputed_value_floats' or 'imputed_value_int64s' is required."
                        : "both 'imputed_value_floats' and 'imputed_value_int64s' are set; exactly one is allowed.",
                    value: "imputed_value_floats")
            }
            // ONNX's default replaced values are 0 (onnxruntime applies the schema defaults).
            let imputer = GraphOp.Imputer(
                values: floats, replacedValue: try c.float("replaced_value_float", default: 0), int64Values: ints,
                replacedInt64: try c.int("replaced_value_int64", default: 0))
            emit(c, .imputer(imputer), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "ZipMap":
            throw c.unsupported(
                "ZipMap turns probabilities into a sequence of maps, which the runtime does not support. Convert the "
                    + "classifier with zipmap=False (skl2onnx: to_onnx(model, X, options={id(model): {'zipmap': False}}) "
                    + "or convert_sklearn(..., options={id(model): {'zipmap': False}})); probabilities then come out "
                    + "as a float tensor [N, classes].")

        default:
            throw c.unsupported(
                "operator '\(node.opType)' is not supported. " + ONNXImporter.supportedList("ai.onnx.ml"))
        }
    }

    /// Integer or string labels from whichever of the two attributes is present (exactly one must be).
    func classLabels(_ c: ONNXNodeContext, ints: String, strings: String) throws -> GraphOp.ClassLabels {
        let intLabels = try c.ints(ints)
        let stringLabels = try c.strings(strings)
        switch (intLabels.isEmpty, stringLabels.isEmpty) {
        case (false, true): return .int64(intLabels)
        case (true, false): return .string(stringLabels)
        case (false, false):
            throw c.invalid("both '\(ints)' and '\(strings)' are set; exactly one is allowed.", value: ints)
        case (true, true): throw c.invalid("one of '\(ints)' or '\(strings)' is required.", value: ints)
        }
    }

    /// The `post_transform` attribute (default `NONE`).
    func postTransform(_ c: ONNXNodeContext) throws -> GraphOp.PostTransform {
        switch try c.string("post_transform", default: "NONE") {
        case "NONE": return .none
        case "LOGISTIC": return .logistic
        case "SOFTMAX": return .softmax
        case "SOFTMAX_ZERO": return .softmaxZero
        case "PROBIT": return .probit
        case let other:
            throw c.unsupported(
                "post_transform '\(other)' is not supported (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT).",
                value: "post_transform")
        }
    }
}
