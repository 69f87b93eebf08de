/// How a plan for a large batch runs as row chunks (see ``RowChunking``): the plans for a
/// full chunk and for the last one, and where each graph input and output row lies.
final class ChunkSchedule: Sendable {
    /// The number of chunks.
    let count: Int
    /// Rows of every chunk but the last.
    let rows: Int
    /// The plan every chunk but the last runs.
    let chunkPlan: ResolvedPlan
    /// The plan the last chunk runs (``chunkPlan`` when all chunks are equal).
    let lastPlan: ResolvedPlan
    /// Bytes per batch row of each graph input, in ``CompiledModel/inputs`` order.
    let inputRowBytes: [Int]
    /// Bytes per batch row of each graph output, in ``CompiledModel/outputs`` order.
    let outputRowBytes: [Int]

    init(count: Int, rows: Int, chunkPlan: ResolvedPlan, lastPlan: ResolvedPlan) {
        self.count = count
        self.rows = rows
        self.chunkPlan = chunkPlan
        self.lastPlan = lastPlan
        inputRowBytes = chunkPlan.inputByteCounts.map { $0 / rows }
        outputRowBytes = chunkPlan.outputByteCounts.map { $0 / rows }
    }

    /// The first row and the plan of chunk `index`.
    @inline(__always)
    func chunk(_ index: Int) -> (start: Int, plan: ResolvedPlan) {
        (index * rows, index == count - 1 ? lastPlan : chunkPlan)
    }
}
