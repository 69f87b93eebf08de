import MLOpsCore

/// ONNX `Gather`: for data viewed as [outer, axis, inner] and `n` indices, output block
/// `[o, j]` is data block `[o, indices[j]]` (`inner` elements), negative indices counting from
/// the end. Every index is checked before anything is written.
struct GatherStep: ExecutionStep {
    let data: Int
    let indices: Int
    let y: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let indexCount: Int
    let elementType: ElementType
    let nodeName: String

    func run(_ context: ExecutionContext) throws {
        let idx = context.i64(indices)
        let size = Int64(axis)
        for j in 0..<indexCount where idx[j] < -size || idx[j] >= size {
            throw MLOpsError(
                .invalidArgument,
                "Node '\(nodeName)' (gather): index \(idx[j]) is outside -\(axis)..<\(axis) (the size of the axis).",
                value: String(idx[j]))
        }
        @inline(__always) func resolved(_ j: Int) -> Int {
            let v = Int(idx[j])
            return v < 0 ? v + axis : v
        }
        if elementType == .string {
            let src = context.strings[data]
            var out: [String] = []
            out.reserveCapacity(outer * indexCount * inner)
            for o in 0..<outer {
                for j in 0..<indexCount {
                    let start = (o * axis + resolved(j)) * inner
                    out.append(contentsOf: src[start..<(start + inner)])
                }
            }
            context.strings[y] = out
            return
        }
        let unit = elementType.byteCount
        let block = inner * unit
        guard block > 0 else { return }
        let src = context.ptrs[data]
        var dst = context.ptrs[y]
        for o in 0..<outer {
            let row = src + o * axis * block
            for j in 0..<indexCount {
                dst.copyMemory(from: row + resolved(j) * block, byteCount: block)
                dst += block
            }
        }
    }
}
