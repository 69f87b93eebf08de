/// Concatenation along one axis: for each outer index, copies each input's block in turn.
struct ConcatStep: ExecutionStep {
    let inputs: [Int]
    /// Bytes (or, for strings, elements) of one outer block of each input.
    let blocks: [Int]
    let y: Int
    let outer: Int
    let isString: Bool

    func run(_ context: ExecutionContext) throws {
        if isString {
            var out: [String] = []
            out.reserveCapacity(outer * blocks.reduce(0, +))
            for o in 0..<outer {
                for (x, block) in zip(inputs, blocks) {
                    out.append(contentsOf: context.strings[x][(o * block)..<((o + 1) * block)])
                }
            }
            context.strings[y] = out
            return
        }
        var dst = context.ptrs[y]
        for o in 0..<outer {
            for (x, block) in zip(inputs, blocks) where block > 0 {
                dst.copyMemory(from: context.ptrs[x] + o * block, byteCount: block)
                dst += block
            }
        }
    }
}
