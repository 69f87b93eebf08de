import MLOps
import MLOpsCore

/// `mlops export mlflow|tensorboard|csv|json DIR`: writes a workspace's
/// experiments and runs in another tool's format.
enum ExportCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["export"],
        summary: "export runs as an MLflow file store, TensorBoard event files, or CSV/JSON tables",
        discussion: """
            FORMAT is one of:
              mlflow       an MLflow file store (mlruns layout): DIR/<experiment_id>/<run_id>/…
                           Read it with MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file:DIR
              tensorboard  one event file per run: DIR/<experiment>/<run>/events.out.tfevents.…
                           View it with tensorboard --logdir DIR
              csv, json    DIR/experiments.<ext>, DIR/runs.<ext> (one row per run) and
                           DIR/metrics.<ext> (one row per metric point)

            The MLflow export includes deleted experiments and runs, as MLflow keeps them; the \
            others export active ones unless --all is given. Exporting again into the same DIR \
            replaces, file by file, what the previous export wrote for the same runs; it never \
            removes other files, never follows a symbolic link inside DIR (one where the export \
            writes is an error), and DIR must not be inside the workspace.

            CSV text cells starting with = + - @ (or a tab or carriage return) get a leading ' so \
            that spreadsheets do not run them as formulas; numbers are left as they are. \
            --no-formula-escaping writes them unchanged.
            """,
        options: [
            .workspace,
            .value("experiment", "NAME", "only this experiment (name or ID)"),
            .value("run", "RUN_ID", "only this run"),
            .flag("all", "include deleted experiments and runs (always on for mlflow)"),
            .flag("no-formula-escaping", "csv: write text cells starting with = + - @ unchanged"),
            .flag("json", "print the summary as JSON"),
        ],
        positionals: [
            PositionalSpec(name: "FORMAT", help: "mlflow, tensorboard, csv or json"),
            PositionalSpec(name: "DIR", help: "the directory to write (created if missing)"),
        ],
        run: { arguments, context in
            guard let format = arguments.positional(0), let directory = arguments.positional(1) else {
                throw UsageError(message: "give a FORMAT and a DIR", usage: spec.usage)
            }
            let workspacePath = context.workspacePath(arguments)
            let workspace = try Workspace.open(at: workspacePath, mode: .readOnly)
            try refuseInsideWorkspace(directory, workspace: workspacePath)
            let tracker = ExperimentTracker(
                metadata: workspace.metadata, artifacts: workspace.objects, options: .init(captureEnvironment: false))
            let summary = try await export(
                tracker: tracker, format: format, directory: directory,
                selection: try await selection(arguments, tracker: tracker, includeDeleted: format == "mlflow"),
                escapesFormulas: !arguments.flag("no-formula-escaping"))
            if arguments.flag("json") {
                context.out(
                    "{\"format\":\"\(jsonEscape(summary.format))\",\"directory\":\"\(jsonEscape(summary.directory))\","
                        + "\"experiments\":\(summary.experiments),\"runs\":\(summary.runs),\"params\":\(summary.params),"
                        + "\"tags\":\(summary.tags),\"metricPoints\":\(summary.metricPoints),"
                        + "\"datasetInputs\":\(summary.datasetInputs),\"artifacts\":\(summary.artifacts),"
                        + "\"files\":\(summary.files)}")
            } else {
                context.out(
                    TextTable.escapingControlCharacters("exported         \(summary.format) → \(summary.directory)"))
                context.out("experiments      \(summary.experiments)")
                context.out("runs             \(summary.runs)")
                context.out("metric points    \(summary.metricPoints)")
                if summary.format == "mlflow" || summary.format == "json" {
                    context.out("params, tags     \(summary.params), \(summary.tags)")
                    if summary.format == "mlflow" { context.out("dataset inputs   \(summary.datasetInputs)") }
                    context.out("artifacts        \(summary.artifacts)")
                }
                context.out("files            \(summary.files)")
            }
        })

    /// Throws `invalidArgument` if `directory` is the workspace or inside it, comparing real paths (so
    /// `..` and symbolic links cannot hide it): an export there would be mixed with the workspace's own
    /// files.
    static func refuseInsideWorkspace(_ directory: String, workspace: String) throws {
        if FileSystem.isPath(directory, inside: workspace) {
            throw MLOpsError(
                .invalidArgument, "the export directory is inside the workspace (\(workspace)); choose one outside it",
                value: directory)
        }
    }

    static func export(
        tracker: ExperimentTracker, format: String, directory: String, selection: ExportSelection,
        escapesFormulas: Bool = true
    ) async throws -> ExportSummary {
        switch format {
        case "mlflow":
            return try await MLflowExporter(tracker: tracker).export(to: directory, selection: selection)
        case "tensorboard":
            return try await TensorBoardExporter(tracker: tracker).export(to: directory, selection: selection)
        case "csv":
            return try await RunTableExporter(tracker: tracker, options: .init(escapesFormulas: escapesFormulas))
                .export(format: .csv, to: directory, selection: selection)
        case "json":
            return try await RunTableExporter(tracker: tracker).export(
                format: .json, to: directory, selection: selection)
        default:
            throw UsageError(
                message: "unknown export format '\(format)'; expected mlflow, tensorboard, csv or json",
                usage: spec.usage)
        }
    }

    /// The selection from `--experiment`, `--run` and `--all`.
    static func selection(_ arguments: ParsedArguments, tracker: ExperimentTracker, includeDeleted: Bool)
        async throws -> ExportSelection
    {
        let viewType: ViewType = includeDeleted || arguments.flag("all") ? .all : .activeOnly
        var selection = ExportSelection(viewType: viewType)
        if let name = arguments.value("experiment") {
            let experiments = try await tracker.listExperiments(viewType: .all)
            if experiments.contains(where: { $0.name == name }) {
                selection.experimentNames = [name]
            } else if experiments.contains(where: { $0.id == name }) {
                selection.experimentIDs = [name]
            } else {
                throw MLOpsError(.notFound, "no experiment has this name or ID", value: name)
            }
        }
        if let run = arguments.value("run") { selection.runIDs = [run] }
        return selection
    }
}
