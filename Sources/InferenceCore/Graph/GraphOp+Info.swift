extension GraphOp {
    /// A short name of the op for messages, e.g. `"gemm"`.
    public var kindName: String {
        switch self {
        case .gemm: "gemm"
        case .matMul: "matMul"
        case .add: "add"
        case .sub: "sub"
        case .mul: "mul"
        case .div: "div"
        case .relu: "relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .identity: "identity"
        case .softmax: "softmax"
        case .logSoftmax: "logSoftmax"
        case .concat: "concat"
        case .reshape: "reshape"
        case .flatten: "flatten"
        case .transpose: "transpose"
        case .cast: "cast"
        case .argMax: "argMax"
        case .argMin: "argMin"
        case .reduce: "reduce"
        case .topK: "topK"
        case .gather: "gather"
        case .cumSum: "cumSum"
        case .scaler: "scaler"
        case .imputer: "imputer"
        case .normalizer: "normalizer"
        case .oneHot: "oneHot"
        case .oneHotEncoder: "oneHotEncoder"
        case .arrayFeatureExtractor: "arrayFeatureExtractor"
        case .linearClassifier: "linearClassifier"
        case .linearRegressor: "linearRegressor"
        case .treeEnsemble: "treeEnsemble"
        }
    }

    /// The accepted number of inputs (inclusive range) and the exact number of outputs.
    var arity: (inputs: ClosedRange<Int>, outputs: Int) {
        switch self {
        case .gemm: (2...3, 1)
        case .matMul, .add, .sub, .mul, .div, .arrayFeatureExtractor, .gather: (2...2, 1)
        case .topK: (1...1, 2)
        case .concat: (1...Int.max, 1)
        case .linearClassifier: (1...1, 2)
        case .treeEnsemble(let t): (1...1, t.outputs.count)
        default: (1...1, 1)
        }
    }
}
