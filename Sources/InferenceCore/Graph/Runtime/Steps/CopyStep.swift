/// Copies a tensor unchanged (identity, reshape, flatten: the layout is the same).
struct CopyStep: ExecutionStep {
    let x: Int
    let y: Int
    let byteCount: Int
    let isString: Bool

    func run(_ context: ExecutionContext) throws {
        if isString {
            context.strings[y] = context.strings[x]
        } else if byteCount > 0 {
            context.ptrs[y].copyMemory(from: context.ptrs[x], byteCount: byteCount)
        }
    }
}
