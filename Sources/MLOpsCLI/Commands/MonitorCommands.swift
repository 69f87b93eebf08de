import MLOps

/// `mlops monitor profile|drift|schema|validate`: Monitoring on CSV files — profiles, drift between
/// a reference and a current CSV (with an HTML or JSON report), and data validation against a
/// schema inferred from reference data.
///
/// None of them needs a workspace: they read CSV files and write the files they are asked to.
enum MonitorCommands {
    static var specs: [CommandSpec] { [profile, drift, schema, validate] }

    static let jsonFlag = OptionSpec.flag("json", "print JSON instead of text")

    /// Reads a CSV off the cooperative pool.
    static func readTable(_ path: String, _ context: CommandContext) async throws -> Table {
        let absolute = try context.absolutePath(path)
        return try await BlockingExecutor.shared.run { try Table.readCSV(path: absolute) }
    }

    /// The directory and the file name of `path` made absolute.
    static func splitPath(_ path: String, _ context: CommandContext) throws -> (directory: String, name: String) {
        let absolute = try context.absolutePath(path)
        guard let slash = absolute.lastIndex(of: "/") else { return (".", absolute) }
        let directory = slash == absolute.startIndex ? "/" : String(absolute[..<slash])
        let name = String(absolute[absolute.index(after: slash)...])
        guard !name.isEmpty else {
            throw MLOpsError(.invalidArgument, "the path names a directory, not a file", value: path)
        }
        return (directory, name)
    }

    /// Writes `bytes` as the whole content of the file at `path`, replacing it atomically (a
    /// temporary file in the same directory renamed over it).
    static func writeFile(_ path: String, _ bytes: [UInt8], _ context: CommandContext) async throws {
        let (directory, name) = try splitPath(path, context)
        try await BlockingExecutor.shared.run {
            try DirectoryHandle.open(root: directory, create: false).writeFile(name, bytes)
        }
    }

    /// The whole content of the file at `path` (at most 256 MiB).
    static func readFile(_ path: String, _ context: CommandContext) async throws -> [UInt8] {
        let (directory, name) = try splitPath(path, context)
        let bytes = try await BlockingExecutor.shared.run {
            try DirectoryHandle.open(root: directory, create: false).readFile(name, limit: 256 << 20)
        }
        guard let bytes else { throw MLOpsError(.notFound, "there is no file at \(path)", value: path) }
        return bytes
    }

    static let profile = CommandSpec(
        path: ["monitor", "profile"],
        summary: "profile CSV files: counts, types, moments, quantiles, distinct counts, frequent items",
        discussion: """
            Each CSV is profiled in one pass (columns in parallel) into mergeable sketches — a KLL \
            quantile sketch (rank error ≤ 1.33 %), a HyperLogLog distinct count (standard error \
            0.81 %) and frequent items for text and boolean columns — and the profiles of several \
            CSVs with the same columns are merged into one. --out writes the merged profile in its \
            compact binary form; --json prints its JSON summary instead of the table.
            """,
        options: [.value("out", "PATH", "write the profile (binary) here"), jsonFlag],
        positionals: [.variadic("CSV", "files with the same columns (header row required)")],
        run: { arguments, context in
            var merged: DatasetProfile?
            for path in arguments.positionals {
                let table = try await readTable(path, context)
                let profile = try await BlockingExecutor.shared.run { DatasetProfile(table) }
                if merged == nil {
                    merged = profile
                } else {
                    try merged?.merge(profile)
                }
            }
            guard let profile = merged else {
                throw MLOpsError(.invalidArgument, "give at least one CSV to profile", value: "")
            }
            if let out = arguments.value("out") { try await writeFile(out, profile.serialized(), context) }
            if arguments.flag("json") {
                var text = profile.jsonSummary()
                if text.hasSuffix("\n") { text.removeLast() }
                context.out(text)
                return
            }
            printProfile(profile, files: arguments.positionals.count, context)
            if let out = arguments.value("out") { context.out("profile written to \(out)") }
        })

    /// The text form of a profile: one line per column.
    static func printProfile(_ profile: DatasetProfile, files: Int, _ context: CommandContext) {
        context.out(
            "\(profile.rowCount) rows × \(profile.columns.count) columns from \(files) file\(files == 1 ? "" : "s")")
        var rows = [["COLUMN", "TYPE", "MISSING", "MEAN", "SD", "MIN", "P50", "MAX", "DISTINCT", "TOP"]]
        for column in profile.columns {
            let numeric = column.statistics.count > 0
            let top = column.frequentItems?.items().first.map { "\($0.value) (\($0.estimate))" } ?? ""
            rows.append([
                column.name, column.typeCounts.inferredType.map { "\($0)" } ?? "-", String(column.missingCount),
                numeric ? TextTable.number(column.statistics.mean) : "",
                numeric ? TextTable.number(column.statistics.standardDeviation) : "",
                column.statistics.minimum.map(TextTable.number) ?? "",
                column.quantiles?.quantile(0.5).map(TextTable.number) ?? "",
                column.statistics.maximum.map(TextTable.number) ?? "", String(Int(column.distinctEstimate.rounded())),
                top,
            ])
        }
        TextTable.render(rows, maxColumnWidth: 32).forEach(context.out)
    }

    static let drift = CommandSpec(
        path: ["monitor", "drift"],
        summary: "test every column of CURRENT for drift from REFERENCE; print, or write an HTML/JSON report",
        discussion: """
            By default each column gets Evidently's default test and threshold: with more than 1,000 \
            reference rows, the normed Wasserstein distance (≥ 0.1) for numbers with more than 5 \
            values and the Jensen-Shannon distance (≥ 0.1) otherwise; with fewer, Kolmogorov-Smirnov \
            (p ≤ 0.05) for numbers and chi-square or, for two values, the Z-test (p < 0.05). \
            --method applies one test to every column (KS and Wasserstein only to numbers); \
            --threshold replaces every column's threshold. The dataset drifts when at least \
            --share of its columns do (default 0.5). Missing values, NaN and infinities are left out.

            --json prints an array with one object per column: {"column", "kind", "method", \
            "statistic", "p_value", "threshold", "drift"}; p_value is null for the distances, and \
            a statistic that is not finite (chi-square when CURRENT has a value REFERENCE never \
            had) is null. --html writes a self-contained page (no scripts, nothing fetched) with \
            the drift table and each column's two distributions.

            REFERENCE and CURRENT may also both be profiles written by 'mlops monitor profile \
            --out': the tests then run on the sketches (same rule and options), with the error \
            each statistic can carry stated by the SDK (ColumnDriftResult.statisticErrorBound); \
            KS p-values from sketches of more than about 10,000 rows over-detect. No --html then.
            """,
        options: [
            .value("method", "M", "auto, ks, psi, wasserstein, jensenshannon, chisquare or z (default auto)"),
            .value("threshold", "X", "the threshold of every column's test"),
            .value("share", "S", "share of drifted columns at which the dataset drifts (default 0.5)"),
            .value("columns", "A,B", "test only these columns"),
            .value("html", "PATH", "write the HTML report here"),
            jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "REFERENCE", help: "the reference rows (CSV, header row required) or profile"),
            PositionalSpec(name: "CURRENT", help: "the rows to test (same columns), or their profile"),
        ],
        run: { arguments, context in
            var options = DriftOptions()
            if let text = arguments.value("method"), text != "auto" {
                guard let method = DriftMethod(rawValue: text) else {
                    throw MLOpsError(
                        .invalidArgument,
                        "unknown drift method \(text); use auto, ks, psi, wasserstein, jensenshannon, chisquare or z",
                        value: text)
                }
                options.method = method
            }
            if let text = arguments.value("threshold") {
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    throw MLOpsError(.invalidArgument, "--threshold must be a non-negative number", value: text)
                }
                options.threshold = value
            }
            if let text = arguments.value("share") {
                guard let value = Double(text), value > 0, value <= 1 else {
                    throw MLOpsError(.invalidArgument, "--share must be a number in (0, 1]", value: text)
                }
                options.driftShare = value
            }
            if let text = arguments.value("columns") {
                options.columns = text.split(separator: ",").map(String.init)
            }
            let referencePath = arguments.positional(0) ?? ""
            let currentPath = arguments.positional(1) ?? ""
            let detector = DriftDetector(options: options)
            let result: DatasetDriftResult
            switch (try await readProfile(referencePath, context), try await readProfile(currentPath, context)) {
            case (let reference?, let current?):
                guard arguments.value("html") == nil else {
                    throw MLOpsError(
                        .unsupported, "--html needs the rows (CSV files); drift from profiles prints text or JSON",
                        value: referencePath)
                }
                result = try detector.detect(reference: reference, current: current)
            case (nil, nil):
                let reference = try await readTable(referencePath, context)
                let current = try await readTable(currentPath, context)
                result = try await BlockingExecutor.shared.run {
                    try detector.detect(reference: reference, current: current)
                }
                if let out = arguments.value("html") {
                    let report = try MonitoringReport(
                        title: "Drift: \(currentPath) against \(referencePath)",
                        generatedMilliseconds: Int64(clamping: Platform.wallClockMilliseconds()), drift: result,
                        reference: reference, current: current)
                    try await writeFile(out, Array(ReportRenderer().html(report).utf8), context)
                }
            default:
                throw MLOpsError(
                    .invalidArgument, "REFERENCE and CURRENT must both be CSV files or both be profiles",
                    value: "\(referencePath), \(currentPath)")
            }
            if arguments.flag("json") {
                context.out(driftJSON(result))
                return
            }
            var rows = [["COLUMN", "KIND", "METHOD", "STATISTIC", "P-VALUE", "THRESHOLD", "DRIFT"]]
            for column in result.columns {
                rows.append([
                    column.column, column.kind.rawValue, column.method.rawValue, TextTable.number(column.statistic),
                    column.pValue.map(TextTable.number) ?? "-", TextTable.number(column.threshold),
                    column.isDrifted ? "yes" : "no",
                ])
            }
            TextTable.render(rows).forEach(context.out)
            context.out(
                "dataset drift: \(result.isDrifted ? "yes" : "no") — \(result.driftedCount) of \(result.columns.count) "
                    + "columns drifted (share \(TextTable.number(result.share)), threshold "
                    + "\(TextTable.number(result.shareThreshold)))")
            if let out = arguments.value("html") { context.out("report written to \(out)") }
        })

    /// The `--json` form of a drift result: one object per column and line, non-finite numbers as
    /// `null`.
    static func driftJSON(_ result: DatasetDriftResult) -> String {
        var json = JSONWriter(capacity: 256 * max(1, result.columns.count))
        json.raw("[")
        for (index, column) in result.columns.enumerated() {
            json.raw(index == 0 ? "\n  " : ",\n  ")
            MonitoringReport.DriftRow(column).writeJSON(into: &json)
        }
        json.raw(result.columns.isEmpty ? "]" : "\n]")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// The profile in the file at `path` when it starts with a profile's magic bytes (as
    /// `mlops monitor profile --out` writes it); `nil` for anything else (a CSV).
    static func readProfile(_ path: String, _ context: CommandContext) async throws -> DatasetProfile? {
        let (directory, name) = try splitPath(path, context)
        let head = try await BlockingExecutor.shared.run {
            try DirectoryHandle.open(root: directory, create: false).readFile(name, limit: 4)
        }
        guard head == Array("MLPF".utf8) else { return nil }
        return try DatasetProfile(serialized: try await readFile(path, context))
    }

    static let schema = CommandSpec(
        path: ["monitor", "schema"],
        summary: "infer a validation schema from reference rows and write it as JSON",
        discussion: """
            Each column gets its type, whether it may be missing, its range (numbers) or its allowed \
            values (text and boolean columns with at most --max-categories distinct values), and an \
            upper bound on its missing ratio (the reference's ratio plus 0.05). Edit the JSON to \
            tighten or loosen a rule, then check new data with 'mlops monitor validate --schema'.
            """,
        options: [
            .value("out", "PATH", "write the schema here (default: print it)"),
            .value("max-categories", "N", "allowed-value lists for columns with at most N values (default 20)"),
        ],
        positionals: [PositionalSpec(name: "CSV", help: "reference rows (header row required)")],
        run: { arguments, context in
            let table = try await readTable(arguments.positional(0) ?? "", context)
            var options = SchemaInferenceOptions()
            if let text = arguments.value("max-categories") {
                guard let value = Int(text), value >= 0 else {
                    throw MLOpsError(.invalidArgument, "--max-categories must be a non-negative integer", value: text)
                }
                options.maxCategories = value
            }
            let schema = try DataSchema.infer(from: table, options: options)
            let json = try schema.json()
            if let out = arguments.value("out") {
                try await writeFile(out, json + Array("\n".utf8), context)
                context.out("schema of \(schema.columns.count) columns written to \(out)")
            } else {
                context.out(String(decoding: json, as: UTF8.self))
            }
        })

    static let validate = CommandSpec(
        path: ["monitor", "validate"],
        summary: "check a CSV against a schema; exits 1 when any row or column breaks it",
        discussion: """
            Reports table-level findings (missing, extra or retyped columns; a missing ratio above \
            its bound) and per-row violations (missing value, below minimum, above maximum, unknown \
            category, wrong type) with the row (0-based, header excluded), the column, the value and \
            the reason. The first --max-listed violations are listed; the counts are always exact. \
            With --json: the report as one object {"rowCount", "findings", "violations", \
            "violationCount", "invalidRowCount", "violationCountsByColumn"}.
            """,
        options: [
            .required("schema", "PATH", "a schema written by 'mlops monitor schema' (JSON)"),
            .value("max-listed", "N", "list at most N violations (default 20; the counts stay exact)"),
            jsonFlag,
        ],
        positionals: [PositionalSpec(name: "CSV", help: "the rows to check (header row required)")],
        run: { arguments, context in
            var listed = 20
            if let text = arguments.value("max-listed") {
                guard let value = Int(text), value >= 0 else {
                    throw MLOpsError(.invalidArgument, "--max-listed must be a non-negative integer", value: text)
                }
                listed = value
            }
            let schema = try DataSchema(json: try await readFile(arguments.value("schema") ?? "", context))
            let table = try await readTable(arguments.positional(0) ?? "", context)
            let report = schema.validate(table, maxListedViolations: listed)
            if arguments.flag("json") {
                context.out(try DataJSON.text(report))
            } else {
                printValidation(report, context)
            }
            if !report.isValid {
                throw MLOpsError(
                    .invalidArgument,
                    "\(arguments.positional(0) ?? "the CSV") does not match the schema: "
                        + "\(report.findings.count) table findings, \(report.violationCount) violations in "
                        + "\(report.invalidRowCount) rows")
            }
        })

    /// The text form of a validation report.
    static func printValidation(_ report: ValidationReport, _ context: CommandContext) {
        context.out(
            "\(report.rowCount) rows: \(report.invalidRowCount) invalid, \(report.violationCount) violations, "
                + "\(report.findings.count) table findings")
        if !report.findings.isEmpty {
            var rows = [["FINDING", "COLUMN", "EXPECTED", "ACTUAL"]]
            for finding in report.findings {
                rows.append([finding.kind.rawValue, finding.column, finding.expected, finding.actual])
            }
            TextTable.render(rows).forEach(context.out)
        }
        if !report.violationCountsByColumn.isEmpty {
            let counts = report.violationCountsByColumn.sorted { $0.key < $1.key }
            context.out("violations by column: " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !report.violations.isEmpty {
            var rows = [["ROW", "COLUMN", "KIND", "VALUE", "REASON"]]
            for violation in report.violations {
                rows.append([
                    String(violation.row), violation.column, violation.kind.rawValue, violation.value,
                    violation.reason,
                ])
            }
            TextTable.render(rows, maxColumnWidth: 60).forEach(context.out)
            if report.isTruncated {
                context.out("(\(report.violations.count) of \(report.violationCount) violations listed)")
            }
        }
    }
}
