import MLOps

/// `mlops predict --model FILE --input CSV --output CSV [--format F]`: runs a model over a CSV.
enum PredictCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["predict"],
        summary: "run a model (XGBoost JSON, LightGBM text, ONNX or model package) over a CSV of features",
        discussion: """
            The model's format is recognised by its content. Missing values are empty fields (and, with \
            --allow-non-finite, nan). When the model names its features, the CSV must have exactly those \
            columns (in any order); otherwise its columns are the features in order. Tree binary classifiers \
            write probability and margin, regressors prediction, multiclass models \
            probability_0…probability_{K-1}; ONNX and package models write one column per output named after \
            it for an output of shape [N], and <name>_0…<name>_{K-1} for an output of shape [N, K] (also when \
            K is 1). --output - writes the CSV to standard output.
            """,
        options: [
            .required("model", "FILE", "the model file"),
            .required("input", "CSV", "the input features (header row required)"),
            .required("output", "CSV", "where to write the predictions (- for standard output)"),
            .value("format", "FORMAT", "auto (default: detect from the content), xgboost, lightgbm, onnx or package"),
            .flag("allow-non-finite", "read nan, inf and -inf in the input as numbers (default: an error)"),
        ],
        run: { arguments, context in
            // The parser has checked the required options.
            let modelPath = arguments.value("model") ?? ""
            let inputPath = arguments.value("input") ?? ""
            let outputPath = arguments.value("output") ?? ""
            let model = try Model(contentsOf: modelPath, format: try format(arguments.value("format")))
            for warning in model.warnings { context.err("warning: \(warning)") }
            var readOptions = CSVReadOptions()
            readOptions.allowNonFiniteNumbers = arguments.flag("allow-non-finite")
            let table = try Table.readCSV(path: inputPath, options: readOptions)
            let rows = try chunkRows(model)
            if outputPath == "-" {
                // One chunk of predictions at a time, so only one chunk is ever text in memory.
                var header = true
                try predictChunks(model, table, rowsPerChunk: rows) { predictions in
                    var text = String(
                        decoding: try CSVWriter.encode(predictions, options: CSVWriteOptions(includeHeader: header)),
                        as: UTF8.self)
                    header = false
                    if text.hasSuffix("\n") { text.removeLast() }
                    if !text.isEmpty { context.out(text) }
                }
            } else {
                var columns = 0
                try write(to: outputPath) { writer in
                    try predictChunks(model, table, rowsPerChunk: rows) { predictions in
                        columns = predictions.columnCount
                        try writer.write(predictions)
                    }
                }
                context.out("wrote \(table.rowCount) rows, \(columns) columns to \(outputPath)")
            }
        })

    /// The most output values one chunk of predictions holds (about 64 MB as `Double`s, and
    /// its CSV text is written before the next chunk is predicted).
    static let maxValuesPerChunk = 1 << 23
    /// The most rows one chunk of predictions covers.
    static let maxRowsPerChunk = 65_536

    /// Rows per chunk for `model`: ``maxRowsPerChunk``, fewer when its rows have many output
    /// values (at least one row).
    static func chunkRows(_ model: Model) throws -> Int {
        let perRow = try model.outputElementCounts(rowCount: 1).reduce(0) { $0 &+ $1 }
        return max(1, min(maxRowsPerChunk, maxValuesPerChunk / max(perRow, 1)))
    }

    /// Predicts `table` in chunks of `rowsPerChunk` rows and passes each chunk's predictions to
    /// `body`, in order; a table without rows gives one empty chunk (the header).
    static func predictChunks(
        _ model: Model, _ table: Table, rowsPerChunk: Int, _ body: (Table) throws -> Void
    ) throws {
        let rowCount = table.rowCount
        guard rowCount > rowsPerChunk else { return try body(try model.predict(table)) }
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + rowsPerChunk)
            try body(try model.predict(try table.rows(Array(start..<end))))
            start = end
        }
    }

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

    /// Writes CSV to `path` through a writer that `produce` fills (batch by batch).
    ///
    /// A new path or a regular file is replaced atomically: the CSV goes to a temporary file in the
    /// same directory, which is then renamed over `path`. Anything else that is not a directory (a
    /// symbolic link, `/dev/stdout`, a FIFO, a character device) is written in place and never
    /// replaced; a directory is refused.
    static func write(to path: String, _ produce: (inout CSVWriter) throws -> Void) throws {
        if let info = Platform.linkStatus(path: path) {
            if info.type == .directory {
                throw MLOpsError(
                    .invalidArgument,
                    "\(path) is a directory; give a file path for --output (or - for standard output)",
                    value: path)
            }
            if info.type != .regular {
                var writer = try CSVWriter(path: path)
                try produce(&writer)
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
            do {
                try produce(&writer)
            } catch {
                try? writer.close()
                throw error
            }
            try writer.close()
            guard Platform.rename(temporary, to: path) == 0 else {
                let reason = Platform.describe(errno: Platform.errno)
                throw MLOpsError(.ioError, "cannot move the finished CSV into place: \(reason)", value: path)
            }
        } catch let error as MLOpsError where error.code == .ioError {
            Platform.remove(temporary)
            throw MLOpsError(error.code, "cannot write the output CSV \(path): \(error.message)", value: path)
        } catch {
            Platform.remove(temporary)
            throw error
        }
    }
}
