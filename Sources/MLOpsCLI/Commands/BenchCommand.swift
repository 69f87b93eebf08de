import MLOps

/// `mlops bench MODEL [--batch N] [--threads T] [--seconds S] [--json]`: measures a model's
/// latency and throughput, as `onnxruntime_perf_test` and `trtexec` do for their runtimes.
enum BenchCommand {
    /// The largest `--batch`.
    static let maxBatch = 1_000_000
    /// The largest `--threads`.
    static let maxThreads = 1024
    /// The largest `--seconds`.
    static let maxSeconds = 600.0

    static let spec: CommandSpec = CommandSpec(
        path: ["bench"],
        summary: "measure a model's latency per call and rows per second",
        discussion: """
            Loads MODEL (XGBoost JSON, LightGBM text, ONNX or model package, recognised by its content), makes \
            seeded random rows for its input (standard normal values; float32 or float64 as the input type \
            says, float64 for tree models), warms up for 0.2 s, then calls predict on batches of --batch rows \
            for --seconds. It measures the runtime alone: rows and outputs stay in preallocated buffers, no \
            table or CSV is involved. With --threads T, T threads call the one model concurrently, each in its \
            own loop; rows/s is their sum and the latency percentiles are over every call of every thread. \
            Latencies are per call (not per row), in microseconds. The kernels' instruction set (isa) is the \
            one `mlops version` prints; set MLOPS_ISA=baseline|avx2|avx512 to cap it. --json prints one \
            object with the keys rows_per_second, latency_p50_us, latency_p90_us, latency_p99_us, batch, \
            threads and isa.
            """,
        options: [
            .value("batch", "N", "rows per call (default 1, at most \(maxBatch))"),
            .value("threads", "T", "concurrent callers (default 1, at most \(maxThreads))"),
            .value("seconds", "S", "how long to measure, in (0, \(Int(maxSeconds))] (default 3)"),
            .flag("json", "print the figures as one JSON object"),
        ],
        positionals: [PositionalSpec(name: "MODEL", help: "the model file")],
        run: { arguments, context in
            guard let path = arguments.positional(0) else {
                throw UsageError(message: "give a MODEL file", usage: spec.usage)
            }
            let batch = try positiveInteger(arguments.value("batch"), option: "batch", default: 1, maximum: maxBatch)
            let threads = try positiveInteger(
                arguments.value("threads"), option: "threads", default: 1, maximum: maxThreads)
            let seconds = try duration(arguments.value("seconds"))
            let model = try Model(contentsOf: path)
            let report = try Benchmark(model: model, batch: batch, threads: threads, seconds: seconds).run()
            if arguments.flag("json") {
                context.out(json(report))
            } else {
                context.out("model            \(path) (\(model.format))")
                context.out("isa              \(report.isa)")
                context.out("batch            \(report.batch)")
                context.out("threads          \(report.threads)")
                context.out("calls            \(report.callCount) in \(decimal(report.seconds, places: 2)) s")
                context.out(
                    "latency          p50 \(decimal(report.latencyP50Microseconds, places: 2)) µs, "
                        + "p90 \(decimal(report.latencyP90Microseconds, places: 2)) µs, "
                        + "p99 \(decimal(report.latencyP99Microseconds, places: 2)) µs")
                context.out("rows/s           \(decimal(report.rowsPerSecond, places: 0))")
            }
        })

    /// `text` as an integer in `1...maximum`, `fallback` when absent.
    static func positiveInteger(_ text: String?, option: String, default fallback: Int, maximum: Int) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), value > 0, value <= maximum else {
            throw UsageError(
                message: "--\(option) takes a whole number from 1 to \(maximum), not \(text)", usage: spec.usage)
        }
        return value
    }

    /// The `--seconds` value: a number in (0, ``maxSeconds``], 3 when absent.
    static func duration(_ text: String?) throws -> Double {
        guard let text else { return 3 }
        guard let value = Double(text), value.isFinite, value > 0, value <= maxSeconds else {
            throw UsageError(
                message: "--seconds takes a number greater than 0 and at most \(Int(maxSeconds)), not \(text)",
                usage: spec.usage)
        }
        return value
    }

    /// The report as one JSON object with exactly the keys the command's help lists.
    static func json(_ report: Benchmark.Report) -> String {
        "{\"rows_per_second\":\(decimal(report.rowsPerSecond, places: 1)),"
            + "\"latency_p50_us\":\(decimal(report.latencyP50Microseconds, places: 3)),"
            + "\"latency_p90_us\":\(decimal(report.latencyP90Microseconds, places: 3)),"
            + "\"latency_p99_us\":\(decimal(report.latencyP99Microseconds, places: 3)),"
            + "\"batch\":\(report.batch),\"threads\":\(report.threads),\"isa\":\"\(jsonEscape(report.isa))\"}"
    }

    /// A finite non-negative `value` in plain decimal notation with `places` decimals, e.g.
    /// `12.35`; a JSON number either way (exponent notation only from 9e18 on, 0 for a negative or
    /// non-finite value).
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite, value >= 0 else { return "0" }
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        guard value * Double(scale) < 9e18 else { return "\(value)" }
        let scaled = UInt64((value * Double(scale)).rounded())
        let whole = String(scaled / scale)
        guard places > 0 else { return whole }
        let fraction = String(scaled % scale)
        return whole + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
