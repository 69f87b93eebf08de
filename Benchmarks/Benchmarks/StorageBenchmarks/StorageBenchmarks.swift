import Benchmark
import Foundation
import MLOpsCore
import SQLiteStorage

/// SHA-256 throughput and SQLite key-value throughput.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    // 64 MiB of seeded bytes; one iteration hashes all of it.
    let bytes64MiB: [UInt8] = {
        var random = SeededRandom(seed: 7)
        return (0..<(64 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }()
    Benchmark(
        "SHA256 64 MiB",
        configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .one, maxIterations: 20)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(bytes64MiB))
        }
    }

    let value = [UInt8](repeating: 0xAB, count: 100)
    func temporaryStore(_ name: String, synchronous: SQLiteKeyValueStore.Synchronous) throws
        -> (SQLiteKeyValueStore, String)
    {
        let dir = NSTemporaryDirectory() + "mlops-bench-\(name)-\(UUID().uuidString)"
        var options = SQLiteKeyValueStore.Options()
        options.synchronous = synchronous
        return (try SQLiteKeyValueStore(path: dir + "/kv.sqlite", options: options), dir)
    }

    for (label, mode) in [("FULL", SQLiteKeyValueStore.Synchronous.full), ("NORMAL", .normal)] {
        // One commit per put: each iteration is one durable single-key transaction.
        Benchmark(
            "SQLite put, 1 key per commit (synchronous=\(label))",
            configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))
        ) { benchmark in
            let (store, dir) = try temporaryStore("single", synchronous: mode)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var counter: UInt64 = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                counter += 1
                try await store.put(StorageKey("k").appending(counter).bytes, value)
            }
            benchmark.stopMeasurement()
        }

        // 10,000 puts in one commit: throughput counts rows (scalingFactor .kilo × 10).
        Benchmark(
            "SQLite put, 10k keys per commit (synchronous=\(label))",
            configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(5))
        ) { benchmark in
            let (store, dir) = try temporaryStore("batch", synchronous: mode)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var next: UInt64 = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var tx = KeyValueTransaction()
                for _ in 0..<10_000 {
                    next += 1
                    tx.put(StorageKey("k").appending(next).bytes, value)
                }
                try await store.commit(tx)
            }
            benchmark.stopMeasurement()
        }
    }

    // Scanning 10,000 keys of 100 bytes.
    Benchmark(
        "SQLite scan 10k keys",
        configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(3))
    ) { benchmark in
        let (store, dir) = try temporaryStore("scan", synchronous: .normal)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var tx = KeyValueTransaction()
        for i in 0..<10_000 { tx.put(StorageKey("k").appending(UInt64(i)).bytes, value) }
        try await store.commit(tx)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await store.scan(.prefix(StorageKey("k").bytes)))
        }
        benchmark.stopMeasurement()
    }
}
