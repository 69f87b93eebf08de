import Foundation
import MLOpsCore
import Training

/// One of the shared reference datasets (copied into this target's resources): the table, its fixed
/// train/test split, and the reference JSON written by scikit-learn/LightGBM.
struct ReferenceDataset: Sendable {
    /// `breast_cancer` (binary), `diabetes` (regression) or `digits` (multiclass).
    let name: String
    /// Every row, features then `target`.
    let table: Table
    /// The rows of the split's `train` fold, in file order.
    let trainRows: [Int]
    /// The rows of the split's `test` fold, in file order.
    let testRows: [Int]
    /// The parsed `<name>_reference.json`.
    let reference: JSONValue

    static let names = ["breast_cancer", "diabetes", "digits"]

    /// The directory holding the datasets.
    static var directory: String {
        Bundle.module.url(forResource: "Resources/datasets", withExtension: nil)!.path
    }

    /// Loads `name`.
    static func load(_ name: String) throws -> ReferenceDataset {
        let base = directory + "/" + name
        let table = try Table.readCSV(path: base + ".csv")
        let folds = try String(contentsOfFile: base + "_split.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init)
        precondition(folds.count == table.rowCount, "split and data disagree for \(name)")
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: base + "_reference.json")))
        return ReferenceDataset(
            name: name, table: table, trainRows: folds.indices.filter { folds[$0] == "train" },
            testRows: folds.indices.filter { folds[$0] == "test" }, reference: JSONValue(json))
    }

    var train: Table { get throws { try table.rows(trainRows) } }
    var test: Table { get throws { try table.rows(testRows) } }

    /// The training rows as `TrainingData` (every column but `target` is a feature).
    func trainData(task: TrainingTask? = nil) throws -> TrainingData {
        try TrainingData(train, target: "target", task: task)
    }

    /// The test rows as `TrainingData`, with the training rows' classes.
    func testData(task: TrainingTask? = nil) throws -> TrainingData {
        try TrainingData(test, target: "target", task: task)
    }
}

/// A read-only view of parsed JSON, subscripted by key or index: `reference["mlp"]["test"]["accuracy"].double`.
struct JSONValue: @unchecked Sendable {
    let raw: Any

    init(_ raw: Any) { self.raw = raw }

    subscript(key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key] ?? NSNull()) }
    subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], index >= 0, index < array.count else { return JSONValue(NSNull()) }
        return JSONValue(array[index])
    }

    var double: Double? { (raw as? NSNumber)?.doubleValue }
    var int: Int? { (raw as? NSNumber)?.intValue }
    var string: String? { raw as? String }
    var doubles: [Double]? { (raw as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } }
    var array: [JSONValue]? { (raw as? [Any])?.map(JSONValue.init) }
    var keys: [String] { (raw as? [String: Any]).map { Array($0.keys).sorted() } ?? [] }
    var isNull: Bool { raw is NSNull }
}
