import MLOpsCore

extension ShapeInference {
    /// Checks an SVM classifier's attributes against an input of `features` features.
    static func checkSVMClassifier(
        _ c: GraphOp.SVMClassifier, features: Int, fail: (String) -> MLOpsError
    ) throws {
        let k = c.labels.count
        guard k >= 1, k < 65_536 else { throw fail("\(k) class labels; expected 1...65535.") }
        guard c.probA.count == c.probB.count else {
            throw fail("prob_a has \(c.probA.count) values but prob_b has \(c.probB.count).")
        }
        try checkKernel(c.kernel, fail: fail)
        let v = c.vectorCount
        guard v > 0 else {
            // Linear mode: [K, F] weights and one shared intercept.
            guard ShapeBounds.product(k, features) == c.coefficients.count, features > 0 else {
                throw fail(
                    "\(c.coefficients.count) coefficients for \(k) classes × \(features) features (linear mode).")
            }
            guard !c.rho.isEmpty else { throw fail("rho is empty; linear mode needs one intercept.") }
            return
        }
        guard c.vectorsPerClass.count == k else {
            throw fail("vectors_per_class has \(c.vectorsPerClass.count) entries for \(k) class labels.")
        }
        guard c.vectorsPerClass.allSatisfy({ $0 >= 0 }), v < Int.max else {
            throw fail("vectors_per_class \(c.vectorsPerClass.prefix(8)) has a negative or too large count.")
        }
        guard k >= 2 else { throw fail("a support vector classifier needs at least 2 classes, got \(k).") }
        guard features > 0, ShapeBounds.product(v, features) == c.supportVectors.count else {
            throw fail("\(c.supportVectors.count) support vector values for \(v) vectors × \(features) features.")
        }
        let needed = ShapeBounds.product(k - 1, v) ?? Int.max
        guard c.coefficients.count >= needed else {
            throw fail("\(c.coefficients.count) coefficients; expected (classes - 1) × vectors = \(needed).")
        }
        guard c.rho.count >= c.pairCount else {
            throw fail("rho has \(c.rho.count) values; expected one per class pair (\(c.pairCount)).")
        }
        guard c.probA.isEmpty || c.probA.count >= c.pairCount else {
            throw fail("prob_a has \(c.probA.count) values; expected one per class pair (\(c.pairCount)).")
        }
    }

    /// Checks an SVM regressor's attributes against an input of `features` features.
    static func checkSVMRegressor(
        _ r: GraphOp.SVMRegressor, features: Int, fail: (String) -> MLOpsError
    ) throws {
        try checkKernel(r.kernel, fail: fail)
        guard !r.rho.isEmpty else { throw fail("rho is empty; expected one intercept.") }
        guard r.supportCount >= 0 else { throw fail("n_supports is negative (\(r.supportCount)).") }
        guard r.supportCount > 0 else {
            guard features > 0, r.coefficients.count == features else {
                throw fail("\(r.coefficients.count) coefficients for \(features) features (linear mode).")
            }
            return
        }
        guard features > 0, ShapeBounds.product(r.supportCount, features) == r.supportVectors.count else {
            throw fail(
                "\(r.supportVectors.count) support vector values for \(r.supportCount) vectors × \(features) features.")
        }
        guard r.coefficients.count >= r.supportCount else {
            throw fail("\(r.coefficients.count) coefficients for \(r.supportCount) support vectors.")
        }
    }

    private static func checkKernel(_ k: GraphOp.SVMKernel, fail: (String) -> MLOpsError) throws {
        // Any float is safe to compute with; only a NaN degree is refused, as it has no meaning.
        guard !k.degree.isNaN else { throw fail("the kernel degree is NaN.") }
    }

    /// Checks a label encoder's table against its input element type.
    static func checkLabelEncoder(
        _ e: GraphOp.LabelEncoder, input: ElementType, fail: (String) -> MLOpsError
    ) throws {
        guard e.keys.elementType == input else {
            throw fail("the input is \(input) but the keys are \(e.keys.elementType).")
        }
        guard e.keys.count == e.values.count else {
            throw fail("\(e.keys.count) keys but \(e.values.count) values.")
        }
        guard e.defaultValue.count == 1, e.defaultValue.elementType == e.values.elementType else {
            throw fail(
                "the default must be one \(e.values.elementType) value, got \(e.defaultValue.count) "
                    + "\(e.defaultValue.elementType).")
        }
    }
}
