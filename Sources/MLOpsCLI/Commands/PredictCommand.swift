import Foundation
import MLOps

/// `mlops predict --model FILE --input CSV --output CSV [--format F]`: runs a model over a CSV.
enum PredictCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["predict"],
        summary: "run a model (XGBoost JSON, LightGBM text, ONNX or model package) over a CSV of features",
        discussion: """
            Missing values are empty fields. Features are the CSV's columns in order, or, when the model \
            names its features, those columns by name. Tree binary classifiers write probability and \
            margin, regressors prediction, multiclass models probability_0…probability_{K-1}; ONNX and \
            package models write one column per output named after it for an output of shape [N], and \
            <name>_0…<name>_{K-1} for an output of shape [N, K] (also when K is 1).
            """,
        options: [
            .value("model", "FILE", "the model file"),
            .value("input", "CSV", "the input features (header row required)"),
            .value("output", "CSV", "where to write the predictions"),
            .value("format", "FORMAT", "auto (default), xgboost, lightgbm, onnx or package"),
        ],
        run: { arguments, context in
            guard let modelPath = arguments.value("model"), let inputPath = arguments.value("input"),
                let outputPath = arguments.value("output")
            else {
                throw UsageError(message: "give --model, --input and --output", usage: spec.usage)
            }
            let model = try Model.load(path: modelPath, format: arguments.value("format") ?? "auto")
            let table = try Table.readCSV(path: inputPath)
            let columns = try predict(model, table: table)
            try writeCSV(columns, rowCount: table.rowCount, to: outputPath)
            context.out("wrote \(table.rowCount) rows, \(columns.count) columns to \(outputPath)")
        })

    /// A loaded model: a tree ensemble or a graph (with the feature names it declares).
    enum Model: Sendable {
        case trees(TreeEnsemble, format: String)
        case graph(ModelGraph, featureNames: [String], format: String)

        /// The format name, e.g. `xgboost`.
        var format: String {
            switch self {
            case .trees(_, let format), .graph(_, _, let format): return format
            }
        }

        /// Loads `path` as `format` (`auto` picks by extension; unknown extensions try a package).
        static func load(path: String, format: String) throws -> Model {
            var resolved = format.lowercased()
            if resolved == "auto" {
                switch URL(fileURLWithPath: path).pathExtension.lowercased() {
                case "json": resolved = "xgboost"
                case "txt": resolved = "lightgbm"
                case "onnx": resolved = "onnx"
                default: resolved = "package"
                }
            }
            switch resolved {
            case "xgboost": return .trees(try XGBoostImporter.load(path: path), format: resolved)
            case "lightgbm": return .trees(try LightGBMImporter.load(path: path), format: resolved)
            case "onnx":
                return .graph(try ONNXImporter.importGraph(contentsOfFile: path), featureNames: [], format: resolved)
            case "package":
                let package = try ModelPackage(contentsOf: path)
                return .graph(package.graph, featureNames: package.signature.featureNames, format: resolved)
            default:
                throw MLOpsError(
                    .invalidArgument, "unknown model format; use auto, xgboost, lightgbm, onnx or package",
                    value: format)
            }
        }
    }

    /// The feature columns of `table` as `Double`s (NaN = missing), selected by name when
    /// `names` is not empty, else all columns in order.
    static func features(_ table: Table, names: [String]) throws -> [[Double]] {
        if names.isEmpty { return try table.columns.map { try $0.doubles() } }
        return try names.map { name in
            guard let column = table.column(named: name) else {
                throw MLOpsError(.invalidArgument, "the input CSV has no column for the model's feature", value: name)
            }
            return try column.doubles()
        }
    }

    /// Runs `model` over `table` and returns the output columns (name, values as text).
    static func predict(_ model: Model, table: Table) throws -> [(String, [String])] {
        let rowCount = table.rowCount
        switch model {
        case .trees(let ensemble, _):
            let columns = try features(table, names: ensemble.featureNames)
            guard columns.count == ensemble.featureCount else {
                throw MLOpsError(
                    .invalidArgument,
                    "the input CSV has \(columns.count) feature columns; the model needs "
                        + "\(ensemble.featureCount)", value: String(columns.count))
            }
            var rows = [Double](repeating: 0, count: rowCount * columns.count)
            for (j, column) in columns.enumerated() {
                for i in 0..<rowCount { rows[i * columns.count + j] = column[i] }
            }
            let (raw, transformed) = try ensemble.predictBatch(rows: rows, rowCount: rowCount)
            let k = ensemble.outputCount
            func column(_ values: [Double], _ index: Int) -> [String] {
                (0..<rowCount).map { values[$0 * k + index].description }
            }
            switch ensemble.task {
            case .binaryClassification:
                return [("probability", column(transformed, 0)), ("margin", column(raw, 0))]
            case .multiclassClassification:
                return (0..<k).map { ("probability_\($0)", column(transformed, $0)) }
            case .regression:
                if k == 1 { return [("prediction", column(transformed, 0))] }
                return (0..<k).map { ("prediction_\($0)", column(transformed, $0)) }
            }
        case .graph(let graph, let featureNames, _):
            let compiled = try graph.compile()
            let inputs = try graphInputs(graph, table: table, featureNames: featureNames)
            let results = try compiled.predict(inputs)
            var out: [(String, [String])] = []
            for info in graph.outputs {
                guard let tensor = results[info.name] else {
                    throw MLOpsError(.invalidArgument, "the model did not produce its output", value: info.name)
                }
                out += try outputColumns(name: info.name, tensor: tensor, rowCount: rowCount)
            }
            return out
        }
    }

    /// Builds the graph's inputs: a single input gets every feature column as [N, F]; with
    /// several inputs, each is filled from the CSV column of the same name as [N, 1].
    static func graphInputs(_ graph: ModelGraph, table: Table, featureNames: [String]) throws -> [String: Tensor] {
        let rowCount = table.rowCount
        var result: [String: Tensor] = [:]
        for info in graph.inputs {
            let columns: [[Double]]
            if graph.inputs.count == 1 {
                columns = try features(table, names: featureNames)
            } else {
                columns = try features(table, names: [info.name])
            }
            let width = columns.count
            var values = [Double](repeating: 0, count: rowCount * width)
            for (j, column) in columns.enumerated() {
                for i in 0..<rowCount { values[i * width + j] = column[i] }
            }
            let rank = info.shape?.count ?? 2
            let shape = rank == 1 && width == 1 ? [rowCount] : [rowCount, width]
            switch info.elementType {
            case .float32: result[info.name] = try Tensor(shape: shape, float32: values.map { Float($0) })
            case .float64: result[info.name] = try Tensor(shape: shape, float64: values)
            case .int64:
                guard values.allSatisfy({ $0.isFinite && abs($0) < 9.2e18 }) else {
                    throw MLOpsError(
                        .invalidArgument, "an integer input has a missing or non-integer value",
                        value: info.name)
                }
                result[info.name] = try Tensor(shape: shape, int64: values.map { Int64($0) })
            case .bool: result[info.name] = try Tensor(shape: shape, bool: values.map { $0 != 0 })
            case .string:
                throw MLOpsError(
                    .unsupported, "string model inputs are not supported by mlops predict",
                    value: info.name)
            }
        }
        return result
    }

    /// The CSV columns of one output tensor.
    ///
    /// An output of shape [N] (one value per row) becomes one column `name`; an output of shape
    /// [N, K] becomes `name_0…name_{K-1}` for every K, including 1, so a column's name shows the
    /// output's rank. Higher ranks [N, A, B, …] are flattened per row to `name_0…name_{A·B·…-1}`.
    /// A scalar output is accepted for a single row.
    static func outputColumns(name: String, tensor: Tensor, rowCount: Int) throws -> [(String, [String])] {
        let texts: [String]
        switch tensor.storage {
        case .float32(let v): texts = v.map(\.description)
        case .float64(let v): texts = v.map(\.description)
        case .int64(let v): texts = v.map(\.description)
        case .bool(let v): texts = v.map { $0 ? "1" : "0" }
        case .string(let v): texts = v
        }
        let shape = tensor.shape
        let mismatch = MLOpsError(
            .invalidArgument, "an output does not have one row per input row", value: "\(name) \(shape)")
        // Values per row: 1 for [N] (and a scalar), the product of the trailing dimensions otherwise.
        var perRow = 1
        for d in shape.dropFirst() {
            let (p, overflow) = perRow.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow else { throw mismatch }
            perRow = p
        }
        let (expected, overflow) = perRow.multipliedReportingOverflow(by: rowCount)
        guard (shape.first ?? 1) == rowCount, !overflow, expected == texts.count else { throw mismatch }
        guard shape.count >= 2 else { return [(name, texts)] }
        let k = perRow
        return (0..<k).map { j in ("\(name)_\(j)", (0..<rowCount).map { texts[$0 * k + j] }) }
    }

    /// Writes the columns as CSV (fields quoted when needed).
    static func writeCSV(_ columns: [(String, [String])], rowCount: Int, to path: String) throws {
        func field(_ text: String) -> String {
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return text
        }
        var text = columns.map { field($0.0) }.joined(separator: ",") + "\n"
        for i in 0..<rowCount {
            text += columns.map { field($0.1[i]) }.joined(separator: ",") + "\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MLOpsError(.ioError, "could not write the output CSV: \(error)", value: path)
        }
    }
}
