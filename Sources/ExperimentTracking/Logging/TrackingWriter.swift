import MLOpsCore
import Synchronization

/// The non-blocking logging path: a bounded buffer of run changes and metric
/// points, drained by one background task per tracker into batched
/// key-value transactions.
///
/// - Callers append under a lock and return; when the buffer is full they
///   suspend until the writer has made room (backpressure), in arrival order.
/// - The writer takes the queued points (up to ``maxPointsPerCommit``) and
///   every run change queued before the last of them, and commits them in one
///   transaction: metric chunks, the runs' latest-metrics records and run
///   records. It keeps the records it wrote in a cache and checks their
///   versions at commit, so other writers (processes) are detected and the
///   batch is rebuilt on fresh reads.
/// - ``flush()`` returns when everything queued before it is committed.
/// - A failure that survives retries keeps the batch (it stays buffered and
///   counts against the capacity) and is thrown by the next logging call, by
///   every ``flush()`` until the batch is stored, and by ``close()``; the next
///   call or flush starts the writer again, which retries the kept batch before
///   anything queued after it. An accepted point or change is never dropped:
///   it is stored, or its failure is reported. (A change the store refuses for
///   what it is — e.g. to a run that does not exist — is reported the same way
///   and not retried.)
final class TrackingWriter: Sendable {
    /// Points of one run, queued by one call: one point or a caller's array, kept as given.
    struct PointBatch {
        enum Points {
            case one(Metric)
            case many([Metric])
        }

        let target: RunTarget
        let points: Points

        var count: Int {
            switch points {
            case .one: 1
            case .many(let metrics): metrics.count
            }
        }
    }

    struct QueuedOp {
        let target: RunTarget
        let mutation: RunMutation
        /// How many points had been queued before this change.
        var pointsBefore: UInt64 = 0
    }

    private struct SpaceWaiter {
        let ops: [QueuedOp]
        let batch: PointBatch?
        /// Resumed with `nil` once admitted, or with the failure that stalled the writer.
        let continuation: CheckedContinuation<MLOpsError?, Never>
        var units: Int { ops.count + (batch?.count ?? 0) }
    }

    private struct FlushWaiter {
        let ops: UInt64
        let points: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var ops: [QueuedOp] = []
        var opsHead = 0
        var batches: [PointBatch] = []
        var batchesHead = 0
        /// Units queued or being written (the memory bound).
        var buffered = 0
        var opsEnqueued: UInt64 = 0
        var pointsEnqueued: UInt64 = 0
        /// Points admitted but not yet taken by the writer.
        var pointsPending = 0
        var opsDurable: UInt64 = 0
        var pointsDurable: UInt64 = 0
        var writerRunning = false
        var spaceWaiters: [SpaceWaiter] = []
        var flushWaiters: [FlushWaiter] = []
        /// A failure not yet reported to a logging call.
        var error: MLOpsError?
        /// A batch the writer could not store, retried before anything else; and why.
        var stalled: Batch?
        var stalledFailure: MLOpsError?
        /// Set by ``close()``: no more logging is accepted.
        var isClosed = false
        var peakBuffered = 0

        mutating func admit(_ newOps: [QueuedOp], _ batch: PointBatch?) {
            for var op in newOps {
                op.pointsBefore = pointsEnqueued
                ops.append(op)
            }
            opsEnqueued += UInt64(newOps.count)
            buffered += newOps.count
            if let batch { admit(batch) }
            peakBuffered = Swift.max(peakBuffered, buffered)
        }

        @inline(__always)
        mutating func admit(_ batch: PointBatch) {
            let count = batch.count
            batches.append(batch)
            pointsEnqueued += UInt64(count)
            pointsPending += count
            buffered += count
            if buffered > peakBuffered { peakBuffered = buffered }
        }

        func fits(_ units: Int, capacity: Int) -> Bool {
            buffered == 0 || buffered + units <= capacity
        }

        /// Starts the writer unless it runs; `true` if the caller must launch it.
        mutating func claimWriter() -> Bool {
            if writerRunning { return false }
            writerRunning = true
            return true
        }
    }

    /// What the writer remembers of records it read or wrote, by run ID: version and content.
    private struct Cache {
        var records: [String: (version: UInt64, record: RunRecord)] = [:]
        /// Environments this writer has stored.
        var environments: Set<String> = []

        mutating func trim() {
            if records.count > 4_096 { records.removeAll(keepingCapacity: true) }
            if environments.count > 64 { environments.removeAll() }
        }
    }

    let store: any KeyValueStore
    let keys: TrackingKeys
    /// The most units (points plus run changes) buffered or in flight before callers wait.
    let capacity: Int
    /// The most points one transaction carries (whole calls are never split, so a
    /// transaction may exceed it by one call's points).
    let maxPointsPerCommit: Int
    /// The most run changes one transaction carries.
    let maxChangesPerCommit: Int
    private let state = Mutex(State())
    private let cache = Mutex(Cache())

    init(
        store: any KeyValueStore, keys: TrackingKeys, capacity: Int, maxPointsPerCommit: Int, maxChangesPerCommit: Int
    ) {
        self.store = store
        self.keys = keys
        self.capacity = Swift.max(1, capacity)
        self.maxPointsPerCommit = Swift.max(1, maxPointsPerCommit)
        self.maxChangesPerCommit = Swift.max(1, maxChangesPerCommit)
    }

    /// The largest number of units that were buffered at once (for tests of the memory bound).
    var peakBuffered: Int { state.withLock { $0.peakBuffered } }

    // MARK: Enqueueing

    /// Queues points of one run (and changes before them); suspends while the buffer is full.
    ///
    /// - Throws: A pending background failure; nothing of this call is queued then.
    func enqueue(ops: [QueuedOp] = [], _ batch: PointBatch?) async throws {
        let units = ops.count + (batch?.count ?? 0)
        if units == 0 { return }
        // Batches larger than the whole buffer go in capacity-sized pieces.
        if units > capacity, let batch, case .many(let metrics) = batch.points, metrics.count > 1 {
            if !ops.isEmpty { try await enqueue(ops: ops, nil) }
            var start = 0
            while start < metrics.count {
                let end = Swift.min(metrics.count, start + capacity)
                try await enqueue(PointBatch(target: batch.target, points: .many(Array(metrics[start..<end]))))
                start = end
            }
            return
        }
        var error: MLOpsError?
        var start = false
        let admitted: Bool = state.withLock { state in
            if state.isClosed {
                error = MLOpsError(.invalidState, "the tracker has been closed; it accepts no more logging")
                return true
            }
            if let pending = state.error {
                state.error = nil
                error = pending
                // Retry the kept batch now, so that a store that recovered drains it.
                start = state.stalled != nil && state.claimWriter()
                return true
            }
            guard state.spaceWaiters.isEmpty, state.fits(units, capacity: capacity) else { return false }
            if ops.isEmpty, let batch {
                state.admit(batch)
            } else {
                state.admit(ops, batch)
            }
            start = state.claimWriter()
            return true
        }
        if start { startWriter() }
        if let error { throw error }
        if admitted { return }
        // Backpressure: park the payload with the continuation; the writer admits it when room
        // frees, or hands back the failure that stopped it.
        start = false
        let refusal = await withCheckedContinuation { (continuation: CheckedContinuation<MLOpsError?, Never>) in
            let admitNow: Bool = state.withLock { state in
                if state.spaceWaiters.isEmpty, state.fits(units, capacity: capacity) {
                    state.admit(ops, batch)
                    start = state.claimWriter()
                    return true
                }
                state.spaceWaiters.append(SpaceWaiter(ops: ops, batch: batch, continuation: continuation))
                start = state.claimWriter()
                return false
            }
            if start { startWriter() }
            if admitNow { continuation.resume(returning: nil) }
        }
        if let refusal { throw refusal }
    }

    /// Queues run changes; see ``enqueue(ops:_:)``.
    func enqueue(ops: [QueuedOp]) async throws {
        try await enqueue(ops: ops, nil)
    }

    /// Returns and clears the pending background error, if any.
    func takeError() -> MLOpsError? {
        state.withLock { state in
            defer { state.error = nil }
            return state.error
        }
    }

    /// Throws (and clears) a pending background error, if any.
    func checkError() throws {
        if let error = takeError() { throw error }
    }

    /// Returns when everything queued before the call is committed; throws the first
    /// background error not yet reported, or, while a kept batch could not be stored, the
    /// failure that keeps it (the flush starts the writer to retry it first).
    func flush() async throws {
        var target: (ops: UInt64, points: UInt64) = (0, 0)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            var start = false
            let done: Bool = state.withLock { state in
                target = (state.opsEnqueued, state.pointsEnqueued)
                if state.opsDurable >= state.opsEnqueued && state.pointsDurable >= state.pointsEnqueued {
                    return true
                }
                state.flushWaiters.append(
                    FlushWaiter(ops: state.opsEnqueued, points: state.pointsEnqueued, continuation: continuation))
                start = state.claimWriter()
                return false
            }
            if start { startWriter() }
            if done { continuation.resume() }
        }
        let failure: MLOpsError? = state.withLock { state in
            if let pending = state.error {
                state.error = nil
                return pending
            }
            if state.opsDurable < target.ops || state.pointsDurable < target.points {
                return state.stalledFailure
                    ?? MLOpsError(.invalidState, "the tracking writer stopped before storing everything logged")
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Flushes, then refuses further logging; returns once the background writer has stopped.
    ///
    /// - Throws: As ``flush()``: a kept batch that still cannot be stored stays kept, and
    ///   closing can be retried.
    func close() async throws {
        try await flush()
        state.withLock { $0.isClosed = true }
        try await flush()
    }

    private func startWriter() {
        Task.detached { [self] in await self.drain() }
    }

    // MARK: Writing

    struct Batch {
        var ops: [QueuedOp]
        var batches: [PointBatch]
        var pointCount: Int
        var opsEnd: UInt64
        var pointsEnd: UInt64
    }

    private func takeBatch() -> Batch? {
        state.withLock { state in
            if let stalled = state.stalled {
                state.stalled = nil
                return stalled
            }
            let pendingOps = state.ops.count - state.opsHead
            if state.pointsPending == 0 && pendingOps == 0 {
                state.writerRunning = false
                return nil
            }
            // Walk ops and point batches in the order they were queued, so that no point overtakes a
            // change queued before it (a run's creation, above all).
            let pointsStart = state.pointsEnqueued - UInt64(state.pointsPending)
            var taken: [PointBatch] = []
            var ops: [QueuedOp] = []
            var pointCount = 0
            walk: while true {
                let position = pointsStart + UInt64(pointCount)
                while state.opsHead < state.ops.count, state.ops[state.opsHead].pointsBefore <= position {
                    if ops.count >= maxChangesPerCommit { break walk }
                    ops.append(state.ops[state.opsHead])
                    state.opsHead += 1
                }
                guard state.batchesHead < state.batches.count, pointCount < maxPointsPerCommit else { break }
                let batch = state.batches[state.batchesHead]
                taken.append(batch)
                pointCount += batch.count
                state.batchesHead += 1
            }
            state.pointsPending -= pointCount
            let pointsEnd = pointsStart + UInt64(pointCount)
            let opsEnd = state.opsEnqueued - UInt64(state.ops.count - state.opsHead)
            // Compact the queues once the consumed part dominates.
            if state.batchesHead == state.batches.count {
                state.batches.removeAll(keepingCapacity: state.batches.capacity <= 1 << 18)
                state.batchesHead = 0
            } else if state.batchesHead > 4_096, state.batchesHead * 2 > state.batches.count {
                state.batches.removeFirst(state.batchesHead)
                state.batchesHead = 0
            }
            if state.opsHead == state.ops.count {
                state.ops.removeAll(keepingCapacity: true)
                state.opsHead = 0
            } else if state.opsHead > 4_096, state.opsHead * 2 > state.ops.count {
                state.ops.removeFirst(state.opsHead)
                state.opsHead = 0
            }
            return Batch(ops: ops, batches: taken, pointCount: pointCount, opsEnd: opsEnd, pointsEnd: pointsEnd)
        }
    }

    private func drain() async {
        while let batch = takeBatch() {
            let outcome = await write(batch)
            if case .kept(let failure) = outcome {
                stall(batch, failure)
                return
            }
            var resume: [CheckedContinuation<Void, Never>] = []
            var admittedWaiters: [CheckedContinuation<MLOpsError?, Never>] = []
            state.withLock { state in
                state.opsDurable = batch.opsEnd
                state.pointsDurable = batch.pointsEnd
                state.buffered -= batch.ops.count + batch.pointCount
                state.stalledFailure = nil
                if case .stored(let rejected?) = outcome, state.error == nil { state.error = rejected }
                var remaining: [FlushWaiter] = []
                for waiter in state.flushWaiters {
                    if waiter.ops <= state.opsDurable && waiter.points <= state.pointsDurable {
                        resume.append(waiter.continuation)
                    } else {
                        remaining.append(waiter)
                    }
                }
                state.flushWaiters = remaining
                var admitted = 0
                while admitted < state.spaceWaiters.count,
                    state.fits(state.spaceWaiters[admitted].units, capacity: capacity)
                {
                    let waiter = state.spaceWaiters[admitted]
                    state.admit(waiter.ops, waiter.batch)
                    admittedWaiters.append(waiter.continuation)
                    admitted += 1
                }
                state.spaceWaiters.removeFirst(admitted)
            }
            for continuation in resume { continuation.resume() }
            for continuation in admittedWaiters { continuation.resume(returning: nil) }
        }
    }

    /// Keeps `batch` for a retry, records why, stops the writer and wakes every waiter: flushes
    /// then throw `failure`, and callers waiting for room get it instead of being admitted.
    private func stall(_ batch: Batch, _ failure: MLOpsError) {
        let (flushes, refused): ([CheckedContinuation<Void, Never>], [CheckedContinuation<MLOpsError?, Never>]) =
            state.withLock { state in
                state.stalled = batch
                state.stalledFailure = failure
                if state.error == nil { state.error = failure }
                state.writerRunning = false
                let flushes = state.flushWaiters.map(\.continuation)
                state.flushWaiters = []
                let refused = state.spaceWaiters.map(\.continuation)
                state.spaceWaiters = []
                return (flushes, refused)
            }
        for continuation in flushes { continuation.resume() }
        for continuation in refused { continuation.resume(returning: failure) }
    }

    /// What became of one batch.
    private enum Outcome {
        /// Committed; some changes may have been refused for what they are (reported, not retried).
        case stored(rejected: MLOpsError?)
        /// Not committed after retries: the batch is kept.
        case kept(MLOpsError)
    }

    /// Commits one batch, retrying conflicts on fresh reads and other failures a few times.
    private func write(_ batch: Batch) async -> Outcome {
        let groups = Self.group(batch.batches)
        var conflicts = 0
        var failures = 0
        while true {
            do {
                let (transaction, written, opErrors) = try await buildTransaction(batch, groups)
                let version = try await store.commit(transaction)
                cache.withLock { cache in
                    cache.trim()
                    for (runID, record) in written { cache.records[runID] = (version, record) }
                    for op in batch.ops {
                        if case .create(_, let environment?) = op.mutation { cache.environments.insert(environment.id) }
                    }
                }
                return .stored(
                    rejected: opErrors.first.map { first in
                        opErrors.count == 1
                            ? first
                            : MLOpsError(
                                first.code, first.message + " (and \(opErrors.count - 1) more rejected changes)",
                                value: first.value)
                    })
            } catch let error as MLOpsError where error.code == .conflict && conflicts < 64 {
                conflicts += 1
                let touched = Set(batch.ops.map(\.target.runID)).union(groups.runs.map(\.target.runID))
                cache.withLock { cache in
                    for runID in touched { cache.records[runID] = nil }
                }
                let pause = UInt64(Int.random(in: 0...Swift.min(1 << conflicts, 2_000)))
                try? await Task.sleep(nanoseconds: pause * 1_000)
            } catch {
                failures += 1
                let wrapped = error as? MLOpsError ?? MLOpsError(.ioError, "\(error)")
                if failures >= 3 || wrapped.code == .invalidArgument || wrapped.code == .unsupported
                    || wrapped.code == .corruptData || wrapped.code == .conflict
                {
                    cache.withLock { $0 = Cache() }
                    return .kept(
                        MLOpsError(
                            wrapped.code,
                            "the background tracking writer could not store \(batch.pointCount) metric points and "
                                + "\(batch.ops.count) run changes after \(failures) attempts (they are kept and "
                                + "retried by the next logging call or flush): \(wrapped.message)",
                            value: wrapped.value))
                }
                try? await Task.sleep(nanoseconds: UInt64(10_000_000 * failures * failures))
            }
        }
    }

    // MARK: Building a transaction

    struct RunPoints {
        let target: RunTarget
        var chunks: [(key: String, builder: MetricChunkBuilder)] = []
        /// The chunk each key currently appends to, once there are too many keys to search linearly.
        var index: [String: Int] = [:]

        /// The chunk for `key`, made if new or full.
        @inline(__always)
        mutating func chunk(for key: String) -> Int {
            var found = -1
            if index.isEmpty {
                // Few keys: a linear search with String's identity fast path beats hashing.
                var i = chunks.count - 1
                while i >= 0 {
                    if chunks[i].key == key {
                        found = i
                        break
                    }
                    i -= 1
                }
            } else {
                found = index[key] ?? -1
            }
            if found >= 0, chunks[found].builder.count < RunPoints.maxChunkPoints { return found }
            chunks.append((key, MetricChunkBuilder(capacity: found >= 0 ? RunPoints.maxChunkPoints : 16)))
            let new = chunks.count - 1
            if !index.isEmpty {
                index[key] = new
            } else if chunks.count > 32 {
                for (i, chunk) in chunks.enumerated() { index[chunk.key] = i }
            }
            return new
        }

        static let maxChunkPoints = 8_192
    }

    struct Groups {
        var runs: [RunPoints] = []
    }

    /// Groups points by run and key, encoding each group's chunks on the way.
    static func group(_ batches: [PointBatch]) -> Groups {
        var groups = Groups()
        var runIndex: [ObjectIdentifier: Int] = [:]
        var lastTarget: ObjectIdentifier?
        var run = -1
        for batch in batches {
            let id = ObjectIdentifier(batch.target)
            if id != lastTarget {
                if let index = runIndex[id] {
                    run = index
                } else {
                    run = groups.runs.count
                    runIndex[id] = run
                    groups.runs.append(RunPoints(target: batch.target))
                }
                lastTarget = id
            }
            switch batch.points {
            case .one(let metric):
                let chunk = groups.runs[run].chunk(for: metric.key)
                groups.runs[run].chunks[chunk].builder.append(
                    value: metric.value, step: metric.step, timestamp: metric.timestamp)
            case .many(let metrics):
                var lastKey = ""
                var chunk = -1
                for metric in metrics {
                    if chunk < 0 || metric.key != lastKey
                        || groups.runs[run].chunks[chunk].builder.count >= RunPoints.maxChunkPoints
                    {
                        chunk = groups.runs[run].chunk(for: metric.key)
                        lastKey = metric.key
                    }
                    groups.runs[run].chunks[chunk].builder.append(
                        value: metric.value, step: metric.step, timestamp: metric.timestamp)
                }
            }
        }
        return groups
    }

    /// Builds the batch's transaction: per touched run, its record (from the cache, the store, or a
    /// create) with the changes applied in order and the latest values merged, plus the metric chunks.
    /// Returns the records written (for the cache) and the changes that were refused.
    private func buildTransaction(
        _ batch: Batch, _ groups: Groups
    ) async throws -> (KeyValueTransaction, [String: RunRecord], [MLOpsError]) {
        var transaction = KeyValueTransaction()
        var opErrors: [MLOpsError] = []
        let cached = cache.withLock { $0 }
        var order: [RunTarget] = []
        var working: [String: RunRecord?] = [:]
        var storedEnvironments: Set<String> = []

        /// Loads a run's record into `working` once, recording the version check.
        func load(_ target: RunTarget, creating: Bool) async throws {
            if working[target.runID] != nil { return }
            order.append(target)
            if creating {
                transaction.expectAbsent(target.runKey)
                working[target.runID] = .some(nil)
            } else if let hit = cached.records[target.runID] {
                transaction.expectVersion(target.runKey, hit.version)
                working[target.runID] = hit.record
            } else {
                let entry = try await store.get(target.runKey)
                transaction.expect(target.runKey, unchangedFrom: entry)
                working[target.runID] = .some(
                    try entry.map { entry in try RunRecord.atKey(entry.key) { try RunRecord(decoding: entry.value) } })
            }
        }

        for op in batch.ops {
            let target = op.target
            if case .create = op.mutation {
                try await load(target, creating: true)
            } else {
                try await load(target, creating: false)
            }
            let current: RunRecord? = working[target.runID].flatMap { $0 }
            guard var record = current ?? op.mutation.createdRecord else {
                opErrors.append(
                    MLOpsError(
                        .notFound, "run \(target.runID) does not exist; the change was dropped", value: target.runID))
                continue
            }
            do {
                try op.mutation.apply(to: &record)
                working[target.runID] = record
            } catch let error as MLOpsError {
                opErrors.append(error)
            }
            if case .create(let created, let environment) = op.mutation {
                transaction.put(keys.runExperiment(created.info.runID), Array(created.info.experimentID.utf8))
                if let environment, !cached.environments.contains(environment.id),
                    !storedEnvironments.contains(environment.id)
                {
                    transaction.put(keys.environment(environment.id), environment.bytes)
                    storedEnvironments.insert(environment.id)
                }
            }
        }

        // Metric chunks, and each run's latest values merged into its record.
        for run in groups.runs {
            let target = run.target
            try await load(target, creating: false)
            var record: RunRecord? = working[target.runID].flatMap { $0 }
            if record == nil {
                opErrors.append(
                    MLOpsError(
                        .notFound, "run \(target.runID) does not exist; its metric points were dropped",
                        value: target.runID))
                continue
            }
            for (key, builder) in run.chunks {
                if let point = builder.latest {
                    record?.mergeLatest(
                        Metric(key: key, value: point.value, step: point.step, timestamp: point.timestamp))
                }
                transaction.put(
                    keys.metricChunk(runID: target.runID, key: key, chunk: SortableID()), builder.finished())
            }
            working[target.runID] = record
        }

        var written: [String: RunRecord] = [:]
        for target in order {
            guard case .some(.some(let record)) = working[target.runID] else { continue }
            transaction.put(target.runKey, record.encoded())
            written[target.runID] = record
        }
        return (transaction, written, opErrors)
    }
}

extension RunMutation {
    /// The record a `.create` carries.
    var createdRecord: RunRecord? {
        if case .create(let record, _) = self { return record }
        return nil
    }
}
