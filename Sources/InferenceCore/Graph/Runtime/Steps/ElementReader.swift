/// Reads elements of a numeric tensor of any numeric type as `Float` or `Double`.
struct ElementReader {
    let raw: UnsafeMutableRawPointer
    let elementType: ElementType

    @inline(__always) init(_ context: ExecutionContext, _ v: Int, _ elementType: ElementType) {
        raw = context.ptrs[v]
        self.elementType = elementType
    }

    @inline(__always) func double(_ i: Int) -> Double {
        switch elementType {
        case .float32: Double(raw.assumingMemoryBound(to: Float.self)[i])
        case .float64: raw.assumingMemoryBound(to: Double.self)[i]
        case .int64: Double(raw.assumingMemoryBound(to: Int64.self)[i])
        case .bool: raw.assumingMemoryBound(to: Bool.self)[i] ? 1 : 0
        case .string: .nan
        }
    }

    @inline(__always) func float(_ i: Int) -> Float {
        switch elementType {
        case .float32: raw.assumingMemoryBound(to: Float.self)[i]
        default: Float(double(i))
        }
    }
}
