#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOps

/// `mlops runs list|show|search|compare` and `mlops experiments list`: read
/// the experiment-tracking records of a workspace.
enum TrackingCommands {
    static var specs: [CommandSpec] { [experimentsList, runsList, runsShow, runsSearch, runsCompare] }

    static func tracker(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExperimentTracker {
        let workspace = try Workspace.open(at: context.workspacePath(arguments), mode: .readOnly)
        return ExperimentTracker(
            metadata: workspace.metadata, artifacts: workspace.objects, options: .init(captureEnvironment: false))
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try RecordCoding.encode(value), as: UTF8.self)
    }

    /// The experiment IDs named by `--experiment NAME` (empty: every active experiment).
    static func experimentIDs(_ arguments: ParsedArguments, _ tracker: ExperimentTracker) async throws -> [String] {
        guard let name = arguments.value("experiment") else { return [] }
        if let experiment = try await tracker.experiment(named: name) { return [experiment.id] }
        if let experiment = try? await tracker.experiment(id: name) { return [experiment.id] }
        throw MLOpsError(.notFound, "no active experiment has this name or ID", value: name)
    }

    static let experimentOption = OptionSpec.value("experiment", "NAME", "only runs of this experiment (name or ID)")
    static let jsonFlag = OptionSpec.flag("json", "print JSON instead of a table")

    static let experimentsList = CommandSpec(
        path: ["experiments", "list"],
        summary: "list the experiments of a workspace",
        options: [.workspace, .flag("all", "include deleted experiments"), jsonFlag],
        run: { arguments, context in
            let tracker = try tracker(arguments, context)
            let experiments = try await tracker.listExperiments(viewType: arguments.flag("all") ? .all : .activeOnly)
            if arguments.flag("json") {
                context.out(try json(experiments))
                return
            }
            var rows = [["ID", "NAME", "STAGE", "RUNS", "CREATED (UTC)", "TAGS"]]
            for experiment in experiments {
                let runs = try await tracker.listRuns(experimentIDs: [experiment.id], viewType: .all).count
                let tags = experiment.tags.keys.sorted().map { "\($0)=\(experiment.tags[$0] ?? "")" }
                rows.append([
                    experiment.id, experiment.name, experiment.lifecycleStage.rawValue, String(runs),
                    TextTable.time(experiment.creationTime), tags.joined(separator: ","),
                ])
            }
            TextTable.render(rows).forEach(context.out)
        })

    static let runsList = CommandSpec(
        path: ["runs", "list"],
        summary: "list runs, newest first",
        options: [.workspace, experimentOption, jsonFlag],
        run: { arguments, context in
            let tracker = try tracker(arguments, context)
            let runs = try await tracker.listRuns(experimentIDs: try await experimentIDs(arguments, tracker))
            if arguments.flag("json") {
                context.out(try json(runs))
            } else {
                printRuns(runs, metricKeys: [], context)
            }
        })

    static let runsSearch = CommandSpec(
        path: ["runs", "search"],
        summary: "find runs with an MLflow filter such as \"metrics.acc > 0.9 AND params.lr = '0.01'\"",
        discussion: """
            FILTER is MLflow's search_runs grammar (metrics., params., tags., attributes., datasets.; \
            = != > >= < <= LIKE ILIKE IN NOT IN IS NULL) plus OR and parentheses; an empty string matches every run. \
            --order-by takes comma-separated MLflow order_by clauses.
            """,
        options: [
            .workspace, experimentOption,
            .value("order-by", "CLAUSES", "e.g. \"metrics.acc DESC, params.lr\" (default: newest first)"),
            .value("max-results", "N", "at most N runs (default 1000, at most 50000)"), jsonFlag,
        ],
        positionals: [PositionalSpec(name: "FILTER", help: "the filter, quoted as one argument")],
        run: { arguments, context in
            let tracker = try tracker(arguments, context)
            let filterText = arguments.positional(0) ?? ""
            let filter = try RunFilter(filterText)
            let orderBy = (arguments.value("order-by") ?? "").split(separator: ",").map { String($0) }
                .filter { !$0.allSatisfy(\.isWhitespace) }
            let order = try RunOrder(parsing: orderBy)
            var maxResults = ExperimentTracker.defaultSearchResults
            if let text = arguments.value("max-results") {
                guard let value = Int(text) else {
                    throw MLOpsError(.invalidArgument, "--max-results must be an integer", value: text)
                }
                maxResults = value
            }
            let page = try await tracker.searchRuns(
                experimentIDs: try await experimentIDs(arguments, tracker), filter: filter, order: order,
                maxResults: maxResults)
            if arguments.flag("json") {
                context.out(try json(page))
                return
            }
            var keys: [String] = []
            for clause in order.clauses where clause.entity == .metric { keys.append(clause.key) }
            keys += metricKeys(in: filter.expression)
            printRuns(page.runs, metricKeys: keys, context)
            if page.nextPageToken != nil {
                context.out("(more runs match; raise --max-results to see them)")
            }
        })

    static let runsShow = CommandSpec(
        path: ["runs", "show"],
        summary: "show one run: attributes, params, metrics, tags, datasets, environment, artifacts",
        options: [.workspace, jsonFlag],
        positionals: [PositionalSpec(name: "RUN_ID", help: "the run's ID")],
        run: { arguments, context in
            let tracker = try tracker(arguments, context)
            let runID = arguments.positional(0) ?? ""
            let run = try await tracker.run(id: runID)
            let artifacts = try await tracker.allArtifacts(runID: runID)
            if arguments.flag("json") {
                context.out(try json(RunDetail(run: run, artifacts: artifacts)))
                return
            }
            let info = run.info
            var rows = [["ATTRIBUTE", "VALUE"]]
            rows.append(["run_id", info.runID])
            rows.append(["run_name", info.runName])
            rows.append(["experiment_id", info.experimentID])
            rows.append(["status", info.status.rawValue])
            rows.append(["lifecycle", info.lifecycleStage.rawValue])
            rows.append(["start_time", TextTable.time(info.startTime) + " UTC"])
            rows.append(["end_time", info.endTime.map { TextTable.time($0) + " UTC" } ?? "-"])
            rows.append(["duration", TextTable.duration(from: info.startTime, to: info.endTime)])
            rows.append(["user", info.userID])
            rows.append(["parent_run_id", info.parentRunID ?? "-"])
            rows.append(["artifact_uri", info.artifactURI])
            TextTable.render(rows, maxColumnWidth: 80).forEach(context.out)
            if !run.params.isEmpty {
                context.out("")
                let params = [["PARAM", "VALUE"]] + run.params.keys.sorted().map { [$0, run.params[$0] ?? ""] }
                TextTable.render(params, maxColumnWidth: 80).forEach(context.out)
            }
            if !run.metrics.isEmpty {
                context.out("")
                var metrics = [["METRIC", "LATEST", "STEP", "TIME (UTC)"]]
                for key in run.metrics.keys.sorted() {
                    guard let metric = run.metrics[key] else { continue }
                    metrics.append([
                        key, TextTable.number(metric.value), String(metric.step), TextTable.time(metric.timestamp),
                    ])
                }
                TextTable.render(metrics).forEach(context.out)
            }
            if !run.tags.isEmpty {
                context.out("")
                let tags = [["TAG", "VALUE"]] + run.tags.keys.sorted().map { [$0, run.tags[$0] ?? ""] }
                TextTable.render(tags, maxColumnWidth: 80).forEach(context.out)
            }
            if !run.inputs.isEmpty {
                context.out("")
                var inputs = [["DATASET", "DIGEST", "CONTEXT", "DATA VERSION"]]
                for input in run.inputs {
                    inputs.append([input.name, input.digest, input.context, input.dataVersionID ?? "-"])
                }
                TextTable.render(inputs).forEach(context.out)
            }
            if let environment = run.environment {
                context.out("")
                var rows = [["ENVIRONMENT", "VALUE"]]
                let git = environment.gitCommit.map { $0 + (environment.gitDirty == true ? " (dirty)" : "") } ?? "-"
                rows.append(["git", git])
                rows.append(["host", environment.host])
                rows.append(["os", environment.operatingSystem])
                rows.append(["swift", environment.swiftVersion])
                rows.append(["cpu", "\(environment.cpuModel) × \(environment.cpuCount)"])
                rows.append(["command", environment.commandLine.joined(separator: " ")])
                TextTable.render(rows, maxColumnWidth: 80).forEach(context.out)
            }
            if !artifacts.isEmpty {
                context.out("")
                let rows = [["ARTIFACT", "BYTES"]] + artifacts.map { [$0.path, $0.size.map(String.init) ?? "-"] }
                TextTable.render(rows, maxColumnWidth: 80).forEach(context.out)
            }
        })

    static let runsCompare = CommandSpec(
        path: ["runs", "compare"],
        summary: "compare runs side by side: attributes, params and latest metrics",
        discussion: "Give two or more run IDs, as separate arguments or comma-separated.",
        options: [.workspace, jsonFlag],
        positionals: [
            .variadic("RUN_ID", "the runs' IDs, or several separated by commas", minimumCount: 2, separator: ",")
        ],
        run: { arguments, context in
            // The parser has split comma-separated words and checked that there are at least two.
            let ids = arguments.positionals
            let tracker = try tracker(arguments, context)
            let comparison = try await tracker.compareRuns(ids: ids)
            if arguments.flag("json") {
                context.out(try json(comparison))
                return
            }
            var table = comparison.table
            let differing = Set(comparison.differingParamKeys.map { "params.\($0)" })
            for index in table.indices where differing.contains(table[index][0]) { table[index][0] += " *" }
            TextTable.render(table).forEach(context.out)
            if !differing.isEmpty { context.out("* params that differ between the runs") }
        })

    /// Prints a run table with the given metric columns (at most four, in order, deduplicated).
    static func printRuns(_ runs: [Run], metricKeys: [String], _ context: CommandContext) {
        var keys: [String] = []
        for key in metricKeys where !keys.contains(key) && keys.count < 4 { keys.append(key) }
        if keys.isEmpty {
            keys = Array(Set(runs.flatMap(\.metrics.keys)).sorted().prefix(3))
        }
        var rows = [["RUN ID", "NAME", "STATUS", "EXP", "STARTED (UTC)", "DURATION"] + keys]
        for run in runs {
            rows.append(
                [
                    run.info.runID, run.info.runName, run.info.status.rawValue, run.info.experimentID,
                    TextTable.time(run.info.startTime),
                    TextTable.duration(from: run.info.startTime, to: run.info.endTime),
                ] + keys.map { key in run.metrics[key].map { TextTable.number($0.value) } ?? "-" })
        }
        TextTable.render(rows).forEach(context.out)
        context.out("\(runs.count) run\(runs.count == 1 ? "" : "s")")
    }

    /// The metric keys a filter mentions, in order.
    static func metricKeys(in expression: FilterExpression?) -> [String] {
        switch expression {
        case nil: return []
        case .comparison(let comparison)?: return comparison.entity == .metric ? [comparison.key] : []
        case .and(let operands)?, .or(let operands)?: return operands.flatMap { metricKeys(in: $0) }
        }
    }
}

/// What `mlops runs show --json` prints.
struct RunDetail: Encodable {
    var run: Run
    var artifacts: [ArtifactInfo]
}
