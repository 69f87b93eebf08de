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
        case .unary(let f): f.rawValue
        case .binary(let f): f.rawValue
        case .variadic(let f): f.rawValue
        case .where: "where"
        case .shape: "shape"
        case .constantOfShape: "constantOfShape"
        case .scan: "scan"
        case .binarizer: "binarizer"
        case .svmClassifier: "svmClassifier"
        case .svmRegressor: "svmRegressor"
        case .labelEncoder: "labelEncoder"
        }
    }

    /// The accepted number of inputs (inclusive range) and the exact number of outputs.
    var arity: (inputs: ClosedRange<Int>, outputs: Int) {
        switch self {
        case .gemm: (2...3, 1)
        case .matMul, .add, .sub, .mul, .div, .arrayFeatureExtractor, .gather: (2...2, 1)
        case .topK: (1...1, 2)
        case .concat, .variadic: (1...Int.max, 1)
        case .binary: (2...2, 1)
        case .reshape: (1...2, 1)
        case .where: (3...3, 1)
        case .linearClassifier, .svmClassifier: (1...1, 2)
        case .treeEnsemble(let t): (1...1, t.outputs.count)
        case .scan(let s): (s.body.inputs.count...s.body.inputs.count, s.body.outputs.count)
        default: (1...1, 1)
        }
    }
}
