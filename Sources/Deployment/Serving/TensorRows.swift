import InferenceCore
import MLOpsCore

/// Row operations on tensors whose first axis is the row axis: concatenating the inputs of a
/// batch, splitting its outputs, blanking rows that failed validation.
enum TensorRows {
    /// The tensors' rows one after another: shape `[Σ rows] + rest`, where `rest` is the first
    /// tensor's shape after its first axis (every tensor must share it and the element type).
    static func concatenate(_ tensors: [Tensor]) throws -> Tensor {
        guard let first = tensors.first else {
            throw MLOpsError(.invalidArgument, "no tensors to concatenate")
        }
        if tensors.count == 1 { return first }
        var rows = 0
        for tensor in tensors { rows += tensor.shape.first ?? 1 }
        let shape = [rows] + first.shape.dropFirst()
        switch first.storage {
        case .float32: return try Tensor(shape: shape, float32: tensors.flatMap { $0.float32Values ?? [] })
        case .float64: return try Tensor(shape: shape, float64: tensors.flatMap { $0.float64Values ?? [] })
        case .int64: return try Tensor(shape: shape, int64: tensors.flatMap { $0.int64Values ?? [] })
        case .bool: return try Tensor(shape: shape, bool: tensors.flatMap { $0.boolValues ?? [] })
        case .string: return try Tensor(shape: shape, strings: tensors.flatMap { $0.stringValues ?? [] })
        }
    }

    /// Rows `rows` of `tensor` (whose first axis holds `rowCount` rows).
    static func slice(_ tensor: Tensor, rows: Range<Int>, of rowCount: Int) throws -> Tensor {
        if rows.lowerBound == 0, rows.count == rowCount { return tensor }
        let perRow = rowCount > 0 ? tensor.count / rowCount : 0
        let range = (rows.lowerBound * perRow)..<(rows.upperBound * perRow)
        let shape = [rows.count] + tensor.shape.dropFirst()
        switch tensor.storage {
        case .float32(let values): return try Tensor(shape: shape, float32: Array(values[range]))
        case .float64(let values): return try Tensor(shape: shape, float64: Array(values[range]))
        case .int64(let values): return try Tensor(shape: shape, int64: Array(values[range]))
        case .bool(let values): return try Tensor(shape: shape, bool: Array(values[range]))
        case .string(let values): return try Tensor(shape: shape, strings: Array(values[range]))
        }
    }

    /// `tensor` with `rows` (of `rowCount`) overwritten: by zeros, `false` and empty strings for an
    /// input handed to the model, or by NaN for floating-point outputs (zeros otherwise) when
    /// `missing` is set.
    static func blank(_ tensor: Tensor, rows: [Int], of rowCount: Int, missing: Bool) throws -> Tensor {
        guard !rows.isEmpty, rowCount > 0 else { return tensor }
        let perRow = tensor.count / rowCount
        func fill<Element>(_ values: [Element], _ value: Element) -> [Element] {
            var copy = values
            for row in rows where row < rowCount {
                for index in (row * perRow)..<((row + 1) * perRow) { copy[index] = value }
            }
            return copy
        }
        switch tensor.storage {
        case .float32(let values):
            return try Tensor(shape: tensor.shape, float32: fill(values, missing ? .nan : 0))
        case .float64(let values):
            return try Tensor(shape: tensor.shape, float64: fill(values, missing ? .nan : 0))
        case .int64(let values): return try Tensor(shape: tensor.shape, int64: fill(values, 0))
        case .bool(let values): return try Tensor(shape: tensor.shape, bool: fill(values, false))
        case .string(let values): return try Tensor(shape: tensor.shape, strings: fill(values, ""))
        }
    }

    /// A tensor of `type` and `shape` whose `count` elements `fill` writes into raw memory bound to
    /// the element type (not for strings).
    static func make(
        _ type: ElementType, shape: [Int], count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws -> Tensor {
        func array<Element>(_: Element.Type) throws -> [Element] {
            try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
        switch type {
        case .float32: return try Tensor(shape: shape, float32: array(Float.self))
        case .float64: return try Tensor(shape: shape, float64: array(Double.self))
        case .int64: return try Tensor(shape: shape, int64: array(Int64.self))
        case .bool: return try Tensor(shape: shape, bool: array(Bool.self))
        case .string:
            throw MLOpsError(.unsupported, "string tensors are not filled from raw memory")
        }
    }

    /// A tensor of `type` and `shape` holding only zeros (`false`, empty strings).
    static func zeros(_ type: ElementType, shape: [Int]) throws -> Tensor {
        let count = shape.reduce(1, *)
        switch type {
        case .float32: return try Tensor(shape: shape, float32: Array(repeating: 0, count: count))
        case .float64: return try Tensor(shape: shape, float64: Array(repeating: 0, count: count))
        case .int64: return try Tensor(shape: shape, int64: Array(repeating: 0, count: count))
        case .bool: return try Tensor(shape: shape, bool: Array(repeating: false, count: count))
        case .string: return try Tensor(shape: shape, strings: Array(repeating: "", count: count))
        }
    }
}
