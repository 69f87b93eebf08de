/// Options for ``ModelGraph/compile(options:)``.
public struct CompileOptions: Sendable {
    /// Whether to fuse ops (matMul + bias add → gemm, gemm + activation), drop identities, and run
    /// a scan whose body computes squared distances (k-NN) as one loop.
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
    /// The most elements any one tensor of the model (input, constant, intermediate or output)
    /// may have per batch row; the default is 2^26 (67,108,864).
    ///
    /// Checked at compile time at batch size 1 and again for every batch size a plan is
    /// resolved for (against `maxElementsPerRow × batchSize`). A model over it — e.g. a OneHot
    /// with an absurd depth or a hostile input shape — fails with `limitExceeded` before any
    /// buffer is allocated. Raise it only for trusted models that really need it.
    public var maxElementsPerRow: Int
    /// The most bytes of planned buffers (the arena holding intermediate tensors, outputs and
    /// step scratch) one prediction may need; the default is 2^32 (4 GiB).
    ///
    /// Checked whenever a plan is resolved for a batch size (at compile time for
    /// ``prepareBatchSizes``, else on the first call at that size), before the arena is
    /// allocated: a call whose batch size would need more fails with `limitExceeded`; split
    /// the batch or raise the limit. Caller-owned input and output buffers are not counted.
    public var maxArenaBytes: Int
    /// Rows per chunk when a large batch runs as row chunks; `nil` (the default) chooses, 0
    /// never chunks.
    ///
    /// When every op of the model is row-independent (dense layers with constant weights,
    /// elementwise ops, activations, softmax over the last axis, linear models, tree
    /// ensembles…), a batch of at least two chunks runs chunk by chunk, so intermediate
    /// tensors stay in cache, and ``pool``'s threads take whole chunks instead of splitting
    /// each product; with a multi-threaded pool, a smaller batch whose products are large enough
    /// runs as one chunk per thread. Results are bit-identical to the unchunked plan. The automatic size keeps
    /// a chunk's widest tensor near 256 KB (at most 256 rows); other values are rounded up to
    /// a multiple of the matrix kernels' tile height. Models that mix rows always run unchunked.
    public var rowChunkSize: Int?

    /// The default ``maxElementsPerRow``: 2^26 elements.
    public static let defaultMaxElementsPerRow = 1 << 26
    /// The default ``maxArenaBytes``: 2^32 bytes (4 GiB).
    public static let defaultMaxArenaBytes = 1 << 32

    /// Creates options; the defaults fuse, prepare batch size 1, cache 8 plans, use
    /// ``WorkerPool/shared`` for large products and apply the default size limits
    /// (``defaultMaxElementsPerRow``, ``defaultMaxArenaBytes``; values below 1 become 1) and
    /// choose the row-chunk size (``rowChunkSize``).
    public init(
        fuse: Bool = true, prepareBatchSizes: [Int] = [1], maxCachedPlans: Int = 8,
        pool: WorkerPool? = WorkerPool.shared, maxElementsPerRow: Int = CompileOptions.defaultMaxElementsPerRow,
        maxArenaBytes: Int = CompileOptions.defaultMaxArenaBytes, rowChunkSize: Int? = nil
    ) {
        self.fuse = fuse
        self.prepareBatchSizes = prepareBatchSizes
        self.maxCachedPlans = max(1, maxCachedPlans)
        self.pool = pool
        self.maxElementsPerRow = max(1, maxElementsPerRow)
        self.maxArenaBytes = max(1, maxArenaBytes)
        self.rowChunkSize = rowChunkSize
    }
}
