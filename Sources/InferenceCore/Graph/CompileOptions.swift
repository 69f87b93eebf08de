/// Options for ``ModelGraph/compile(options:)``.
public struct CompileOptions: Sendable {
    /// Whether to fuse ops (matMul + bias add → gemm, gemm + activation) and drop identities.
    ///
    /// Fusion changes no result beyond float rounding order; turn it off to compare.
    public var fuse: Bool
    /// Batch sizes to resolve plans for at compile time (e.g. `[1]`), so the first call at
    /// those sizes does no planning work.
    public var prepareBatchSizes: [Int]
    /// How many resolved per-batch-size plans to keep (least recently built are dropped).
    public var maxCachedPlans: Int
    /// The threads large matrix products are spread over; `nil` runs every call on its caller's
    /// thread only (best when many calls already run in parallel).
    ///
    /// Small products always run on the caller; a busy pool makes a call run on its own thread.
    public var pool: WorkerPool?

    /// Creates options; the defaults fuse, prepare batch size 1, cache 8 plans and use
    /// ``WorkerPool/shared`` for large products.
    public init(
        fuse: Bool = true, prepareBatchSizes: [Int] = [1], maxCachedPlans: Int = 8,
        pool: WorkerPool? = WorkerPool.shared
    ) {
        self.fuse = fuse
        self.prepareBatchSizes = prepareBatchSizes
        self.maxCachedPlans = max(1, maxCachedPlans)
        self.pool = pool
    }
}
