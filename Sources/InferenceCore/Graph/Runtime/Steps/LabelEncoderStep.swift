/// ai.onnx.ml LabelEncoder: each element becomes the value of the first equal key, or the default.
///
/// The table is indexed once when the step is built; the values carry the default as one extra
/// entry at the end, so a lookup is a hash probe and a copy. Float keys are compared as
/// `float64` numbers with `-0` folded onto `0` and every NaN onto one NaN.
struct LabelEncoderStep: ExecutionStep {
    let x: Int
    let y: Int
    let count: Int
    let keyType: ElementType
    let valueType: ElementType
    private let intIndex: [Int64: Int]
    private let floatIndex: [UInt64: Int]
    private let stringIndex: [String: Int]
    /// Values of the output type, the default last.
    private let int64Values: [Int64]
    private let float32Values: [Float]
    private let float64Values: [Double]
    private let stringValues: [String]
    private let missing: Int

    init(x: Int, y: Int, count: Int, encoder e: GraphOp.LabelEncoder) {
        self.x = x
        self.y = y
        self.count = count
        keyType = e.keys.elementType
        valueType = e.values.elementType
        var ints: [Int64: Int] = [:]
        var floats: [UInt64: Int] = [:]
        var strings: [String: Int] = [:]
        switch e.keys {
        case .int64(let k): for (i, key) in k.enumerated() where ints[key] == nil { ints[key] = i }
        case .float32(let k):
            for (i, key) in k.enumerated() where floats[Self.floatKey(Double(key))] == nil {
                floats[Self.floatKey(Double(key))] = i
            }
        case .float64(let k):
            for (i, key) in k.enumerated() where floats[Self.floatKey(key)] == nil { floats[Self.floatKey(key)] = i }
        case .string(let k): for (i, key) in k.enumerated() where strings[key] == nil { strings[key] = i }
        }
        intIndex = ints
        floatIndex = floats
        stringIndex = strings
        missing = e.values.count
        switch (e.values, e.defaultValue) {
        case (.int64(let v), .int64(let d)): int64Values = v + d
        default: int64Values = []
        }
        switch (e.values, e.defaultValue) {
        case (.float32(let v), .float32(let d)): float32Values = v + d
        default: float32Values = []
        }
        switch (e.values, e.defaultValue) {
        case (.float64(let v), .float64(let d)): float64Values = v + d
        default: float64Values = []
        }
        switch (e.values, e.defaultValue) {
        case (.string(let v), .string(let d)): stringValues = v + d
        default: stringValues = []
        }
    }

    /// The hash key of a float: `-0` as `0`, every NaN as one NaN.
    @inline(__always)
    private static func floatKey(_ v: Double) -> UInt64 {
        if v.isNaN { return Double.nan.bitPattern }
        return v == 0 ? 0 : v.bitPattern
    }

    @inline(__always)
    private func index(_ context: ExecutionContext, _ i: Int) -> Int {
        switch keyType {
        case .int64: intIndex[context.i64(x)[i]] ?? missing
        case .float32: floatIndex[Self.floatKey(Double(context.f32(x)[i]))] ?? missing
        case .float64: floatIndex[Self.floatKey(context.f64(x)[i])] ?? missing
        case .string: stringIndex[context.strings[x][i]] ?? missing
        case .bool: missing
        }
    }

    func run(_ context: ExecutionContext) throws {
        switch valueType {
        case .int64:
            let out = context.i64(y)
            for i in 0..<count { out[i] = int64Values[index(context, i)] }
        case .float32:
            let out = context.f32(y)
            for i in 0..<count { out[i] = float32Values[index(context, i)] }
        case .float64:
            let out = context.f64(y)
            for i in 0..<count { out[i] = float64Values[index(context, i)] }
        case .string:
            var out = [String](repeating: "", count: count)
            for i in 0..<count { out[i] = stringValues[index(context, i)] }
            context.strings[y] = out
        case .bool:
            break
        }
    }
}
