/// A plan's steps boxed in classes and kept as unmanaged references, so the hot loop calls
/// them without copying a step or touching a reference count.
final class StepStorage: @unchecked Sendable {
    /// Owns the boxes.
    private let runners: [StepRunner]
    /// The boxes, unretained (``runners`` keeps them alive).
    let base: UnsafeMutablePointer<Unmanaged<StepRunner>>
    let count: Int

    init(_ steps: [any ExecutionStep]) {
        runners = steps.map { $0.makeRunner() }
        count = runners.count
        base = .allocate(capacity: max(1, count))
        for (i, runner) in runners.enumerated() { (base + i).initialize(to: .passUnretained(runner)) }
    }

    deinit {
        base.deallocate()
    }
}
