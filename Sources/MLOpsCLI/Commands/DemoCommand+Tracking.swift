import MLOps

extension DemoCommand {
    /// One model the demo fits and scores: its run name, what it is, and its
    /// intercept and coefficients by feature name.
    struct DemoFit: Sendable {
        var runName: String
        var description: String
        var intercept: Double
        var coefficients: [(feature: String, value: Double)]

        /// The model's prediction for every row of `features` (columns by name).
        func predictions(_ features: [String: [Double]], rows: [Int]) -> [Double] {
            rows.map { row in
                var value = intercept
                for (feature, coefficient) in coefficients { value += coefficient * (features[feature]?[row] ?? 0) }
                return value
            }
        }
    }

    /// Step 6 of the demo: tracked runs of models that are really fitted and
    /// scored here — the training mean, and closed-form least squares on one
    /// and on two features — each with its params, its test metrics, the
    /// data commit they trained on as input and its coefficients as an
    /// artifact; then the run with the lowest test RMSE.
    ///
    /// These are not Training estimators (there are none yet): the fits are a
    /// few loops written in the demo, and the output says so.
    static func trackExperiments(
        workspace: Workspace, table: Table, split: TrainTestSplit, seed: UInt64, dataVersion: ObjectID,
        say: @Sendable (String) -> Void
    ) async throws {
        var features: [String: [Double]] = [:]
        for name in ["x0", "x1"] { features[name] = try table.doubles(column: name) }
        let target = try table.doubles(column: "y")
        let fits = try fitModels(features: features, target: target, train: split.train)

        let tracker = try await workspace.tracking
        let experiment = try await tracker.experiment(namedOrCreated: "demo-regression")
        var scored: [(name: String, rmse: Double)] = []
        for fit in fits {
            let metrics = try RegressionMetrics(
                predictions: fit.predictions(features, rows: split.test), targets: split.test.map { target[$0] })
            let trainMetrics = try RegressionMetrics(
                predictions: fit.predictions(features, rows: split.train), targets: split.train.map { target[$0] })
            try await tracker.withRun(experiment: experiment.name, name: fit.runName) { run in
                try await run.log(params: [
                    "model": fit.description, "features": fit.coefficients.map(\.feature).joined(separator: ","),
                    "split_seed": String(seed), "test_fraction": "0.2",
                ])
                try await run.logInput(
                    DatasetInput(
                        name: dataFileName,
                        digest: String(dataVersion.hex.prefix(TrackingLimits.maxDatasetDigestLength)),
                        context: "training", source: dataVersion.description, sourceType: dataVersionSourceType,
                        dataVersionID: dataVersion.description))
                try await run.log(metrics: [
                    "rmse": metrics.rootMeanSquaredError, "mae": metrics.meanAbsoluteError, "r2": metrics.r2,
                    "train_rmse": trainMetrics.rootMeanSquaredError,
                ])
                try await run.logArtifact(path: "model.txt", data: Array(modelText(fit).utf8))
            }
            scored.append((fit.runName, metrics.rootMeanSquaredError))
        }
        guard let best = try await tracker.bestRun(experimentIDs: [experiment.id], metric: "rmse", goal: .minimize),
            let rmse = best.metrics["rmse"]?.value
        else {
            throw MLOpsError(.notFound, "the demo experiment has no run with an rmse metric", value: experiment.id)
        }
        say(
            "tracking         \(scored.count) runs in experiment '\(experiment.name)' (ID \(experiment.id)), "
                + "test RMSE: " + scored.map { "\($0.name) \(format($0.rmse))" }.joined(separator: ", "))
        say(
            "                 lowest test RMSE (across every run of this experiment): \(best.info.runName) "
                + "\(format(rmse)), run \(best.info.runID)")
        say(
            "                 these are a mean baseline and least squares (closed form, computed in the demo); "
                + "training estimators: planned (Training module)")
    }

    /// The demo's models, fitted on the `train` rows: the training mean, least
    /// squares on x0, and least squares on x0 and x1 (normal equations, solved
    /// by Gaussian elimination with partial pivoting).
    static func fitModels(features: [String: [Double]], target: [Double], train: [Int]) throws -> [DemoFit] {
        let mean = train.map { target[$0] }.reduce(0, +) / Double(train.count)
        var fits = [
            DemoFit(
                runName: "baseline-mean", description: "baseline: mean of the training target", intercept: mean,
                coefficients: [])
        ]
        for names in [["x0"], ["x0", "x1"]] {
            let columns = names.map { features[$0] ?? [] }
            let solution = try leastSquares(columns: columns, target: target, rows: train)
            fits.append(
                DemoFit(
                    runName: "least-squares-" + names.joined(separator: "-"),
                    description: "least squares on \(names.joined(separator: ", ")) (closed form, in the demo)",
                    intercept: solution[0], coefficients: Array(zip(names, solution.dropFirst()))))
        }
        return fits
    }

    /// Ordinary least squares with an intercept: solves `(XᵀX) β = Xᵀy` over
    /// `rows`, where X is a column of ones followed by `columns`. Returns
    /// `[intercept, coefficient…]`.
    static func leastSquares(columns: [[Double]], target: [Double], rows: [Int]) throws -> [Double] {
        let size = columns.count + 1
        // The augmented system [XᵀX | Xᵀy].
        var system = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
        var x = [Double](repeating: 1, count: size)
        for row in rows {
            for (index, column) in columns.enumerated() { x[index + 1] = column[row] }
            for i in 0..<size {
                for j in 0..<size { system[i][j] += x[i] * x[j] }
                system[i][size] += x[i] * target[row]
            }
        }
        // A pivot this small relative to the largest diagonal entry means the columns are (nearly) collinear.
        let tolerance = 1e-10 * (0..<size).map { abs(system[$0][$0]) }.reduce(0, max)
        for pivot in 0..<size {
            guard let best = (pivot..<size).max(by: { abs(system[$0][pivot]) < abs(system[$1][pivot]) }),
                abs(system[best][pivot]) > tolerance
            else {
                throw MLOpsError(
                    .invalidArgument, "the features are collinear; least squares has no unique solution")
            }
            system.swapAt(pivot, best)
            for row in 0..<size where row != pivot {
                let factor = system[row][pivot] / system[pivot][pivot]
                for column in pivot...size { system[row][column] -= factor * system[pivot][column] }
            }
        }
        return (0..<size).map { system[$0][size] / system[$0][$0] }
    }

    /// The fitted model as text: what it is and its coefficients.
    static func modelText(_ fit: DemoFit) -> String {
        var lines = ["model      \(fit.description)", "intercept  \(fit.intercept)"]
        for (feature, value) in fit.coefficients { lines.append("\(pad(feature, 10)) \(value)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
