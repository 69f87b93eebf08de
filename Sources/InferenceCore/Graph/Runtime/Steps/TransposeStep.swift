/// Dimension permutation, gathering elements of 1, 4 or 8 bytes; a 2-D transpose goes tile by
/// tile.
struct TransposeStep: ExecutionStep {
    let x: Int
    let y: Int
    /// Output dims and, per output dim, the input stride in elements.
    let dims: [Int]
    let strides: [Int]
    let count: Int
    let elementSize: Int

    init(x: Int, y: Int, inShape: [Int], perm: [Int], elementSize: Int) {
        self.x = x
        self.y = y
        var inStrides = [Int](repeating: 1, count: inShape.count)
        var acc = 1
        for i in stride(from: inShape.count - 1, through: 0, by: -1) {
            inStrides[i] = acc
            acc *= inShape[i]
        }
        dims = perm.map { inShape[$0] }
        strides = perm.map { inStrides[$0] }
        count = inShape.reduce(1, *)
        self.elementSize = elementSize
    }

    func run(_ context: ExecutionContext) throws {
        switch elementSize {
        case 1: gather(UInt8.self, context)
        case 4: gather(UInt32.self, context)
        default: gather(UInt64.self, context)
        }
    }

    @inline(__always)
    private func gather<T>(_: T.Type, _ context: ExecutionContext) {
        guard count > 0 else { return }
        let src = context.ptrs[x].assumingMemoryBound(to: T.self)
        let dst = context.ptrs[y].assumingMemoryBound(to: T.self)
        let r = dims.count
        guard r > 0 else {
            dst[0] = src[0]
            return
        }
        if r == 2, strides[0] == 1, strides[1] == dims[0] {
            // A matrix transpose (perm [1, 0]): in square tiles, so the strided side of each
            // tile stays in cache.
            let (rows, columns) = (dims[0], dims[1])
            let tile = 16
            var i0 = 0
            while i0 < rows {
                let i1 = min(i0 + tile, rows)
                var j0 = 0
                while j0 < columns {
                    let j1 = min(j0 + tile, columns)
                    for i in i0..<i1 {
                        let out = dst + i * columns
                        for j in j0..<j1 { out[j] = src[j * rows + i] }
                    }
                    j0 = j1
                }
                i0 = i1
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: r) { index in
            index.initialize(repeating: 0)
            var off = 0
            for i in 0..<count {
                dst[i] = src[off]
                var d = r - 1
                while d >= 0 {
                    index[d] += 1
                    off += strides[d]
                    if index[d] < dims[d] { break }
                    off -= strides[d] * dims[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}
