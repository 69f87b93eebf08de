import MLOps

/// `mlops train --data CSV --target COLUMN --model KIND …`: trains one of the ready-made pipelines
/// (``TrainingRecipe``) on every row of a CSV, logs a tracked run in the workspace, prints the
/// metrics of the trained model on those rows and writes the model package.
enum TrainCommand {
    static let spec = CommandSpec(
        path: ["train"],
        summary: "train a model on a CSV, log a tracked run in the workspace and write the model package",
        discussion: """
            Trains on every row of the CSV; to measure the model on held-out rows, pass another CSV to \
            'mlops evaluate'. --model picks a recipe: linear (ridge regression), logistic (L2, C=1, solved to \
            convergence), mlp (one hidden layer of 64 ReLU units, Adam, up to 500 epochs) — both on \
            mean-imputed, standardised numeric features and one-hot text — or gbdt (100 trees, 31 leaves, \
            learning rate 0.1, on raw features with native missing values). --param name=value (repeatable) \
            overrides an estimator hyperparameter; an unknown name is an error listing the valid ones. The task \
            (binary, multiclass, regression) is inferred from the target column unless --task is given. With \
            --data-version REF the CSV is read from that commit of the workspace's data repository (the path \
            as committed) and the run records the commit as its data version. The run (params, per-iteration \
            metrics, final metrics, the model package as the artifact model/model.mlpkg, the dataset input) is \
            logged in --experiment (default Default); checkpoints are kept in the workspace so an interrupted \
            run of the same job resumes.
            """,
        options: [
            .required("data", "CSV", "the training rows (header row required)"),
            .required("target", "COLUMN", "the column to predict"),
            .required("model", "KIND", "linear, logistic, mlp or gbdt"),
            .repeatable("param", "NAME=VALUE", "an estimator hyperparameter (repeat for several)"),
            .value("task", "TASK", "binary, multiclass or regression (default: inferred from the target)"),
            .value("seed", "N", "seed of every random draw (default 0)"),
            .value("threads", "N", "threads to train on (default: every CPU)"),
            .value("out", "MODEL", "where to write the model package"),
            .value("experiment", "NAME", "the experiment to log the run in (default: Default)"),
            .value("run-name", "NAME", "the run's name (default: generated)"),
            .value("data-version", "REF", "read --data from this commit of the workspace's data repository"),
            .flag("json", "print one JSON object instead of text"),
            .workspace,
        ],
        run: { arguments, context in
            let options = try Options(arguments)
            let workspace = try Workspace.open(at: context.workspacePath(arguments))
            let (table, input) = try await readData(options, workspace: workspace, context: context)
            let pipeline = try options.recipe.pipeline(
                for: table, target: options.target, task: options.task, parameters: options.parameters)
            var trainer = Trainer(
                tracker: try await workspace.tracking, experiment: options.experiment, checkpoints: workspace.objects,
                seed: options.seed, threads: options.threads)
            if !options.json, let write = context.progress {
                trainer.callbacks.append(TrainingProgress(label: "training \(options.recipe)", write: write))
            }
            let started = Platform.monotonicNanoseconds()
            let outcome = try await trainer.train(
                pipeline, on: table, target: options.target, inputs: [input], runName: options.runName)
            let seconds = Double(Platform.monotonicNanoseconds() &- started) / 1e9
            let fitted = outcome.fitted
            if let out = options.out {
                let path = try context.absolutePath(out)
                try await BlockingExecutor.shared.run { try fitted.model.write(to: path) }
            }
            let metrics = Dictionary(
                uniqueKeysWithValues: outcome.metrics.compactMap { key, value in
                    key.hasPrefix("train_") ? (String(key.dropFirst(6)), value) : nil
                })
            if options.json {
                context.out(
                    try DataJSON.text(
                        Summary(
                            runID: outcome.runID ?? "", experiment: options.experiment, model: options.recipe.rawValue,
                            task: fitted.task.rawValue, rows: table.rowCount, features: fitted.featureNames.count,
                            classes: fitted.classLabels, metrics: metrics, out: options.out, seconds: seconds,
                            iterations: outcome.reports.last?.iteration,
                            resumedAfterIteration: outcome.resumedAfterIteration,
                            stoppedEarly: outcome.stoppedEarly)))
                return
            }
            let classes = fitted.task.isClassification ? ", classes \(fitted.classLabels.joined(separator: " "))" : ""
            context.out(
                "trained \(options.recipe) (\(fitted.task)\(classes)) on \(table.rowCount) rows × "
                    + "\(fitted.featureNames.count) features in \(EvaluateCommand.number(seconds, digits: 2)) s"
                    + (outcome.resumedAfterIteration.map { ", resumed after iteration \($0)" } ?? "")
                    + (outcome.stoppedEarly
                        ? ", stopped early at iteration \(outcome.reports.last?.iteration ?? 0)" : ""))
            context.out("run              \(outcome.runID ?? "") in experiment \(options.experiment)")
            for name in EvaluateCommand.reportedMetrics(fitted.task) {
                context.out(
                    "train \(name)\(String(repeating: " ", count: max(1, 11 - name.count)))"
                        + (metrics[name].map { EvaluateCommand.number($0, digits: 4) } ?? "undefined"))
            }
            if let out = options.out { context.out("wrote the model package to \(out)") }
        })

    /// The parsed options.
    struct Options {
        var data: String
        var target: String
        var recipe: TrainingRecipe
        var parameters: [String: String] = [:]
        var task: TrainingTask?
        var seed: UInt64 = 0
        var threads: Int?
        var out: String?
        var experiment: String
        var runName: String?
        var dataVersion: String?
        var json: Bool

        init(_ arguments: ParsedArguments) throws {
            data = arguments.value("data") ?? ""
            target = arguments.value("target") ?? ""
            recipe = try TrainingRecipe(named: arguments.value("model") ?? "")
            for text in arguments.values("param") {
                guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                    throw MLOpsError(
                        .invalidArgument, "--param takes NAME=VALUE (e.g. --param learning_rate=0.05)", value: text)
                }
                let name = String(text[..<equals])
                guard parameters[name] == nil else {
                    throw MLOpsError(.invalidArgument, "the hyperparameter \(name) is given twice", value: name)
                }
                parameters[name] = String(text[text.index(after: equals)...])
            }
            let valid = recipe.parameterNames
            if let unknown = parameters.keys.sorted().first(where: { !valid.contains($0) }) {
                throw MLOpsError(
                    .invalidArgument,
                    "unknown hyperparameter \(unknown) for --model \(recipe); valid: " + valid.joined(separator: ", "),
                    value: unknown)
            }
            if let text = arguments.value("task") {
                guard let task = TrainingTask(rawValue: text.lowercased()) else {
                    throw MLOpsError(
                        .invalidArgument, "unknown task \(text); use binary, multiclass or regression", value: text)
                }
                self.task = task
            }
            if let text = arguments.value("seed") {
                guard let seed = UInt64(text) else {
                    throw MLOpsError(.invalidArgument, "--seed must be a non-negative integer", value: text)
                }
                self.seed = seed
            }
            if let text = arguments.value("threads") {
                guard let threads = Int(text), (1...256).contains(threads) else {
                    throw MLOpsError(.invalidArgument, "--threads must be an integer from 1 to 256", value: text)
                }
                self.threads = threads
            }
            out = arguments.value("out")
            experiment = arguments.value("experiment") ?? Experiment.defaultName
            runName = arguments.value("run-name")
            dataVersion = arguments.value("data-version")
            json = arguments.flag("json")
        }
    }

    /// The training table and the dataset input to record: the CSV from the working directory, or
    /// with `--data-version` from that data commit.
    static func readData(_ options: Options, workspace: Workspace, context: CommandContext) async throws
        -> (Table, DatasetInput)
    {
        if let revision = options.dataVersion {
            let repository = try await workspace.data
            let commit = try await repository.resolve(revision)
            let bytes = try await repository.readFile(options.data, at: commit.description)
            var reader = try CSVReader(bytes: bytes)
            let table = try reader.readAll()
            let input = DatasetInput(
                name: options.data, digest: String(commit.hex.prefix(36)), context: "training",
                source: commit.description, sourceType: "data-version", dataVersionID: commit.description)
            return (table, input)
        }
        let path = try context.absolutePath(options.data)
        let (table, digest) = try await BlockingExecutor.shared.run {
            (try Table.readCSV(path: path), try SHA256.hash(fileAt: path))
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let input = DatasetInput(
            name: name, digest: String(digest.hexString.prefix(36)), context: "training", source: path,
            sourceType: "local")
        return (table, input)
    }

    /// `--json`'s object.
    struct Summary: Encodable {
        var runID: String
        var experiment: String
        var model: String
        var task: String
        var rows: Int
        var features: Int
        var classes: [String]
        var metrics: [String: Double]
        var out: String?
        var seconds: Double
        var iterations: Int?
        var resumedAfterIteration: Int?
        var stoppedEarly: Bool

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case experiment, model, task, rows, features, classes, metrics, out, seconds, iterations
            case resumedAfterIteration = "resumed_after_iteration"
            case stoppedEarly = "stopped_early"
        }
    }
}
