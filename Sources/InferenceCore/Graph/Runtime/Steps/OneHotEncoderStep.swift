import MLOpsCore

/// ai.onnx.ml OneHotEncoder: appends a category axis of size K, `float32` output.
struct OneHotEncoderStep: ExecutionStep {
    let x: Int
    let y: Int
    let inputType: ElementType
    let count: Int
    let categories: GraphOp.ClassLabels
    let zeros: Bool
    let nodeName: String
    /// Category → position, for each label kind.
    let intIndex: [Int64: Int]
    let stringIndex: [String: Int]

    init(x: Int, y: Int, inputType: ElementType, count: Int, encoder: GraphOp.OneHotEncoder, nodeName: String) {
        self.x = x
        self.y = y
        self.inputType = inputType
        self.count = count
        self.categories = encoder.categories
        self.zeros = encoder.zeros
        self.nodeName = nodeName
        var ints: [Int64: Int] = [:]
        var strings: [String: Int] = [:]
        switch encoder.categories {
        case .int64(let v): for (i, c) in v.enumerated() where ints[c] == nil { ints[c] = i }
        case .string(let v): for (i, c) in v.enumerated() where strings[c] == nil { strings[c] = i }
        }
        intIndex = ints
        stringIndex = strings
    }

    func run(_ context: ExecutionContext) throws {
        let k = categories.count
        let yp = context.f32(y)
        yp.update(repeating: 0, count: count * k)
        for i in 0..<count {
            let position: Int?
            let shown: String
            if inputType == .string {
                let s = i < context.strings[x].count ? context.strings[x][i] : ""
                position = stringIndex[s]
                shown = s
            } else {
                let v = ElementReader(context, x, inputType).double(i)
                let iv = Int64(exactly: v.rounded(.towardZero))
                position = iv.flatMap { intIndex[$0] }
                shown = String(v)
            }
            if let position {
                yp[i * k + position] = 1
            } else if !zeros {
                throw MLOpsError(
                    .invalidArgument, "Node '\(nodeName)' (oneHotEncoder): unknown category and zeros is false.",
                    value: shown)
            }
        }
    }
}
