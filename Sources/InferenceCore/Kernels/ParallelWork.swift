/// One parallel job for ``WorkerPool/parallelFor(_:work:)``: a value whose ``run(_:)`` is called once per
/// index, from several threads at once.
///
/// Write the job's inputs as stored properties of a struct (pointers, sizes, a reference to shared state)
/// instead of capturing them in a closure: the pool then reads the value in place on the caller's stack and
/// allocates nothing, where sharing a closure costs one heap allocation per call. `run(_:)` must only touch
/// memory its own index owns, or synchronise.
///
/// The protocol refines `Sendable` because `run(_:)` is called from other threads: a job that carries
/// raw pointers must say so with `@unchecked Sendable` and a comment on why its indices never touch the
/// same memory.
public protocol ParallelWork: Sendable {
    /// Runs item `index` of the job.
    func run(_ index: Int)
}
