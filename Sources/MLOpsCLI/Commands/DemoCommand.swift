#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOps

/// `mlops demo`: runs what swift-mlops can do today, end to end, on a
/// workspace, and says what it did at each step.
///
/// Every number it prints or logs is computed from its data in this run.
enum DemoCommand {
    static let spec = CommandSpec(
        path: ["demo"],
        summary: "run what exists today end to end on a workspace and print what happened",
        discussion: """
            Uses --workspace or $MLOPS_WORKSPACE when given; otherwise a new temporary \
            directory, whose path is printed so that you can inspect it (e.g. with \
            'mlops store check --workspace <path>'). The dataset is written to demo-data/ in the \
            workspace directory and versioned on the workspace's data branch 'demo' ('mlops data \
            log demo --workspace <path>').
            """,
        options: [.workspace, .value("seed", "N", "seed for the synthetic data (default 42)")],
        run: { arguments, context in
            let path: String
            if arguments.value("workspace") != nil || context.environment["MLOPS_WORKSPACE"] != nil {
                path = try context.absolutePath(context.workspacePath(arguments))
            } else {
                path = try context.absolutePath(
                    (context.environment["TMPDIR"] ?? "/tmp") + "/mlops-demo-\(SortableID())")
            }
            guard let seed = UInt64(arguments.value("seed") ?? "42") else {
                throw MLOpsError(
                    .invalidArgument, "--seed must be a non-negative integer", value: arguments.value("seed"))
            }
            try await run(workspacePath: path, seed: seed, say: context.out)
        })

    static func run(workspacePath: String, seed: UInt64, say: @Sendable (String) -> Void) async throws {
        let workspace = try Workspace.open(at: workspacePath)
        say("workspace        \(workspacePath)  (metadata.sqlite + objects/ + \(dataDirectoryName)/)")

        // 1. Data: a seeded synthetic regression set, through CSV and back.
        let generated = try syntheticTable(rows: 2_000, seed: seed)
        let csv = try CSVWriter.encode(generated)
        var reader = try CSVReader(bytes: csv)
        let reread = try reader.readAll()
        guard reread.rowCount == generated.rowCount, reread.columnNames == generated.columnNames else {
            throw MLOpsError(.corruptData, "the CSV round trip changed the table's shape")
        }
        say(
            "data             \(generated.rowCount) rows × \(generated.columnCount) columns (seed \(seed)), CSV "
                + "\(csv.count) bytes, read back identical in shape")

        // 2. Version it: commit the CSV, relabel 5% of the rows, commit again, diff the two, and
        //    read the second version back for everything below (DemoCommand+Data.swift).
        let versions = try await versionData(
            workspace: workspace, workspacePath: workspacePath, table: generated, seed: seed, say: say)
        let table = versions.table

        // 3. Profile it.
        for name in table.columnNames {
            let stats = RunningStatistics(try table.doubles(column: name))
            say(
                "profile          \(pad(name, 6)) mean \(format(stats.mean))  sd \(format(stats.standardDeviation))  "
                    + "missing \(stats.missingCount)")
        }

        // 4. Split: the same seeded 80/20 split for every regression run below.
        let split = try TrainTestSplit(rowCount: table.rowCount, testFraction: 0.2, seed: seed)

        // 5. A compare-and-swap transaction: count demo runs in this workspace.
        let counterKey = StorageKey("demo", "runs").bytes
        let runs = try await workspace.metadata.transaction { tx in
            var current: UInt64 = 0
            if let entry = try await tx.get(counterKey) {
                // A damaged counter is reported, never silently reset to zero.
                guard let stored = UInt64(String(decoding: entry.value, as: UTF8.self)) else {
                    throw MLOpsError(
                        .corruptData,
                        "corrupt record at \(StorageKey.describe(counterKey)): the demo run counter is not a number",
                        value: StorageKey.describe(counterKey))
                }
                current = stored
            }
            tx.put(counterKey, Array(String(current + 1).utf8))
            return current + 1
        }
        say("transaction      demo run #\(runs) in this workspace (compare-and-swap counter)")

        // 6. Train and track: a mean baseline and least squares on y, gradient-boosted trees and logistic
        //    regression on label, each a tracked run scored on held-out rows; then the best run of each
        //    experiment (Training and ExperimentTracking; see DemoCommand+Tracking.swift).
        let trained = try await trackExperiments(
            workspace: workspace, table: table, split: split, seed: seed, dataVersion: versions.second.id, say: say)

        // 7. Deploy: register the classifiers, serve them with a canary, promote through gates
        //    (Deployment; see DemoCommand+Deployment.swift).
        try await deployModels(
            workspace: workspace, classifiers: trained.classifiers, holdout: trained.holdout,
            dataVersion: versions.second.id.description, say: say)

        // 8. Monitor: production traffic with drift injected into two features, served by the champion
        //    and watched — profiles, drift, validation, windowed AUC beside CBPE, alerts, an HTML report
        //    (Monitoring; see DemoCommand+Monitoring.swift).
        try await monitorProduction(
            workspace: workspace, workspacePath: workspacePath, reference: table, holdout: trained.holdout, seed: seed,
            run: runs, say: say)

        // 9. Check everything written, the tracked runs, their artifacts and the alerts included.
        let report = try await workspace.check()
        say(
            "store check      \(report.metadataKeys) records, \(report.objects) objects, "
                + "\(report.verifiedObjects) hashes verified: \(report.isHealthy ? "ok" : report.problems.joined(separator: "; "))"
        )
        if !report.isHealthy {
            throw MLOpsError(.corruptData, "the demo workspace failed its check", value: workspacePath)
        }
    }

    /// `y = 3·x0 − 2·x1 + 0.5·x2 + noise`, with about 1% of x2 missing; and a binary `label` drawn
    /// with probability `σ(2·x0 − 1.5·x1 + 0.2·(x2 − 10) + 1.5·x0·x1)` — the product term is one a
    /// linear model cannot represent and trees can.
    ///
    /// `x0Shift` moves x0's mean and `x2Spread` scales x2's spread around its mean before `y`
    /// and `label` are drawn: a covariate shift that keeps the rule from features to target.
    static func syntheticTable(rows: Int, seed: UInt64, x0Shift: Double = 0, x2Spread: Double = 1) throws -> Table {
        var random = SeededRandom(seed: seed)
        var x0: [Double] = []
        var x1: [Double] = []
        var x2: [Double?] = []
        var y: [Double] = []
        var label: [Int64] = []
        for _ in 0..<rows {
            let a = random.normal(mean: x0Shift, standardDeviation: 1)
            let b = random.uniform(in: -2...2)
            let c = random.normal(mean: 10, standardDeviation: 3 * x2Spread)
            x0.append(a)
            x1.append(b)
            x2.append(random.nextDouble() < 0.01 ? nil : c)
            y.append(3 * a - 2 * b + 0.5 * c + random.normal(mean: 0, standardDeviation: 0.5))
            let z = 2 * a - 1.5 * b + 0.2 * (c - 10) + 1.5 * a * b
            label.append(random.nextDouble() < 1 / (1 + Platform.exp(-z)) ? 1 : 0)
        }
        return try Table(columns: [
            .double("x0", x0), .double("x1", x1), .double("x2", x2), .double("y", y), .int("label", label),
        ])
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 1_000).rounded() / 1_000
        return String(scaled == 0 ? 0 : scaled)  // no "-0.0"
    }
}
