// The child process of ExperimentTrackingTests' multi-process test, and a
// small benchmark driver. Not a product.
//
//   ExperimentTrackingWorker log-shared <sqlite> <objects> <runID> <worker> <points>
//       resumes <runID>, logs metric "w<worker>" and "shared" <points> times plus a param,
//       starts and finishes its own run "proc-<worker>" in experiment "multi"; prints "done".
//   ExperimentTrackingWorker bench <directory> [part]
//       prints the ingest and search timings of the tracking store (build with -c release);
//       part is batched, single, runs or search (default: all).
//   ExperimentTrackingWorker bench-search <directory> [reps]
//       search timings as a program sees them: for 200 and 10,000 runs, builds (or reuses)
//       <directory>/search-<count>.sqlite, then starts one new process per repetition
//       (`search-once`, after one unmeasured warm-up process) and prints the median, min and
//       max of each figure over `reps` processes (default 7).
//   ExperimentTrackingWorker search-once <directory> <count> <experimentID> <result-file>
//       one such process: opens the workspace, times its first search ("cold"), searches
//       after unrelated writes and after a write to one searched run, then warm; appends one
//       line of numbers to <result-file>.
//   ExperimentTrackingWorker search-profile <directory> <count> <experimentID> <n>
//       opens the workspace and runs the cold search n times, each on a newly opened store and
//       tracker, for a profiler (`perf record`); prints the median wall and CPU milliseconds.
import ExperimentTracking
import MLOpsCore
import SQLiteStorage

let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    let line = Array("ExperimentTrackingWorker: \(message)\n".utf8)
    _ = line.withUnsafeBytes { Platform.write(2, $0) }
    Platform.exit(2)
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
    Platform.processorTimeMilliseconds()
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
    let inMemory = Platform.environmentValue("BENCH_STORE") == "memory"
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
        let experimentID = try await populateSearch(tracker, count: count).id
        let filter = searchFilter
        let repeats = Int(Platform.environmentValue("BENCH_REPEATS") ?? "") ?? 7
        // Cold: a fresh tracker (no caches) on the same store, each time.
        var cold = (wall: 1e9, cpu: 1e9)
        var matches = 0
        for _ in 0..<repeats {
            let fresh = ExperimentTracker(
                metadata: tracker.metadata, artifacts: tracker.artifacts, options: .init(captureEnvironment: false))
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                matches = try await fresh.searchRuns(experimentIDs: [experimentID], filter: filter).runs.count
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
                _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: filter)
            }
            afterWrite = (min(afterWrite.wall, milliseconds(elapsed)), min(afterWrite.cpu, cpuMilliseconds() - cpu))
        }
        // Warm: nothing changed since the last search.
        var warm = (wall: 1e9, cpu: 1e9)
        let warmRepeats = Int(Platform.environmentValue("BENCH_WARM_REPEATS") ?? "") ?? repeats
        for _ in 0..<warmRepeats {
            let cpu = cpuMilliseconds()
            let elapsed = try await clock.measure {
                _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: filter)
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
                    experimentIDs: [experimentID], filter: filter, orderBy: ["metrics.metric_1 DESC"], maxResults: 100)
            }
            ordered = (min(ordered.wall, milliseconds(elapsed)), min(ordered.cpu, cpuMilliseconds() - cpu))
        }
        var scanCPU = 1e9
        for _ in 0..<repeats {
            let cpu = cpuMilliseconds()
            _ = try await tracker.metadata.scan(.prefix(StorageKey("tracking", "run", experimentID).bytes))
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

/// The filter every search benchmark runs: about 1 run in 10 matches.
let searchFilter = "metrics.metric_0 > 0.5 AND params.optimizer = 'adam'"

/// Creates experiment "search" with `count` runs × (11 params + 10 metrics) and waits until
/// they are durable.
func populateSearch(_ tracker: ExperimentTracker, count: Int) async throws -> Experiment {
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
    return experiment
}

/// Wall-clock and CPU milliseconds of one timed call.
struct Timing {
    var wall: Double
    var cpu: Double
}

func timed(_ body: () async throws -> Void) async rethrows -> Timing {
    let cpu = cpuMilliseconds()
    let elapsed = try await ContinuousClock().measure { try await body() }
    return Timing(wall: milliseconds(elapsed), cpu: cpuMilliseconds() - cpu)
}

/// The figures `search-once` reports, in this order.
let searchOnceFigures = [
    "open", "cold", "cold-ordered-top100", "after-unrelated-write", "after-write-to-searched-run", "warm",
]

/// One process's view of search: see the file comment.
func searchOnce(_ arguments: [String]) async throws {
    guard arguments.count == 4, let count = Int(arguments[1]) else {
        fail("usage: search-once <directory> <count> <experimentID> <result-file>")
    }
    let directory = arguments[0]
    let experimentID = arguments[2]
    let resultFile = arguments[3]
    var figures: [Timing] = []
    var tracker: ExperimentTracker?
    figures.append(
        try await timed {
            tracker = ExperimentTracker(
                metadata: try SQLiteKeyValueStore(path: "\(directory)/search-\(count).sqlite"),
                artifacts: try FileBlobStore(root: "\(directory)/search-\(count)-objects"),
                options: .init(captureEnvironment: false))
        })
    guard let tracker else { fail("no tracker") }
    var matches = 0
    figures.append(
        try await timed {
            matches = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter).runs.count
        })
    guard matches > 0 else { fail("the search matched nothing") }
    // The ordered search runs on a second, fresh tracker on the same (already open) store.
    let second = ExperimentTracker(
        metadata: tracker.metadata, artifacts: tracker.artifacts, options: .init(captureEnvironment: false))
    figures.append(
        try await timed {
            _ = try await second.searchRuns(
                experimentIDs: [experimentID], filter: searchFilter, orderBy: ["metrics.metric_1 DESC"],
                maxResults: 100)
        })
    // After a durable write to another experiment (median of 5).
    let other = try await tracker.startRun(experiment: "other", name: "writer")
    var samples: [Timing] = []
    for step in 0..<5 {
        try await other.log(metric: "m", value: Double(step), step: Int64(step))
        try await other.flush()
        samples.append(
            try await timed { _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter) })
    }
    try await other.end()
    try await tracker.flush()
    figures.append(median(samples))
    // After a durable write to one run of the searched experiment (a tag; median of 5).
    let page = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter, maxResults: 5)
    samples = []
    for (index, run) in page.runs.enumerated() {
        let handle = try await tracker.resumeRun(id: run.id)
        try await handle.setTag("bench.touched", String(index))
        try await handle.flush()
        samples.append(
            try await timed { _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter) })
    }
    figures.append(median(samples))
    // Warm: nothing changed since the last search (median of 5).
    samples = []
    for _ in 0..<5 {
        samples.append(
            try await timed { _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter) })
    }
    figures.append(median(samples))
    let line = figures.map { "\($0.wall) \($0.cpu)" }.joined(separator: " ") + " \(matches)\n"
    let fd = Platform.open(resultFile, [.writeOnly, .append, .create])
    guard fd >= 0 else { fail("cannot open \(resultFile)") }
    _ = Array(line.utf8).withUnsafeBytes { Platform.write(fd, $0) }
    Platform.close(fd)
}

func median(_ samples: [Timing]) -> Timing {
    func middle(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }
    return Timing(wall: middle(samples.map(\.wall)), cpu: middle(samples.map(\.cpu)))
}

/// Repeated cold searches for a profiler: see the file comment.
func searchProfile(_ arguments: [String]) async throws {
    guard arguments.count == 4, let count = Int(arguments[1]), let n = Int(arguments[3]) else {
        fail("usage: search-profile <directory> <count> <experimentID> <n>")
    }
    let experimentID = arguments[2]
    func fresh() throws -> ExperimentTracker {
        ExperimentTracker(
            metadata: try SQLiteKeyValueStore(path: "\(arguments[0])/search-\(count).sqlite"),
            artifacts: try FileBlobStore(root: "\(arguments[0])/search-\(count)-objects"),
            options: .init(captureEnvironment: false))
    }
    // Each figure on a newly opened store: the store's own scan of the run records (visiting
    // every row without copying it), a search returning one run (scan, parse, filter, sort),
    // and the full search (also decoding the 1,000 runs of the page).
    var scans: [Timing] = []
    var firstOnly: [Timing] = []
    var full: [Timing] = []
    let range = KeyRange.prefix(StorageKey("tracking", "run", experimentID).bytes)
    for _ in 0..<n {
        let store = try fresh().metadata
        var rows = 0
        scans.append(
            try await timed {
                try await store.scan(KeyScan(range: range)) { entry in
                    rows += entry.value.count > 0 ? 1 : 0
                    return true
                }
            })
        let one = try fresh()
        firstOnly.append(
            try await timed {
                _ = try await one.searchRuns(experimentIDs: [experimentID], filter: searchFilter, maxResults: 1)
            })
        let tracker = try fresh()
        full.append(
            try await timed { _ = try await tracker.searchRuns(experimentIDs: [experimentID], filter: searchFilter) })
    }
    func text(_ samples: [Timing]) -> String {
        let result = median(samples)
        return "wall \((result.wall * 100).rounded() / 100) ms, CPU \((result.cpu * 100).rounded() / 100) ms"
    }
    print("cold, \(count) runs, median of \(n) newly opened stores:")
    print("  store scan, visiting   \(text(scans))")
    print("  search, 1 result       \(text(firstOnly))")
    print("  search, full page      \(text(full))")
}

/// Runs this executable with `arguments` and waits for it; fails unless it exits with 0.
func runSelf(_ arguments: [String]) {
    guard let status = Platform.runAndWait("/proc/self/exe", arguments: [CommandLine.arguments[0]] + arguments) else {
        fail("cannot start \(arguments): \(Platform.describe(errno: Platform.errno))")
    }
    guard status == 0 else { fail("child \(arguments) exited with status \(status)") }
}

/// Search timings over fresh processes: see the file comment.
func benchSearch(_ arguments: [String]) async throws {
    guard arguments.count == 1 || arguments.count == 2 else { fail("usage: bench-search <directory> [reps]") }
    let directory = arguments[0]
    let reps = arguments.count == 2 ? Int(arguments[1]) ?? 7 : 7
    for count in [200, 10_000] {
        let path = "\(directory)/search-\(count).sqlite"
        let exists = Platform.status(path: path) != nil
        let store = try SQLiteKeyValueStore(path: path)
        let tracker = ExperimentTracker(
            metadata: store, artifacts: try FileBlobStore(root: "\(directory)/search-\(count)-objects"))
        let experiment =
            exists ? try await tracker.experiment(named: "search") : try await populateSearch(tracker, count: count)
        guard let experimentID = experiment?.id else { fail("no experiment 'search' in \(path)") }
        store.close()
        let results = "\(directory)/search-\(count).results"
        Platform.remove(results)
        for _ in 0...reps { runSelf(["search-once", directory, String(count), experimentID, results]) }
        let fd = Platform.open(results, .readOnly)
        guard fd >= 0 else { fail("no results in \(results)") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Platform.read(fd, $0) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        Platform.close(fd)
        // The first process only warms the page cache and the binary: not counted.
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: " ").compactMap { Double($0) } }
        guard rows.count == reps, rows.allSatisfy({ $0.count == 2 * searchOnceFigures.count + 1 }) else {
            fail("malformed results in \(results)")
        }
        print("search over \(count) runs, \(reps) fresh processes, matches \(Int(rows[0].last ?? 0)):")
        for (index, name) in searchOnceFigures.enumerated() {
            func stats(_ column: Int) -> String {
                let values = rows.map { $0[column] }.sorted()
                let m = values.count / 2
                let middle = values.count % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2
                func r(_ x: Double) -> Double { (x * 100).rounded() / 100 }
                return "\(r(middle)) [\(r(values.first ?? .nan))–\(r(values.last ?? .nan))]"
            }
            let padded = name + String(repeating: " ", count: max(0, 28 - name.count))
            print("  \(padded) wall \(stats(2 * index)) ms, CPU \(stats(2 * index + 1)) ms")
        }
    }
}

do {
    switch arguments.first {
    case "log-shared": try await logShared(Array(arguments.dropFirst()))
    case "bench": try await bench(Array(arguments.dropFirst()))
    case "bench-search": try await benchSearch(Array(arguments.dropFirst()))
    case "search-once": try await searchOnce(Array(arguments.dropFirst()))
    case "search-profile": try await searchProfile(Array(arguments.dropFirst()))
    default: fail("unknown mode; expected log-shared, bench, bench-search, search-once or search-profile")
    }
} catch {
    fail("\(error)")
}
