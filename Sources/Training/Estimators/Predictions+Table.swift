public import MLOpsCore

extension Predictions {
    /// Reads the predictions a `Model` wrote for a table (`Model.predict(_:)`'s columns): `prediction`
    /// for a regressor; `probability` (of class 1) for a binary classifier; `probability_0` …
    /// `probability_{K-1}` for a classifier of K classes. Other columns (`label`, `margin`) are
    /// ignored.
    ///
    /// - Parameters:
    ///   - table: The model's output table.
    ///   - task: The task the model was trained for.
    ///   - classCount: For classification, the number of classes.
    /// - Throws: `MLOpsError` `invalidArgument` naming the column the task needs and the columns the
    ///   table has when it is missing, or naming a row whose value is NaN or (for probabilities)
    ///   outside [0, 1].
    public init(predictionTable table: Table, task: TrainingTask, classCount: Int) throws {
        func column(_ name: String) throws -> [Double] {
            guard table.column(named: name) != nil else {
                throw MLOpsError(
                    .invalidArgument,
                    "the model's output has no column \(name) for a \(task) task (it has "
                        + table.columnNames.joined(separator: ", ") + ")", value: name)
            }
            let values = try table.doubles(column: name)
            if let row = values.indices.first(where: {
                values[$0].isNaN || (task.isClassification && !(0...1).contains(values[$0]))
            }) {
                throw MLOpsError(
                    .invalidArgument, "the model's output \(name) is \(values[row]) at row \(row + 1)", value: name)
            }
            return values
        }
        switch task {
        case .regression:
            self.init(regression: try column("prediction"))
        case .binary where table.column(named: "probability") != nil:
            let positive = try column("probability")
            var values = [Double](repeating: 0, count: positive.count * 2)
            for (row, p) in positive.enumerated() {
                values[row * 2] = 1 - p
                values[row * 2 + 1] = p
            }
            try self.init(probabilities: values, classCount: 2)
        case .binary, .multiclass:
            let columns = try (0..<classCount).map { try column("probability_\($0)") }
            let rows = table.rowCount
            var values = [Double](repeating: 0, count: rows * classCount)
            for (k, probabilities) in columns.enumerated() {
                for row in 0..<rows { values[row * classCount + k] = probabilities[row] }
            }
            try self.init(probabilities: values, classCount: classCount)
        }
    }
}
