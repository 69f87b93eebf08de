import MLOps

/// `mlops predict --model FILE --input CSV --output CSV [--format F]`: runs a model over a CSV.
enum PredictCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["predict"],
        summary: "run a model (XGBoost JSON, LightGBM text, ONNX or model package) over a CSV of features",
        discussion: """
            The model's format is recognised by its content. Missing values are empty fields. When the \
            model names its features, the CSV must have exactly those columns (in any order); otherwise its \
            columns are the features in order. Tree binary classifiers write probability and margin, \
            regressors prediction, multiclass models probability_0…probability_{K-1}; ONNX and package \
            models write one column per output named after it for an output of shape [N], and \
            <name>_0…<name>_{K-1} for an output of shape [N, K] (also when K is 1). --output - writes \
            the CSV to standard output.
            """,
        options: [
            .required("model", "FILE", "the model file"),
            .required("input", "CSV", "the input features (header row required)"),
            .required("output", "CSV", "where to write the predictions (- for standard output)"),
            .value("format", "FORMAT", "auto (default: detect from the content), xgboost, lightgbm, onnx or package"),
        ],
        run: { arguments, context in
            // The parser has checked the required options.
            let modelPath = arguments.value("model") ?? ""
            let inputPath = arguments.value("input") ?? ""
            let outputPath = arguments.value("output") ?? ""
            let model = try Model(contentsOf: modelPath, format: try format(arguments.value("format")))
            let table = try Table.readCSV(path: inputPath)
            let predictions = try model.predict(table)
            if outputPath == "-" {
                var text = String(decoding: try CSVWriter.encode(predictions), as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                context.out(text)
            } else {
                try write(predictions, to: outputPath)
                context.out("wrote \(predictions.rowCount) rows, \(predictions.columnCount) columns to \(outputPath)")
            }
        })

    /// The `--format` value as a format, `nil` for `auto` (detect by content).
    static func format(_ text: String?) throws -> ModelFormat? {
        guard let text, text.lowercased() != "auto" else { return nil }
        guard let format = ModelFormat(rawValue: text.lowercased()) else {
            throw MLOpsError(
                .invalidArgument, "unknown model format \(text); use auto, xgboost, lightgbm, onnx or package",
                value: text)
        }
        return format
    }

    /// Writes `table` as CSV to `path`.
    ///
    /// A new path or a regular file is replaced atomically: the CSV goes to a temporary file in the
    /// same directory, which is then renamed over `path`. Anything else that is not a directory (a
    /// symbolic link, `/dev/stdout`, a FIFO, a character device) is written in place and never
    /// replaced; a directory is refused.
    static func write(_ table: Table, to path: String) throws {
        if let info = Platform.linkStatus(path: path) {
            if info.type == .directory {
                throw MLOpsError(
                    .invalidArgument,
                    "\(path) is a directory; give a file path for --output (or - for standard output)",
                    value: path)
            }
            if info.type != .regular {
                var writer = try CSVWriter(path: path)
                try writer.write(table)
                try writer.close()
                return
            }
        } else if Platform.errno != Platform.noSuchFile {
            let reason = Platform.describe(errno: Platform.errno)
            throw MLOpsError(.ioError, "cannot write the output CSV \(path): \(reason)", value: path)
        }
        let temporary = path + ".tmp-\(Platform.processID)-\(UInt64.random(in: 0...UInt64.max))"
        do {
            var writer = try CSVWriter(path: temporary)
            try writer.write(table)
            try writer.close()
            guard Platform.rename(temporary, to: path) == 0 else {
                let reason = Platform.describe(errno: Platform.errno)
                throw MLOpsError(.ioError, "cannot move the finished CSV into place: \(reason)", value: path)
            }
        } catch let error as MLOpsError {
            Platform.remove(temporary)
            throw MLOpsError(error.code, "cannot write the output CSV \(path): \(error.message)", value: path)
        }
    }
}
