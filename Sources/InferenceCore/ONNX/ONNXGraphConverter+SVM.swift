import MLOpsCore

extension ONNXGraphConverter {
    /// Converts `ai.onnx.ml` SVMClassifier and SVMRegressor.
    mutating func convertSVM(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.requireInputs(1)
        let coefficients = try c.floats("coefficients")
        guard !coefficients.isEmpty else {
            throw c.invalid("attribute 'coefficients' is required.", value: "coefficients")
        }
        let rho = try c.floats("rho")
        guard !rho.isEmpty else { throw c.invalid("attribute 'rho' is required.", value: "rho") }
        if node.opType == "SVMClassifier" {
            try c.checkAttributes([
                "kernel_type", "kernel_params", "vectors_per_class", "support_vectors", "coefficients", "rho",
                "prob_a", "prob_b", "classlabels_ints", "classlabels_strings", "post_transform",
            ])
            try c.requireOutputs(1, 2)
            let probA = try c.floats("prob_a")
            let probB = try c.floats("prob_b")
            guard probA.count == probB.count else {
                throw c.invalid(
                    "attributes 'prob_a' (\(probA.count) values) and 'prob_b' (\(probB.count)) differ in length.",
                    value: "prob_a")
            }
            var perClass: [Int] = []
            for n in try c.ints("vectors_per_class") {
                guard n >= 0, n <= Int64(Int32.max) else {
                    throw c.invalid(
                        "attribute 'vectors_per_class' holds \(n); expected 0...\(Int32.max).",
                        value: "vectors_per_class")
                }
                perClass.append(Int(n))
            }
            let classifier = GraphOp.SVMClassifier(
                kernel: try svmKernel(c), vectorsPerClass: perClass, supportVectors: try c.floats("support_vectors"),
                coefficients: coefficients, rho: rho, probA: probA, probB: probB,
                labels: try classLabels(c, ints: "classlabels_ints", strings: "classlabels_strings"),
                postTransform: try postTransform(c))
            emit(c, .svmClassifier(classifier), inputs: [node.inputs[0]], outputs: outputNames(c, count: 2))
        } else {
            try c.checkAttributes([
                "kernel_type", "kernel_params", "n_supports", "support_vectors", "coefficients", "rho", "one_class",
                "post_transform",
            ])
            try c.requireOutputs(1)
            let regressor = GraphOp.SVMRegressor(
                kernel: try svmKernel(c), supportCount: try c.int("n_supports", default: 0, in: 0...Int(Int32.max)),
                supportVectors: try c.floats("support_vectors"), coefficients: coefficients, rho: rho,
                oneClass: try c.bool("one_class", default: false), postTransform: try postTransform(c))
            emit(c, .svmRegressor(regressor), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
        }
    }

    /// `kernel_type` and `kernel_params` ([gamma, coef0, degree], or absent for zeros).
    private func svmKernel(_ c: ONNXNodeContext) throws -> GraphOp.SVMKernel {
        let kind: GraphOp.SVMKernel.Kind
        switch try c.string("kernel_type", default: "LINEAR") {
        case "LINEAR": kind = .linear
        case "POLY": kind = .poly
        case "RBF": kind = .rbf
        case "SIGMOID": kind = .sigmoid
        case let other:
            throw c.unsupported(
                "kernel_type '\(other)' is not supported (LINEAR, POLY, RBF, SIGMOID).", value: "kernel_type")
        }
        let params = try c.floats("kernel_params")
        guard params.isEmpty || params.count == 3 else {
            throw c.invalid(
                "attribute 'kernel_params' has \(params.count) values; expected 3 (gamma, coef0, degree).",
                value: "kernel_params")
        }
        guard params.count == 3 else { return GraphOp.SVMKernel(kind: kind) }
        guard !params[2].isNaN else {
            throw c.invalid("attribute 'kernel_params' has a NaN degree.", value: "kernel_params")
        }
        return GraphOp.SVMKernel(kind: kind, gamma: params[0], coef0: params[1], degree: params[2])
    }
}
