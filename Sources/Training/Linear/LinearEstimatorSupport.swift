import InferenceCore
import MLOpsCore

/// What ``Ridge`` and ``LogisticRegression`` share: parsing hyperparameters from text, checking
/// features, and exporting `X·W + b` as an InferenceCore `gemm`.
enum LinearEstimatorSupport {
    /// Checks that `given` names only parameters in `valid`.
    static func checkNames(_ given: [String: String], valid: [String], estimator: String) throws {
        for name in given.keys.sorted() where !valid.contains(name) {
            throw MLOpsError(
                .invalidArgument,
                "\(estimator) has no parameter named \(name); the valid names are \(valid.sorted().joined(separator: ", "))",
                value: name)
        }
    }

    /// Parses a real-number parameter (`nil` when absent).
    static func double(_ parameters: [String: String], _ name: String) throws -> Double? {
        guard let text = parameters[name] else { return nil }
        guard let value = Double(text.trimmingWhitespace), value.isFinite else {
            throw MLOpsError(.invalidArgument, "the parameter \(name) must be a finite number", value: text)
        }
        return value
    }

    /// Parses a whole-number parameter (`nil` when absent).
    static func int(_ parameters: [String: String], _ name: String) throws -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text.trimmingWhitespace) else {
            throw MLOpsError(.invalidArgument, "the parameter \(name) must be a whole number", value: text)
        }
        return value
    }

    /// Parses a boolean parameter (`true`/`false`, `1`/`0`; `nil` when absent).
    static func bool(_ parameters: [String: String], _ name: String) throws -> Bool? {
        guard let text = parameters[name] else { return nil }
        switch text.trimmingWhitespace.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            throw MLOpsError(.invalidArgument, "the parameter \(name) must be true or false", value: text)
        }
    }

    /// Throws `invalidArgument` naming the first NaN or infinite feature value (its column and
    /// 1-based row), or when there are no feature columns.
    static func checkFeatures(_ features: FeatureMatrix, estimator: String) throws {
        guard features.columnCount > 0 else {
            throw MLOpsError(.invalidArgument, "\(estimator) needs at least one feature column", value: "0")
        }
        let index = features.values.withUnsafeBufferPointer { values in
            values.firstIndex { !$0.isFinite }
        }
        guard let index else { return }
        let row = index / features.columnCount
        let column = features.featureNames[index % features.columnCount]
        let value = features.values[index]
        if value.isNaN {
            throw MLOpsError(
                .invalidArgument,
                "the feature \(column) is missing at row \(row + 1); \(estimator) cannot take missing values, impute it first",
                value: column)
        }
        throw MLOpsError(
            .invalidArgument,
            "the feature \(column) is infinite (\(value)) at row \(row + 1); \(estimator) needs finite values",
            value: column)
    }

    /// Throws `invalidArgument` when `features` does not have `count` columns.
    static func checkWidth(_ features: FeatureMatrix, count: Int) throws {
        guard features.columnCount == count else {
            throw MLOpsError(
                .invalidArgument, "the model takes \(count) features but \(features.columnCount) were given",
                value: String(features.columnCount))
        }
    }

    /// Appends `input · weights + bias` as a `gemm` to `builder` (casting a `float64` input to
    /// `float32` first) and returns the [N, outputs] result.
    ///
    /// - Parameters:
    ///   - weights: [outputs × input.width], row-major: row k holds the weights of output k.
    ///   - bias: One value per output.
    static func exportAffine(
        into builder: inout GraphBuilder, input: GraphValue, weights: [Double], bias: [Double], hint: String
    ) throws -> GraphValue {
        let outputs = bias.count
        guard outputs > 0, weights.count == outputs * input.width else {
            throw MLOpsError(
                .invalidArgument,
                "the model takes \(weights.count / max(outputs, 1)) features but the graph input has \(input.width)",
                value: input.name)
        }
        var source = input
        if input.elementType != .float32 {
            source = builder.add(
                .cast(to: .float32), inputs: [input.name], output: (.float32, input.width), hint: hint + "_input")
        }
        // B is stored [outputs, features] with transB, as a dense layer.
        let b = builder.constant(
            try Tensor(shape: [outputs, input.width], float32: weights.map { Float($0) }), hint: hint + "_weights")
        let c = builder.constant(try Tensor(shape: [outputs], float32: bias.map { Float($0) }), hint: hint + "_bias")
        return builder.add(
            .gemm(.init(transB: true)), inputs: [source.name, b, c], output: (.float32, outputs), hint: hint)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
