// The swift-mlops side of Benchmarks/compare/training_mlp.py: trains Training's MLP on the data the
// script wrote into --dir (raw little-endian float64 matrices: train_x.f64 [rows × features],
// train_y.f64 class indices, test_x.f64, test_y.f64) with the architecture and batch size of the
// scikit-learn run it is compared with, and times it. Prints one JSON object on standard output.
//
//   swift run --package-path Benchmarks -c release MLPCompare --dir DIR --features 64 --classes 10
//       [--epochs 200] [--batch 200] [--hidden 64] [--reps 5] [--threads 1,2] [--seed 0]
//       [--converge 1]
//
// Each repetition is one fit of --epochs epochs (the stopping rule is switched off with
// n_iter_no_change > epochs, as the script does for scikit-learn; --converge 1 keeps scikit-learn's
// default rule, n_iter_no_change = 10, to compare accuracy) after one untimed warm-up fit of
// two epochs; the epoch time is the fit's wall time divided by the epochs run. Reported per thread
// count: every repetition's epoch time (ms), the test accuracy and the final training loss.
import CompareSupport
import Foundation
import InferenceCore
import Training

struct Arguments {
    var directory = ""
    var features = 0
    var classes = 0
    var epochs = 200
    var batch = 200
    var hidden = [64]
    var reps = 5
    var threads = [1, 2]
    var seed: UInt64 = 0
    var converge = false

    init() {
        parseOptions { option, value in
            switch option {
            case "--dir": directory = value
            case "--features": features = Int(value) ?? 0
            case "--classes": classes = Int(value) ?? 0
            case "--epochs": epochs = max(1, Int(value) ?? epochs)
            case "--batch": batch = max(1, Int(value) ?? batch)
            case "--hidden": hidden = integers(value)
            case "--reps": reps = max(1, Int(value) ?? reps)
            case "--threads": threads = integers(value)
            case "--seed": seed = UInt64(value) ?? 0
            case "--converge": converge = value == "1"
            default: return false
            }
            return true
        }
        if directory.isEmpty || features < 1 || classes < 2 {
            fail("--dir DIR, --features N and --classes K are required", code: 2)
        }
    }
}

func trainingData(_ prefix: String, _ arguments: Arguments) -> TrainingData {
    let x = readDoubles(arguments.directory + "/\(prefix)_x.f64")
    let y = readDoubles(arguments.directory + "/\(prefix)_y.f64")
    guard x.count == y.count * arguments.features else { fail("\(prefix): \(x.count) values for \(y.count) rows") }
    do {
        let features = try FeatureMatrix(
            rowCount: y.count, values: x, featureNames: (0..<arguments.features).map { "f\($0)" })
        let target = try TrainingTarget(
            name: "target", task: arguments.classes == 2 ? .binary : .multiclass, values: y, classes: y.map { Int($0) },
            classLabels: (0..<arguments.classes).map(String.init))
        return try TrainingData(features: features, target: target)
    } catch {
        fail("\(prefix): \(error)")
    }
}

let arguments = Arguments()
let train = trainingData("train", arguments)
let test = trainingData("test", arguments)
let estimator = MLP(
    hiddenLayerSizes: arguments.hidden, batchSize: arguments.batch, maxIter: arguments.epochs,
    nIterNoChange: arguments.converge ? 10 : arguments.epochs + 1)

var results: [String: Any] = [:]
for threads in arguments.threads {
    let pool = WorkerPool(threadCount: threads)
    func context() -> TrainingContext {
        var context = TrainingContext(seed: arguments.seed, threads: 1)
        context.pool = pool
        return context
    }
    do {
        var warm = context()
        var short = estimator
        short.maxIter = 2
        _ = try short.fit(train, context: &warm)
        var epochMs: [Double] = []
        var accuracy = 0.0
        var loss = 0.0
        var epochs = 0
        for _ in 0..<arguments.reps {
            var run = context()
            let start = nanoseconds()
            let model = try estimator.fit(train, context: &run)
            let elapsed = Double(nanoseconds() - start) / 1e6
            epochs = model.iterationCount
            epochMs.append(elapsed / Double(max(1, model.iterationCount)))
            let labels = try model.predict(test.features).labels
            accuracy = Double(zip(labels, test.target.classes).filter { $0 == $1 }.count) / Double(labels.count)
            loss = model.lossCurve.last ?? .nan
        }
        results[String(threads)] = [
            "epoch_ms": epochMs, "epochs": epochs, "test_accuracy": accuracy, "final_train_loss": loss,
        ]
    } catch {
        fail("training failed: \(error)")
    }
}
try printJSON(["mlp": results, "kernels": Kernels.configuration] as [String: Any])
