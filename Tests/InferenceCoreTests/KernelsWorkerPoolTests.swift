import InferenceCore
import Synchronization
import Testing

@Suite("Kernels: WorkerPool")
struct KernelsWorkerPoolTests {
    /// A ``ParallelWork`` value that counts how often each index ran and on which thread.
    /// (@unchecked Sendable: index `i` writes only element `i` of each buffer.)
    struct CountingWork: ParallelWork, @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let threads: UnsafeMutablePointer<UInt>

        func run(_ index: Int) {
            counts[index] += 1
            threads[index] = currentThreadID()
        }
    }

    /// Runs a job that records which indices ran; every index must run exactly once. `asWork` uses the
    /// ``ParallelWork`` form instead of a closure.
    func coverage(_ pool: WorkerPool, iterations: Int, asWork: Bool = false) -> [Int] {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(iterations, 1))
        counts.initialize(repeating: 0, count: max(iterations, 1))
        let threads = UnsafeMutablePointer<UInt>.allocate(capacity: max(iterations, 1))
        threads.initialize(repeating: 0, count: max(iterations, 1))
        defer {
            counts.deallocate()
            threads.deallocate()
        }
        if asWork {
            pool.parallelFor(iterations, work: CountingWork(counts: counts, threads: threads))
        } else {
            // Each index writes only its own element.
            nonisolated(unsafe) let counts = counts
            pool.parallelFor(iterations) { index in
                counts[index] += 1
            }
        }
        return Array(UnsafeBufferPointer(start: counts, count: iterations))
    }

    @Test("parallelFor runs every iteration exactly once", arguments: [1, 2, 3, 8], [false, true])
    func everyIterationOnce(threads: Int, asWork: Bool) {
        let pool = WorkerPool(threadCount: threads, spinMicroseconds: 20)
        #expect(pool.threadCount == threads)
        for iterations in [0, 1, 2, 3, 7, 64, 1_000] {
            for _ in 0..<20 {
                #expect(
                    coverage(pool, iterations: iterations, asWork: asWork)
                        == [Int](repeating: 1, count: iterations))
            }
        }
    }

    @Test("ParallelWork values run on the workers too, and a busy pool runs them inline")
    func workValuesUseWorkers() {
        let pool = WorkerPool(threadCount: 2, spinMicroseconds: 1_000)
        let seen = SeenThreads()
        for _ in 0..<200 {
            pool.parallelFor(2, work: SlowWork(seen: seen))
            if seen.ids.withLock({ $0.count }) > 1 { break }
        }
        #expect(seen.ids.withLock { $0.count } > 1)
        // Nested: the outer job holds the pool, so the inner work runs on the thread that asked.
        let inner = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        inner.initialize(repeating: 0, count: 8)
        defer { inner.deallocate() }
        // Index `i` writes only elements 2i and 2i + 1.
        nonisolated(unsafe) let shared = inner
        pool.parallelFor(4) { i in
            let counts = shared + 2 * i
            let threads = UnsafeMutablePointer<UInt>.allocate(capacity: 2)
            threads.initialize(repeating: 0, count: 2)
            pool.parallelFor(2, work: CountingWork(counts: counts, threads: threads))
            precondition(threads[0] == currentThreadID() && threads[1] == currentThreadID())
            threads.deallocate()
        }
        #expect(Array(UnsafeBufferPointer(start: inner, count: 8)) == [Int](repeating: 1, count: 8))
    }

    /// The threads a job ran on.
    final class SeenThreads: Sendable {
        let ids = Mutex<Set<UInt>>([])
    }

    /// Spins long enough that the caller cannot finish a two-item job alone, then records its thread.
    struct SlowWork: ParallelWork {
        let seen: SeenThreads

        func run(_ index: Int) {
            var x: Double = 1
            for i in 0..<20_000 { x = x * 1.000_001 + Double(i & 1) }
            precondition(x > 0)
            let id = currentThreadID()
            seen.ids.withLock { _ = $0.insert(id) }
        }
    }

    @Test("work really runs on more than one thread when the pool has workers")
    func usesWorkers() {
        let pool = WorkerPool(threadCount: 2, spinMicroseconds: 1_000)
        let distinct = Mutex<Set<UInt>>([])
        for _ in 0..<200 {
            pool.parallelFor(2) { _ in
                let id = currentThreadID()
                // Keep each iteration long enough that the caller cannot finish both alone.
                var x: Double = 1
                for i in 0..<20_000 { x = x * 1.000_001 + Double(i & 1) }
                precondition(x > 0)
                distinct.withLock { _ = $0.insert(id) }
            }
            if distinct.withLock({ $0.count }) > 1 { break }
        }
        #expect(distinct.withLock { $0.count } > 1)
    }

    @Test("many tasks share one pool concurrently; nested calls run inline")
    func concurrentCallers() async {
        let pool = WorkerPool(threadCount: 2, spinMicroseconds: 50)
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var ok = true
                    for round in 0..<100 {
                        let n = 1 + (task * 7 + round) % 40
                        let sums = UnsafeMutablePointer<Int>.allocate(capacity: n)
                        sums.initialize(repeating: 0, count: n)
                        // Each index writes only its own element.
                        nonisolated(unsafe) let shared = sums
                        pool.parallelFor(n) { i in
                            // A nested call: the pool is busy, so this runs on the current thread.
                            let inner = Atomic<Int>(0)
                            pool.parallelFor(3) { j in inner.add(j, ordering: .relaxed) }
                            shared[i] = i * task + inner.load(ordering: .relaxed)
                        }
                        for i in 0..<n where sums[i] != i * task + 3 { ok = false }
                        sums.deallocate()
                    }
                    return ok
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 })
    }

    @Test("SGEMM from many tasks at once on the shared pool gives correct results")
    func concurrentSGEMM() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<6 {
                group.addTask {
                    let m = 60 + task
                    GEMMCase(m: m, n: 90, k: 120, beta: 1, bias: true, activation: .sigmoid)
                        .check(pool: .shared, seed: UInt64(task))
                    return true
                }
            }
            var count = 0
            for await _ in group { count += 1 }
            return count
        }
        #expect(results == 6)
    }

    @Test("pools can be created and dropped repeatedly (threads are joined)")
    func createAndDrop() {
        for threads in [1, 2, 4] {
            for _ in 0..<10 {
                let pool = WorkerPool(threadCount: threads, spinMicroseconds: 0)
                #expect(coverage(pool, iterations: 5) == [1, 1, 1, 1, 1])
            }
        }
        #expect(WorkerPool(threadCount: 0).threadCount == 1)
        #expect(WorkerPool.onlineProcessorCount >= 1)
        #expect(WorkerPool.shared.threadCount == WorkerPool.onlineProcessorCount)
    }

    @Test("a sleeping pool wakes up for the next job")
    func wakesFromSleep() async throws {
        let pool = WorkerPool(threadCount: 2, spinMicroseconds: 0)
        #expect(coverage(pool, iterations: 10) == [Int](repeating: 1, count: 10))
        try await Task.sleep(for: .milliseconds(20))
        #expect(coverage(pool, iterations: 10) == [Int](repeating: 1, count: 10))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func currentThreadID() -> UInt {
    #if canImport(Darwin)
        return UInt(bitPattern: pthread_self())
    #else
        return UInt(pthread_self())
    #endif
}
