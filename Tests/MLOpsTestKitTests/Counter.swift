import Synchronization

/// A thread-safe counter for tests.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() { count.add(1, ordering: .relaxed) }

    var value: Int { count.load(ordering: .relaxed) }
}

/// A thread-safe list of byte chunks for tests.
final class ChunkLog: Sendable {
    private let state = Mutex<[[UInt8]]>([])

    func append(_ chunk: [UInt8]) { state.withLock { $0.append(chunk) } }

    var chunks: [[UInt8]] { state.withLock { $0 } }
}
