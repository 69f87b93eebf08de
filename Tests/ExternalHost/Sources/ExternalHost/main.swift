// Loads an ONNX model with `Model(contentsOf:)`, predicts a `Table` read from CSV, logs the
// result to a tracked run through `workspace.tracking`, and checks what it stored.
//
//     ExternalHost MODEL.onnx INPUTS.csv EXPECTED.csv WORKSPACE-DIR
import Foundation
import MLOps

let arguments = CommandLine.arguments
guard arguments.count == 5 else {
    FileHandle.standardError.write(Data("usage: ExternalHost MODEL INPUTS.csv EXPECTED.csv WORKSPACE\n".utf8))
    exit(2)
}
do {
    let model = try Model(contentsOf: arguments[1])
    let inputs = try Table.readCSV(path: arguments[2])
    let predictions = try model.predict(inputs)
    let expected = try Table.readCSV(path: arguments[3])
    let got = try predictions.columns[0].doubles()
    let want = try expected.columns[0].doubles()
    guard got.count == want.count else {
        throw MLOpsError(.invalidState, "\(got.count) predictions for \(want.count) expected values")
    }
    let worst = zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0

    let workspace = try Workspace.open(at: arguments[4])
    let tracker = try await workspace.tracking
    let runID = try await tracker.withRun(experiment: "external-host", name: "onnx predict") { run in
        try await run.log(params: ["model": model.format.rawValue, "rows": String(inputs.rowCount)])
        try await run.log(metric: "max_relative_error", value: worst)
        try await run.log(metric: "mean_prediction", value: got.reduce(0, +) / Double(max(1, got.count)))
        return run.runID
    }
    try await workspace.close()
    let stored = try await tracker.run(id: runID)
    let report = try await workspace.check()
    print("model \(model.format.rawValue), \(inputs.rowCount) rows, max relative error \(worst)")
    print("run \(runID): \(stored.metrics.count) metrics; workspace healthy: \(report.isHealthy)")
    guard worst <= 1e-5, stored.metrics.count == 2, report.isHealthy else {
        throw MLOpsError(.invalidState, "the host's checks failed")
    }
} catch {
    FileHandle.standardError.write(Data("ExternalHost failed: \(error)\n".utf8))
    exit(1)
}
