public import MLOpsCore

/// The column an estimator learns to predict, decoded for its task: real values for regression,
/// class indices `0..<classCount` for classification.
///
/// ```swift
/// let target = try TrainingTarget(table.column(named: "species")!)   // text → multiclass
/// print(target.task, target.classLabels)                               // multiclass ["setosa", …]
/// ```
///
/// **Inferring the task** (when none is given): a text or boolean column is classification; a
/// numeric column whose values are all whole numbers with at most ``maxInferredClasses`` distinct
/// values is classification; any other numeric column is regression. Two classes make a binary
/// task. Pass `task:` to override, e.g. for a regression on small whole numbers.
///
/// **Classes** are ordered as numbers for a numeric column and by byte order for text, so the
/// class index of a label does not depend on the order of the rows.
public struct TrainingTarget: Sendable, Hashable {
    /// The most distinct whole-number values for which a numeric column is taken to be classes.
    public static let maxInferredClasses = 32

    /// The target column's name.
    public let name: String
    /// The task the target defines.
    public let task: TrainingTask
    /// Regression: the target value of each row. Classification: the class index of each row, as a
    /// `Double`.
    public let values: [Double]
    /// Classification: the class index of each row. Empty for regression.
    public let classes: [Int]
    /// Classification: the label of each class index, as text (`"0"`, `"1"`, or the column's
    /// text). Empty for regression.
    public let classLabels: [String]

    /// The number of rows.
    public var count: Int { values.count }
    /// The number of classes (0 for regression).
    public var classCount: Int { classLabels.count }

    /// Decodes `column` as a target.
    ///
    /// - Parameters:
    ///   - column: The target column.
    ///   - task: The task to train for; inferred from the column when `nil` (see ``TrainingTarget``).
    /// - Throws: `MLOpsError` `invalidArgument` naming the column and the row for a missing value;
    ///   naming the column for a text column given `task: .regression`, a classification target
    ///   with a single class, `task: .binary` with more than two classes, or an empty column.
    public init(_ column: Column, task: TrainingTask? = nil) throws {
        let name = column.name
        guard column.count > 0 else {
            throw MLOpsError(.invalidArgument, "the target column \(name) has no rows", value: name)
        }
        if column.missingCount > 0, let row = (0..<column.count).first(where: { column.isMissing(at: $0) }) {
            throw MLOpsError(
                .invalidArgument, "the target column \(name) has no value at row \(row + 1) (1-based data row)",
                value: name)
        }
        let isText = column.type == .string
        var numbers: [Double] = []
        if !isText {
            numbers = try column.doubles()
            if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
                throw MLOpsError(
                    .invalidArgument,
                    "the target column \(name) has a non-finite value (\(numbers[bad])) at row \(bad + 1)",
                    value: name)
            }
        }
        let resolved: TrainingTask
        if let task {
            resolved = task
        } else if isText || column.type == .bool {
            resolved = Self.classTask(distinct: Set((0..<column.count).map { column.value(at: $0).description }).count)
        } else {
            let wholes = numbers.allSatisfy { $0 == $0.rounded() }
            let distinct = wholes ? Set(numbers).count : Int.max
            resolved = distinct <= Self.maxInferredClasses ? Self.classTask(distinct: distinct) : .regression
        }
        if resolved == .regression {
            guard !isText else {
                throw MLOpsError(
                    .invalidArgument,
                    "the target column \(name) holds text, but a regressor needs numbers", value: name)
            }
            self.init(unchecked: name, task: .regression, values: numbers, classes: [], classLabels: [])
            return
        }
        // Classes: numeric order for numbers, byte order for text.
        var labels: [String]
        var indexOfRow: [Int]
        if isText || column.type == .bool {
            let texts = (0..<column.count).map { column.value(at: $0).description }
            labels = Set(texts).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            indexOfRow = texts.map { index[$0]! }
        } else {
            let distinct = Set(numbers).sorted()
            labels = distinct.map(Self.label)
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            indexOfRow = numbers.map { index[$0]! }
        }
        guard labels.count >= 2 else {
            throw MLOpsError(
                .invalidArgument,
                "the target column \(name) has a single class (\(labels.first ?? "")); a classifier needs two or more",
                value: name)
        }
        if resolved == .binary, labels.count > 2 {
            throw MLOpsError(
                .invalidArgument,
                "the target column \(name) has \(labels.count) classes; a binary task needs exactly two",
                value: name)
        }
        let task: TrainingTask = labels.count == 2 ? .binary : .multiclass
        self.init(
            unchecked: name, task: task, values: indexOfRow.map(Double.init), classes: indexOfRow, classLabels: labels)
    }

    /// A target from its parts.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when the parts disagree: classification without two or
    ///   more labels, a class index outside `0..<classLabels.count`, `values` that are not the class
    ///   indices, or regression with classes.
    public init(name: String, task: TrainingTask, values: [Double], classes: [Int], classLabels: [String]) throws {
        if task.isClassification {
            guard classLabels.count >= 2, task != .binary || classLabels.count == 2,
                classes.count == values.count,
                classes.allSatisfy({ $0 >= 0 && $0 < classLabels.count }),
                zip(classes, values).allSatisfy({ Double($0) == $1 })
            else {
                throw MLOpsError(
                    .invalidArgument, "the classes of target \(name) do not match its task \(task)", value: name)
            }
        } else if !classes.isEmpty || !classLabels.isEmpty {
            throw MLOpsError(.invalidArgument, "a regression target \(name) has no classes", value: name)
        }
        self.init(unchecked: name, task: task, values: values, classes: classes, classLabels: classLabels)
    }

    private init(unchecked name: String, task: TrainingTask, values: [Double], classes: [Int], classLabels: [String]) {
        self.name = name
        self.task = task
        self.values = values
        self.classes = classes
        self.classLabels = classLabels
    }

    /// Decodes `column` as the classes `classLabels` of a trained classifier (class index = position
    /// in `classLabels`), so that held-out data gets the training data's class indices.
    ///
    /// Numbers match a label when they print the same way as the training target's labels (`1`,
    /// not `1.0`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the column, the row and the value for a
    ///   missing value or a value that is not one of the labels, or for fewer than two labels.
    public init(_ column: Column, classLabels: [String]) throws {
        let name = column.name
        guard classLabels.count >= 2 else {
            throw MLOpsError(.invalidArgument, "a classifier's target needs two or more class labels", value: name)
        }
        let index = Dictionary(classLabels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let numeric = column.type != .string && column.type != .bool
        let numbers = numeric ? try column.doubles() : []
        var classes: [Int] = []
        classes.reserveCapacity(column.count)
        for row in 0..<column.count {
            guard !column.isMissing(at: row) else {
                throw MLOpsError(
                    .invalidArgument, "the target column \(name) has no value at row \(row + 1)", value: name)
            }
            let text = numeric ? Self.label(numbers[row]) : column.value(at: row).description
            guard let k = index[text] else {
                throw MLOpsError(
                    .invalidArgument,
                    "the target column \(name) has the value \(text) at row \(row + 1), which is not one of the "
                        + "model's classes (" + classLabels.joined(separator: ", ") + ")", value: text)
            }
            classes.append(k)
        }
        self.init(
            unchecked: name, task: classLabels.count == 2 ? .binary : .multiclass, values: classes.map(Double.init),
            classes: classes, classLabels: classLabels)
    }

    /// The target of the rows at `indices`, in that order, with the same classes.
    ///
    /// - Precondition: every index is in `0..<count`.
    public func rows(_ indices: [Int]) -> TrainingTarget {
        TrainingTarget(
            unchecked: name, task: task, values: indices.map { values[$0] },
            classes: classes.isEmpty ? [] : indices.map { classes[$0] }, classLabels: classLabels)
    }

    private static func classTask(distinct: Int) -> TrainingTask { distinct <= 2 ? .binary : .multiclass }

    /// A whole number without a decimal point (`3`, not `3.0`); other numbers as Swift prints them.
    private static func label(_ value: Double) -> String { Preprocessing.label(value) }
}
