import MLOps

/// `mlops serve-bench NAME [--alias A] [--concurrency C] [--seconds S] [--max-batch N]
/// [--max-delay-us U] [--json]`: drives the serving engine in-process with concurrent synthetic
/// load on a registered model and prints throughput and latency percentiles.
enum ServeBenchCommand {
    /// The largest `--concurrency`.
    static let maxConcurrency = 4_096

    static let spec: CommandSpec = CommandSpec(
        path: ["serve-bench"],
        summary: "load a registered model into the serving engine and measure requests/s and latency",
        discussion: """
            Loads version ALIAS (default champion; 'latest' for the newest version) of the registered model \
            NAME from the workspace's registry, verifying its hash, into an in-process ModelServer with dynamic \
            batching (--max-batch rows per model call, default 64; --max-delay-us, default 100; --max-batch 1 \
            turns batching off: each request runs on its caller's task). Then --concurrency tasks (default 16) \
            each send one-row requests with seeded standard normal inputs back to back for --seconds (default \
            3), after a 0.2 s warm-up. Latency is measured by the caller around each request, in microseconds; \
            requests/s counts answered requests. --json prints one object with the keys requests_per_second, \
            latency_p50_us, latency_p90_us, latency_p99_us, errors, requests, concurrency, seconds, version, \
            max_batch and mean_batch_size.
            """,
        options: [
            .workspace,
            .value("alias", "A", "the alias (or 'latest') to serve (default champion)"),
            .value("concurrency", "C", "concurrent callers (default 16, at most \(maxConcurrency))"),
            .value("seconds", "S", "how long to measure, in (0, \(Int(BenchCommand.maxSeconds))] (default 3)"),
            .value("max-batch", "N", "dynamic batching: most rows per model call (default 64; 1 = off)"),
            .value("max-delay-us", "U", "dynamic batching: longest wait for a fuller batch (default 100)"),
            .flag("json", "print the figures as one JSON object"),
        ],
        positionals: [PositionalSpec(name: "NAME", help: "the registered model")],
        run: { arguments, context in
            guard let name = arguments.positional(0) else {
                throw UsageError(message: "give the NAME of a registered model", usage: spec.usage)
            }
            let concurrency = try BenchCommand.positiveInteger(
                arguments.value("concurrency"), option: "concurrency", default: 16, maximum: maxConcurrency)
            let seconds = try BenchCommand.duration(arguments.value("seconds"))
            let maxBatch = try BenchCommand.positiveInteger(
                arguments.value("max-batch"), option: "max-batch", default: 64, maximum: 65_536)
            let delay = try BenchCommand.positiveInteger(
                arguments.value("max-delay-us"), option: "max-delay-us", default: 100, maximum: 1_000_000)
            let alias = arguments.value("alias") ?? "champion"

            let workspace = try Workspace.open(at: context.workspacePath(arguments), mode: .readOnly)
            let registry = try await workspace.registry
            let version = try await registry.resolve(name + "@" + alias)
            let model = try await registry.model(name, version: version.version)
            let batching =
                maxBatch > 1
                ? BatchingPolicy(maxBatchSize: maxBatch, maxQueueDelay: .microseconds(delay), maxQueueSize: 65_536)
                : nil
            let server = ModelServer()
            try await server.deploy(model, name: name, version: version.version, batching: batching)
            let bench = ServeBench(
                server: server, model: name,
                inputs: try ServeBench.syntheticInputs(for: model.signature, seed: 42), concurrency: concurrency,
                seconds: seconds)
            let report = try await bench.run()
            let meanBatch = server.metrics().version(name, version.version)?.meanBatchSize ?? 1
            try await server.undeploy(name, version: version.version)

            if arguments.flag("json") {
                let errors = report.errors.keys.sorted().map { "\"\(jsonEscape($0))\":\(report.errors[$0]!)" }
                context.out(
                    "{\"requests_per_second\":\(BenchCommand.decimal(report.requestsPerSecond, places: 1)),"
                        + "\"latency_p50_us\":\(BenchCommand.decimal(report.latencyP50Microseconds, places: 3)),"
                        + "\"latency_p90_us\":\(BenchCommand.decimal(report.latencyP90Microseconds, places: 3)),"
                        + "\"latency_p99_us\":\(BenchCommand.decimal(report.latencyP99Microseconds, places: 3)),"
                        + "\"errors\":\(report.errorCount),\"errors_by_code\":{\(errors.joined(separator: ","))},"
                        + "\"requests\":\(report.requests),\"concurrency\":\(concurrency),"
                        + "\"seconds\":\(BenchCommand.decimal(report.seconds, places: 3)),"
                        + "\"version\":\(version.version),\"max_batch\":\(maxBatch),"
                        + "\"mean_batch_size\":\(BenchCommand.decimal(meanBatch, places: 2))}")
            } else {
                context.out("model            \(name) version \(version.version) (\(alias)), \(version.format)")
                context.out(
                    "engine           "
                        + (batching == nil
                            ? "batching off"
                            : "dynamic batching: up to \(maxBatch) rows, \(delay) µs delay; mean batch "
                                + BenchCommand.decimal(meanBatch, places: 2)))
                context.out("callers          \(concurrency), one row per request")
                context.out(
                    "requests         \(report.requests) in \(BenchCommand.decimal(report.seconds, places: 2)) s, "
                        + "\(report.errorCount) errors"
                        + (report.errors.isEmpty
                            ? ""
                            : " ("
                                + report.errors.keys.sorted().map { "\($0): \(report.errors[$0]!)" }
                                .joined(separator: ", ") + ")"))
                context.out(
                    "latency          p50 \(BenchCommand.decimal(report.latencyP50Microseconds, places: 1)) µs, "
                        + "p90 \(BenchCommand.decimal(report.latencyP90Microseconds, places: 1)) µs, "
                        + "p99 \(BenchCommand.decimal(report.latencyP99Microseconds, places: 1)) µs")
                context.out("requests/s       \(BenchCommand.decimal(report.requestsPerSecond, places: 0))")
            }
        })
}
