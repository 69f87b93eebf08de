/// A pointer handed to the pool's threads, each of which touches only the part its own iteration
/// owns (the pool returns only when every iteration has finished).
struct UnsafeSendable<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>

    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }

    init(_ pointer: UnsafePointer<Pointee>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}

/// One result slot per parallel iteration: iteration `i` writes slot `i` only.
final class SharedResults<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value>
    private let count: Int

    init(count: Int, initial: Value) {
        self.count = count
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: initial, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Value) { slots[index] = value }

    var values: [Value] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}
