import MLOpsCore

/// ONNX `GatherElements`: `out[p] = data[p with p[axis] replaced by indices[p]]` for every
/// position `p` of the indices (whose shape is the output's, and fits in the data's outside
/// the axis). Negative indices count from the end; every index is checked before anything is
/// written.
struct GatherElementsStep: ExecutionStep {
    let data: Int
    let indices: Int
    let y: Int
    let elementType: ElementType
    let nodeName: String
    /// The indices viewed as [outer, axis, inner] (the axis' size in the indices).
    let outer: Int
    let indexAxis: Int
    let inner: Int
    /// The size of the data's axis.
    let dataAxis: Int
    /// For each outer position of the indices, the offset (in elements) of the data element
    /// at the same position with axis index 0; and the data's stride along the axis.
    let outerOffsets: [Int]
    let innerOffsets: [Int]
    let axisStride: Int

    init(
        data: Int, indices: Int, y: Int, dataShape: [Int], indexShape: [Int], axis: Int, elementType: ElementType,
        nodeName: String
    ) {
        self.data = data
        self.indices = indices
        self.y = y
        self.elementType = elementType
        self.nodeName = nodeName
        outer = indexShape[..<axis].reduce(1, *)
        indexAxis = indexShape[axis]
        inner = indexShape[(axis + 1)...].reduce(1, *)
        dataAxis = dataShape[axis]
        // Row-major data strides, then the data offsets of the index positions before and after the axis.
        var strides = [Int](repeating: 1, count: dataShape.count)
        for d in stride(from: dataShape.count - 2, through: 0, by: -1) {
            strides[d] = strides[d + 1] * dataShape[d + 1]
        }
        axisStride = strides[axis]
        func offsets(_ dims: Range<Int>) -> [Int] {
            var result = [0]
            for d in dims {
                var next: [Int] = []
                next.reserveCapacity(result.count * indexShape[d])
                for base in result {
                    for j in 0..<indexShape[d] { next.append(base + j * strides[d]) }
                }
                result = next
            }
            return result
        }
        outerOffsets = offsets(0..<axis)
        innerOffsets = offsets((axis + 1)..<dataShape.count)
    }

    func run(_ context: ExecutionContext) throws {
        let idx = context.i64(indices)
        let count = outer * indexAxis * inner
        let size = Int64(dataAxis)
        for j in 0..<count where idx[j] < -size || idx[j] >= size {
            throw MLOpsError(
                .invalidArgument,
                "Node '\(nodeName)' (gather): index \(idx[j]) is outside -\(dataAxis)..<\(dataAxis) (the size of "
                    + "the axis).",
                value: String(idx[j]))
        }
        switch elementType {
        case .string:
            let src = context.strings[data]
            var out: [String] = []
            out.reserveCapacity(count)
            walk(idx) { out.append(src[$0]) }
            context.strings[y] = out
        case .float32: copy(context.ptrs[data], context.ptrs[y], idx, as: UInt32.self)
        case .float64, .int64: copy(context.ptrs[data], context.ptrs[y], idx, as: UInt64.self)
        case .bool: copy(context.ptrs[data], context.ptrs[y], idx, as: UInt8.self)
        }
    }

    /// Calls `body` with the data offset of every output element, in order.
    @inline(__always)
    private func walk(_ idx: UnsafeMutablePointer<Int64>, _ body: (Int) -> Void) {
        innerOffsets.withUnsafeBufferPointer { ip in
            var j = 0
            for o in 0..<outer {
                let base = outerOffsets[o]
                for _ in 0..<indexAxis {
                    for i in 0..<inner {
                        let v = Int(idx[j])
                        body(base + (v < 0 ? v + dataAxis : v) * axisStride + ip[i])
                        j += 1
                    }
                }
            }
        }
    }

    /// Copies the gathered elements as raw `U` values.
    @inline(__always)
    private func copy<U: FixedWidthInteger>(
        _ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer, _ idx: UnsafeMutablePointer<Int64>,
        as _: U.Type
    ) {
        let unit = MemoryLayout<U>.stride
        var j = 0
        walk(idx) {
            dst.storeBytes(of: src.load(fromByteOffset: $0 * unit, as: U.self), toByteOffset: j * unit, as: U.self)
            j += 1
        }
    }
}
