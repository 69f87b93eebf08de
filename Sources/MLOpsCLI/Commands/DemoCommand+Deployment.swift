import MLOps
import Synchronization

extension DemoCommand {
    /// The registered model the demo's classifiers become versions of.
    static let registeredModelName = "demo-label"
    /// Requests in the demo's serving burst.
    static let burstRequests = 2_000
    /// Concurrent callers in the burst.
    static let burstCallers = 16
    /// The canary's share of the burst.
    static let canaryShare = 0.1

    /// Step 7 of the demo: the classifiers go through the registry and the serving engine
    /// (Deployment).
    ///
    /// The boosted trees (trained first) are registered and made `champion`, the logistic model
    /// `challenger`, each
    /// with its run, the data version and its held-out metrics (evaluation set `holdout`). A
    /// `ModelServer` follows `champion`, loads the challenger beside it and sends it 10% of the
    /// traffic (a canary, sticky by customer). A burst of requests — held-out rows from 16
    /// concurrent callers — is served with dynamic batching, and every answer is compared with the
    /// in-process prediction of the version that gave it. Then the challenger is promoted through
    /// gates: compatible signature, a held-out ROC AUC better by 0.005, and a healthy canary. If it
    /// passes, the server, still following `champion`, hot-swaps to it.
    static func deployModels(
        workspace: Workspace, classifiers: [TrainedClassifier], holdout: Table, dataVersion: String,
        say: @Sendable (String) -> Void
    ) async throws {
        guard let logistic = classifiers.first(where: { $0.recipe == .logistic }),
            let trees = classifiers.first(where: { $0.recipe == .gbdt })
        else {
            throw MLOpsError(.invalidState, "the demo trains a logistic and a gbdt model", value: "")
        }
        let registry = try await workspace.registry
        let name = registeredModelName

        // Register both, with lineage and held-out metrics; champion and challenger aliases.
        var versions: [TrainingRecipe: Int] = [:]
        for classifier in [trees, logistic] {
            let version = try await registry.register(
                classifier.model, name: name,
                lineage: ModelVersion.Lineage(
                    runID: classifier.runID, dataVersion: dataVersion, metrics: classifier.metrics),
                actor: "mlops demo", reason: "trained by the demo (\(classifier.recipe))")
            try await registry.recordEvaluation(
                name, version: version.version, set: "holdout",
                metrics: ["roc_auc": classifier.metrics["validation_roc_auc"] ?? .nan], actor: "mlops demo")
            versions[classifier.recipe] = version.version
        }
        let champion = versions[.gbdt]!
        let challenger = versions[.logistic]!
        try await registry.setAlias(name, "champion", version: champion, actor: "mlops demo", reason: "baseline")
        try await registry.setAlias(name, "challenger", version: challenger, actor: "mlops demo", reason: "retrained")
        say(
            "registry         \(name): version \(champion) (gbdt) is champion, version \(challenger) (logistic) "
                + "challenger; packages stored by SHA-256, lineage: runs, data \(dataVersion.prefix(19))…")

        // Serve: follow champion, canary to the challenger.
        let server = ModelServer()
        let batching = BatchingPolicy(maxBatchSize: 32, maxQueueDelay: .microseconds(200))
        try await server.follow(name, alias: "champion", in: registry, pollInterval: .seconds(60), batching: batching)
        try await server.deploy(
            try await registry.model(name, version: challenger), name: name, version: challenger, batching: batching)
        try await server.setTraffic(
            name,
            .canary(
                stable: champion, challenger: challenger, share: canaryShare,
                rollback: RollbackPolicy(maxErrorRate: 0.01, minimumRequests: 100)))
        let burst = try await serveBurst(
            server: server, holdout: holdout, expected: [champion: trees.model, challenger: logistic.model])
        let metrics = server.metrics()
        let stable = metrics.version(name, champion)
        let canary = metrics.version(name, challenger)
        let served = (stable?.requests ?? 0) + (canary?.requests ?? 0)
        let errors = (stable?.errorCount ?? 0) + (canary?.errorCount ?? 0)
        let latency = stable?.latency
        say(
            "serving          \(burst.requests) requests from \(burstCallers) callers, dynamic batching (≤ 32 rows, "
                + "200 µs): version \(champion) \(stable?.requests ?? 0), canary version \(challenger) "
                + "\(canary?.requests ?? 0) (\(format(100 * Double(canary?.requests ?? 0) / Double(max(served, 1))))%, "
                + "sticky by customer), \(errors) errors; mean batch \(format(stable?.meanBatchSize ?? 0)) rows; "
                + "p50 \(microseconds(latency?.p50)) µs, p99 \(microseconds(latency?.p99)) µs; answers vs in-process "
                + "predict: max |Δ| \(scientific(burst.maxDifference))")
        guard burst.requests == burstRequests, errors == 0, burst.maxDifference <= 1e-6 else {
            throw MLOpsError(
                .invalidState, "the demo's serving burst failed or disagreed with in-process predictions",
                value: "errors \(errors), max difference \(burst.maxDifference)")
        }

        // Promote through gates; the server follows the alias.
        let canaryRequests = canary?.requests ?? 0
        let canaryErrors = canary?.errorCount ?? 0
        let policy = PromotionPolicy([
            .signatureCompatible,
            .metric("roc_auc", on: "holdout", .higherIsBetter, margin: 0.005),
            .check("canary healthy") { _ in
                canaryRequests >= 100 && canaryErrors == 0
                    ? .pass("\(canaryRequests) canary requests, no errors")
                    : .fail("\(canaryRequests) canary requests, \(canaryErrors) errors")
            },
        ])
        do {
            let result = try await registry.promote(
                name, from: "challenger", to: "champion", policy: policy, actor: "mlops demo",
                reason: "canary and held-out AUC")
            try await server.setTraffic(name, .single(champion))
            let swapped = try await server.refreshFollowed(name)
            let next = try await server.infer(
                InferenceRequest(model: name, inputs: try requestInputs(holdout, for: logistic.model)[0]))
            say(
                "promotion        version \(result.version) → champion: \(result.gates.count) gates passed ("
                    + result.gates.map(\.gate).joined(separator: ", ")
                    + "); the server \(swapped ? "hot-swapped" : "kept serving"): the next request was served by "
                    + "version \(next.version)")
        } catch let error as MLOpsError where error.code == .promotionBlocked {
            say("promotion        blocked, champion stays version \(champion): \(error.message)")
        }
        let events = try await registry.auditLog(of: name)
        say(
            "audit            \(name): \(events.count) events in the registry's audit log ('mlops models audit \(name)')"
        )
    }

    /// Sends ``burstRequests`` one-row requests from ``burstCallers`` tasks and compares each
    /// answer's `probability` with the in-process prediction of the version that served it.
    static func serveBurst(server: ModelServer, holdout: Table, expected: [Int: Model]) async throws -> (
        requests: Int, maxDifference: Double
    ) {
        var reference: [Int: [Double]] = [:]
        for (version, model) in expected {
            reference[version] = try model.predict(holdout.select(columns: model.signature.featureNames))
                .doubles(column: "probability")
        }
        let inputs = try requestInputs(holdout, for: expected.values.first!)
        let name = registeredModelName
        let references = reference
        return try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            for caller in 0..<burstCallers {
                group.addTask {
                    var answered = 0
                    var maxDifference = 0.0
                    for request in stride(from: caller, to: burstRequests, by: burstCallers) {
                        let row = request % inputs.count
                        let response = try await server.infer(
                            InferenceRequest(
                                model: name, inputs: inputs[row], id: "request-\(request)",
                                routingKey: "customer-\(row)"))
                        guard let output = response.outputs.first(where: { $0.name == "probability" }),
                            let value = output.tensor.doubleValues.first,
                            let want = references[response.version]?[row]
                        else {
                            throw MLOpsError(
                                .invalidState, "a served answer has no probability or an unknown version",
                                value: String(response.version))
                        }
                        maxDifference = max(maxDifference, abs(value - want))
                        answered += 1
                    }
                    return (answered, maxDifference)
                }
            }
            var total = 0
            var worst = 0.0
            for try await (answered, difference) in group {
                total += answered
                worst = max(worst, difference)
            }
            return (total, worst)
        }
    }

    /// Each row of `table` as the inputs of one request to `model`: its one input, [1, F], the
    /// feature columns in the model's order.
    static func requestInputs(_ table: Table, for model: Model) throws -> [[NamedTensor]] {
        guard model.signature.inputs.count == 1, let input = model.signature.inputs.first else {
            throw MLOpsError(
                .unsupported, "the demo serves models with one input", value: "\(model.signature.inputs.count)")
        }
        let columns = try model.signature.featureNames.map { try table.doubles(column: $0) }
        return try (0..<table.rowCount).map { row in
            let values = columns.map { $0[row] }
            let tensor =
                input.elementType == .float32
                ? try Tensor(shape: [1, values.count], float32: values.map { Float($0) })
                : try Tensor(shape: [1, values.count], float64: values)
            return [NamedTensor(name: input.name, tensor: tensor)]
        }
    }

    /// A non-negative value as `d.de-N` (two significant digits), `0` for zero.
    static func scientific(_ value: Double) -> String {
        guard value > 0, value.isFinite else { return value == 0 ? "0" : "\(value)" }
        var exponent = 0
        var mantissa = value
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        let tenths = Int((mantissa * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)e\(exponent)"
    }

    /// A duration in whole microseconds, or `-` when there is none.
    static func microseconds(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        let (seconds, attoseconds) = duration.components
        return String(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}
