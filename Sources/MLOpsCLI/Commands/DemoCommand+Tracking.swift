import MLOps

extension DemoCommand {
    /// Step 7 of the demo: an experiment with a few seeded runs — params,
    /// metric curves, the dataset version as input, an artifact — then the best
    /// run by RMSE.
    static func trackExperiments(
        workspace: Workspace, seed: UInt64, datasetVersion: String, digest: String, say: @Sendable (String) -> Void
    ) async throws {
        let tracker = ExperimentTracker(metadata: workspace.metadata, artifacts: workspace.objects)
        let experiment = try await tracker.experiment(namedOrCreated: "demo-regression")
        var random = SeededRandom(seed: seed)
        var names: [String] = []
        for learningRate in [0.3, 0.1, 0.03] {
            let name = try await tracker.withRun(experiment: experiment.name, name: "lr-\(learningRate)") { run in
                try await run.log(params: ["learning_rate": String(learningRate), "epochs": "20", "seed": String(seed)])
                try await run.logInput(
                    DatasetInput(
                        name: "synthetic.csv", digest: String(digest.prefix(TrackingLimits.maxDatasetDigestLength)),
                        context: "training", sourceType: "data-version", dataVersionID: datasetVersion))
                // A loss curve that falls faster for larger steps, towards a noise floor.
                let floor = 0.5 + random.uniform(in: 0..<0.1) + (learningRate > 0.2 ? 0.4 : 0)
                var rmse = 3.0
                for epoch in 0..<20 {
                    rmse = floor + (3 - floor) / (1 + learningRate * Double(epoch) * 4) + random.uniform(in: 0..<0.02)
                    let r2 = max(0, 1 - rmse * rmse / 9)
                    try await run.log(metrics: ["rmse": rmse, "r2": r2], step: Int64(epoch))
                }
                try await run.logArtifact(
                    path: "summary.txt", data: Array("final rmse \(format(rmse)) after 20 epochs\n".utf8))
                return run.name
            }
            names.append(name)
        }
        guard let best = try await tracker.bestRun(experimentIDs: [experiment.id], metric: "rmse", goal: .minimize),
            let rmse = best.metrics["rmse"]?.value
        else {
            throw MLOpsError(.notFound, "the demo experiment has no run with an rmse metric", value: experiment.id)
        }
        say(
            "tracking         \(names.count) runs (\(names.joined(separator: ", "))) in experiment "
                + "'\(experiment.name)' (ID \(experiment.id)); best by rmse: \(best.info.runName) "
                + "rmse \(format(rmse)), run \(best.info.runID)")
    }
}
