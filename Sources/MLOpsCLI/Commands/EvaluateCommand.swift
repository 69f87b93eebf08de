#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOps

/// `mlops evaluate --model MODEL --data CSV --target COLUMN [--json]`: scores a model on labelled
/// rows.
enum EvaluateCommand {
    static let spec = CommandSpec(
        path: ["evaluate"],
        summary: "score a model (package, XGBoost, LightGBM or ONNX) on a labelled CSV",
        discussion: """
            Predicts every row of the CSV (without the target column) and compares with the target: \
            accuracy, macro F1, ROC AUC (of class 1 for two classes, one-vs-rest macro for more) and log loss \
            for a classifier; RMSE, MAE and R² for a regressor. A model trained by 'mlops train' knows its task \
            and classes; for another model the task is read from its outputs (prediction: regression; \
            probability: two classes 0 and 1; probability_0…: classes 0…K-1). --json prints one object keyed \
            by the metric names (accuracy, f1_macro, roc_auc, log_loss or rmse, mae, r2); a metric that is \
            undefined for these rows (ROC AUC when one class is absent) is null.
            """,
        options: [
            .required("model", "MODEL", "the model file"),
            .required("data", "CSV", "labelled rows (header row required)"),
            .required("target", "COLUMN", "the column holding the true values"),
            .flag("json", "print one JSON object instead of text"),
        ],
        run: { arguments, context in
            let modelPath = try context.absolutePath(arguments.value("model") ?? "")
            let dataPath = try context.absolutePath(arguments.value("data") ?? "")
            let targetName = arguments.value("target") ?? ""
            let (model, table) = try await BlockingExecutor.shared.run {
                (try Model(contentsOf: modelPath), try Table.readCSV(path: dataPath))
            }
            let evaluation = try evaluate(model, table, target: targetName)
            let names = reportedMetrics(evaluation.task)
            if arguments.flag("json") {
                context.out(try DataJSON.text(MetricObject(names: names, metrics: evaluation.metrics)))
                return
            }
            context.out("\(evaluation.task) model on \(evaluation.rowCount) rows of \(arguments.value("data") ?? "")")
            for name in names {
                context.out(
                    name + String(repeating: " ", count: max(1, 10 - name.count))
                        + (evaluation.metrics[name].map { number($0, digits: 4) } ?? "undefined"))
            }
        })

    /// The metrics `evaluate` prints for a task.
    static func reportedMetrics(_ task: TrainingTask) -> [String] {
        task.isClassification ? ["accuracy", "f1_macro", "roc_auc", "log_loss"] : ["rmse", "mae", "r2"]
    }

    /// Scores `model` on `table`, whose column `target` holds the truth.
    static func evaluate(_ model: Model, _ table: Table, target: String) throws -> Evaluation {
        guard let column = table.column(named: target) else {
            throw MLOpsError(.notFound, "the CSV has no target column named \(target)", value: target)
        }
        var features = try table.removing(columns: [target])
        // A model that names its inputs reads only those columns.
        let named = model.signature.featureNames
        if !named.isEmpty {
            features = try features.select(columns: named)
        } else if model.signature.inputs.count > 1 {
            features = try features.select(columns: model.signature.inputs.map(\.name))
        }
        let output = try model.predict(features)
        let (task, labels) = try taskAndClasses(model, output)
        let truth =
            task.isClassification
            ? try TrainingTarget(column, classLabels: labels) : try TrainingTarget(column, task: .regression)
        let predictions = try Predictions(predictionTable: output, task: task, classCount: labels.count)
        return try Evaluation(predictions: predictions, target: truth)
    }

    /// The task and class labels of `model`: from the metadata `mlops train` writes, else from the
    /// columns of its output.
    static func taskAndClasses(_ model: Model, _ output: Table) throws -> (TrainingTask, [String]) {
        if let text = model.metadata["mlops.task"], let task = TrainingTask(rawValue: text) {
            guard task.isClassification else { return (task, []) }
            guard let json = model.metadata["mlops.class_labels"],
                let labels = try? JSONDecoder().decode([String].self, from: Data(json.utf8)), labels.count >= 2
            else {
                throw MLOpsError(
                    .corruptData, "the model's metadata mlops.class_labels is missing or not a list of labels",
                    value: model.metadata["mlops.class_labels"])
            }
            return (task, labels)
        }
        let names = output.columnNames
        if names.contains("prediction") { return (.regression, []) }
        if names.contains("probability") { return (.binary, ["0", "1"]) }
        let count = names.filter { $0.hasPrefix("probability_") }.count
        guard count >= 2 else {
            throw MLOpsError(
                .unsupported,
                "cannot tell the model's task from its outputs (" + names.joined(separator: ", ")
                    + "); evaluate takes a prediction, probability or probability_0… output", value: names.first)
        }
        return (count == 2 ? .binary : .multiclass, (0..<count).map(String.init))
    }

    /// The metrics named `names`, `null` where undefined.
    struct MetricObject: Encodable {
        var names: [String]
        var metrics: [String: Double]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for name in names {
                if let value = metrics[name] {
                    try container.encode(value, forKey: Key(stringValue: name))
                } else {
                    try container.encodeNil(forKey: Key(stringValue: name))
                }
            }
        }
    }

    /// `value` with `digits` digits after the point.
    static func number(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded == 0 ? 0 : rounded)
    }
}
