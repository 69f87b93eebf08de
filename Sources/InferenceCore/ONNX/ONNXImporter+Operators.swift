extension ONNXImporter {
    /// The operators the importer converts, by domain (`ai.onnx`, `ai.onnx.ml`), in name order.
    ///
    /// An operator listed here may still refuse an attribute value or an opset it does not
    /// implement (with an `unsupported` error naming it); one not listed is always refused.
    /// ``describe(serializedBytes:options:)`` uses this list to name every unsupported operator of
    /// a model at once.
    public static let supportedOperators: [String: [String]] = [
        "ai.onnx": [
            "Add", "And", "ArgMax", "ArgMin", "Cast", "Ceil", "Concat", "Constant", "ConstantOfShape", "CumSum",
            "Div", "Equal", "Erf", "Exp", "Flatten", "Floor", "Gather", "GatherElements", "Gemm", "Greater",
            "GreaterOrEqual", "Identity", "Less", "LessOrEqual", "Log", "LogSoftmax", "MatMul", "Max", "Mean",
            "Min", "Mul", "Neg", "Not", "OneHot", "Or", "Pow", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum",
            "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare",
            "Relu", "Reshape", "Scan", "Shape", "Sigmoid", "Sign", "Softmax", "Sqrt", "Sub", "Sum", "Tanh", "TopK",
            "Transpose", "Where", "Xor",
        ],
        "ai.onnx.ml": [
            "ArrayFeatureExtractor", "Binarizer", "Imputer", "LabelEncoder", "LinearClassifier", "LinearRegressor",
            "Normalizer", "OneHotEncoder", "SVMClassifier", "SVMRegressor", "Scaler", "TreeEnsembleClassifier",
            "TreeEnsembleRegressor",
        ],
    ]

    /// Whether the importer converts operator `opType` of `domain` (`""` or `ai.onnx` for the
    /// default domain).
    public static func supports(_ opType: String, domain: String) -> Bool {
        let key = ONNXModelProto.canonicalDomain(domain).isEmpty ? "ai.onnx" : ONNXModelProto.canonicalDomain(domain)
        return supportedOperators[key]?.contains(opType) ?? false
    }

    /// The end of an "operator is not supported" message: the supported operators of `domain`.
    static func supportedList(_ domain: String) -> String {
        "Supported \(domain) operators: " + (supportedOperators[domain] ?? []).joined(separator: ", ") + "."
    }
}
