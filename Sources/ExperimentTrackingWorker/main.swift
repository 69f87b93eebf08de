// The child process of ExperimentTrackingTests' multi-process test, and a
// small benchmark driver. Not a product.
//
//   ExperimentTrackingWorker log-shared <sqlite> <objects> <runID> <worker> <points>
//       resumes <runID>, logs metric "w<worker>" and "shared" <points> times plus a param,
//       starts and finishes its own run "proc-<worker>" in experiment "multi"; prints "done".
//   ExperimentTrackingWorker bench <directory>
//       prints the ingest and search timings of the tracking store (build with -c release).
import ExperimentTracking
import MLOpsCore
import SQLiteStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    let line = Array("ExperimentTrackingWorker: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func logShared(_ arguments: [String]) async throws {
    guard arguments.count == 5, let worker = Int(arguments[3]), let points = Int(arguments[4]) else {
        fail("usage: log-shared <sqlite> <objects> <runID> <worker> <points>")
    }
    let tracker = ExperimentTracker(
        metadata: try SQLiteKeyValueStore(path: arguments[0]), artifacts: try FileBlobStore(root: arguments[1]),
        options: .init(bufferCapacity: 4_096, maxPointsPerCommit: 1_000, captureEnvironment: false))
    let shared = try await tracker.resumeRun(id: arguments[2])
    try await shared.log(params: ["worker\(worker)": String(worker)])
    try await shared.setTag("worker\(worker).state", "logging")
    let own = try await tracker.startRun(experiment: "multi", name: "proc-\(worker)")
    var batch: [Metric] = []
    for i in 0..<points {
        let time = Int64(1_700_000_000_000 + i)
        batch.append(Metric(key: "w\(worker)", value: Double(i), step: Int64(i), timestamp: time))
        batch.append(Metric(key: "shared", value: Double(worker), step: Int64(worker * points + i), timestamp: time))
        if batch.count >= 500 {
            try await shared.log(metrics: batch)
            batch.removeAll(keepingCapacity: true)
        }
        try await own.log(metric: "loss", value: 1 / Double(i + 1), step: Int64(i))
    }
    try await shared.log(metrics: batch)
    try await own.finish()
    try await shared.flush()
    print("done")
}

/// User plus system CPU time of the process so far, in milliseconds.
func cpuMilliseconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

func bench(_ arguments: [String]) async throws {
    guard arguments.count == 1 || arguments.count == 2 else { fail("usage: bench <directory> [part]") }
    let directory = arguments[0]
    let part = arguments.count == 2 ? arguments[1] : "all"
    func selected(_ name: String) -> Bool { part == "all" || part == name }
    let clock = ContinuousClock()
    let inMemory = getenv("BENCH_STORE").map { String(cString: $0) } == "memory"
    func tracker(_ name: String) throws -> ExperimentTracker {
        ExperimentTracker(
            metadata: inMemory
                ? InMemoryKeyValueStore() : try SQLiteKeyValueStore(path: "\(directory)/\(name).sqlite"),
            artifacts: try FileBlobStore(root: "\(directory)/\(name)-objects"))
    }

    // 1. Batched ingest: log(metrics:) of 1,000 points at a time, then flush.
    if selected("batched") {
        let tracker = try tracker("batched")
        let run = try await tracker.startRun(experiment: "bench", name: "batched")
        try await run.flush()
        let total = 2_000_000
        var batch: [Metric] = []
        batch.reserveCapacity(1_000)
        let cpu = cpuMilliseconds()
        let elapsed = try await clock.measure {
            var step: Int64 = 0
            while step < Int64(total) {
                batch.removeAll(keepingCapacity: true)
                for i in 0..<1_000 {
                    let key = i % 2 == 0 ? "loss" : "accuracy"
                    batch.append(Metric(key: key, value: Double(step), step: step / 2, timestamp: 1_700_000_000_000))
                    step += 1
                }
                try await run.log(metrics: batch)
            }
            try await run.flush()
        }
        let rate = Double(total) / (milliseconds(elapsed) / 1_000)
        print(
            "batched ingest   \(total) points in \(elapsed): \(Int(rate)) durable points/s "
                + "(CPU \(Int(cpuMilliseconds() - cpu)) ms)")
    }

    // 2. Single calls: log(metric:value:step:) per point, then flush.
    if selected("single") {
        let tracker = try tracker("single")
        let run = try await tracker.startRun(experiment: "bench", name: "single")
        try await run.flush()
        let total = 1_000_000
        let cpu = cpuMilliseconds()
        let elapsed = try await clock.measure {
            for i in 0..<total {
                try await run.log(metric: "loss", value: Double(i), step: Int64(i))
            }
            try await run.flush()
        }
        let rate = Double(total) / (milliseconds(elapsed) / 1_000)
        print(
            "single-call      \(total) points in \(elapsed): \(Int(rate)) durable points/s "
                + "(CPU \(Int(cpuMilliseconds() - cpu)) ms)")
    }

    // 3. 200 runs × (10 params + 10 metrics).
    for mode in ["end+flush", "finish each"] where selected("runs") {
        let tracker = try tracker("runs-\(mode == "end+flush" ? "a" : "b")")
        _ = try await tracker.experiment(namedOrCreated: "bench")
        _ = RunEnvironment.current
        let cpu = cpuMilliseconds()
        let elapsed = try await clock.measure {
            for r in 0..<200 {
                let run = try await tracker.startRun(experiment: "bench", name: "run-\(r)")
                var params: [String: String] = [:]
                for p in 0..<10 { params["param_\(p)"] = String(r * 10 + p) }
                try await run.log(params: params)
                var metrics: [String: Double] = [:]
                for m in 0..<10 { metrics["metric_\(m)"] = Double(r) / Double(m + 1) }
                try await run.log(metrics: metrics, step: 0)
                if mode == "end+flush" { try await run.end() } else { try await run.finish() }
            }
            try await tracker.flush()
        }
        print("200 runs         (\(mode)): \(elapsed) (CPU \(Int(cpuMilliseconds() - cpu)) ms)")
    }

    // 4. Filtered search over 200 and 10,000 runs.
    for count in [200, 10_000] where selected("search") {
        let tracker = try tracker("search-\(count)")
        let experiment = try await tracker.createExperiment(name: "search")
        for r in 0..<count {
            let run = try await tracker.startRun(experimentID: experiment.id, name: "run-\(r)")
            var params: [String: String] = [:]
            for p in 0..<10 { params["param_\(p)"] = String((r + p) % 7) }
            params["optimizer"] = r % 3 == 0 ? "adam" : "sgd"
            try await run.log(params: params)
            var metrics: [String: Double] = [:]
            for m in 0..<10 { metrics["metric_\(m)"] = Double((r * 31 + m * 17) % 1_000) / 1_000 }
            try await run.log(metrics: metrics, step: 1)
            try await run.end()
        }
        try await tracker.flush()
        let filter = "metrics.metric_0 > 0.5 AND params.optimizer = 'adam'"
        let repeats = Int(getenv("BENCH_REPEATS").map { String(cString: $0) } ?? "") ?? 7
        // Cold: a fresh tracker (no caches) on the same store, each time.
        var cold = (wall: 1e9, cpu: 1e9)
        var matches = 0
        for _ in 0..<repeats {
            let fresh = ExperimentTracker(
                metadata: tracker.metadata, artifacts: tracker.artifacts, options: .init(captureEnvironment: false))
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                matches = try await fresh.searchRuns(experimentIDs: [experiment.id], filter: filter).runs.count
            }
            cold = (min(cold.wall, milliseconds(elapsed)), min(cold.cpu, cpuMilliseconds() - cpu))
        }
        // After a write elsewhere in the store: the scan is redone, unchanged runs are not re-decoded.
        let other = try await tracker.startRun(experiment: "other", name: "writer")
        var afterWrite = (wall: 1e9, cpu: 1e9)
        for step in 0..<repeats {
            try await other.log(metric: "m", value: 1, step: Int64(step))
            try await other.flush()
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                _ = try await tracker.searchRuns(experimentIDs: [experiment.id], filter: filter)
            }
            afterWrite = (min(afterWrite.wall, milliseconds(elapsed)), min(afterWrite.cpu, cpuMilliseconds() - cpu))
        }
        // Warm: nothing changed since the last search.
        var warm = (wall: 1e9, cpu: 1e9)
        let warmRepeats = Int(getenv("BENCH_WARM_REPEATS").map { String(cString: $0) } ?? "") ?? repeats
        for _ in 0..<warmRepeats {
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                _ = try await tracker.searchRuns(experimentIDs: [experiment.id], filter: filter)
            }
            warm = (min(warm.wall, milliseconds(elapsed)), min(warm.cpu, cpuMilliseconds() - cpu))
        }
        // Cold, ordered by a metric, top 100.
        var ordered = (wall: 1e9, cpu: 1e9)
        for _ in 0..<repeats {
            let fresh = ExperimentTracker(
                metadata: tracker.metadata, artifacts: tracker.artifacts, options: .init(captureEnvironment: false))
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                _ = try await fresh.searchRuns(
                    experimentIDs: [experiment.id], filter: filter, orderBy: ["metrics.metric_1 DESC"], maxResults: 100)
            }
            ordered = (min(ordered.wall, milliseconds(elapsed)), min(ordered.cpu, cpuMilliseconds() - cpu))
        }
        var scanCPU = 1e9
        for _ in 0..<repeats {
            let cpu = cpuMilliseconds()
            _ = try await tracker.metadata.scan(.prefix(StorageKey("tracking", "run", experiment.id).bytes))
            scanCPU = min(scanCPU, cpuMilliseconds() - cpu)
        }
        func format(_ value: (wall: Double, cpu: Double)) -> String {
            "\((value.wall * 100).rounded() / 100) ms (CPU \((value.cpu * 100).rounded() / 100) ms)"
        }
        print(
            "search \(count) runs  filter matches \(matches): cold \(format(cold)); after a write \(format(afterWrite)); "
                + "warm \(format(warm)); cold ordered by metric, top 100: \(format(ordered)); "
                + "raw store scan CPU \((scanCPU * 100).rounded() / 100) ms")
    }
}

do {
    switch arguments.first {
    case "log-shared": try await logShared(Array(arguments.dropFirst()))
    case "bench": try await bench(Array(arguments.dropFirst()))
    default: fail("unknown mode; expected log-shared or bench")
    }
} catch {
    fail("\(error)")
}
