import MLOpsCore

/// ai.onnx.ml ArrayFeatureExtractor: picks `indices` from the last axis of X.
struct ArrayFeatureExtractorStep: ExecutionStep {
    let x: Int
    let indices: Int
    let y: Int
    let rows: Int
    let width: Int
    let k: Int
    let elementSize: Int
    let isString: Bool
    let nodeName: String

    func run(_ context: ExecutionContext) throws {
        let idx = context.i64(indices)
        for j in 0..<k where idx[j] < 0 || idx[j] >= Int64(width) {
            throw MLOpsError(
                .invalidArgument,
                "Node '\(nodeName)' (arrayFeatureExtractor): index \(idx[j]) is outside 0..<\(width).",
                value: String(idx[j]))
        }
        if isString {
            let src = context.strings[x]
            var out: [String] = []
            out.reserveCapacity(rows * k)
            for r in 0..<rows {
                for j in 0..<k { out.append(src[r * width + Int(idx[j])]) }
            }
            context.strings[y] = out
            return
        }
        let src = context.ptrs[x]
        let dst = context.ptrs[y]
        for r in 0..<rows {
            for j in 0..<k {
                (dst + (r * k + j) * elementSize).copyMemory(
                    from: src + (r * width + Int(idx[j])) * elementSize, byteCount: elementSize)
            }
        }
    }
}
