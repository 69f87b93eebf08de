import InferenceCore
import MLOpsCore

/// Runs one model version on prepared requests, alone or concatenated into one batch.
///
/// Two engines: a model with one `float32` or `float64` input whose first dimension is the batch
/// and no string output runs through `Model`'s allocation-free buffer `predict` (every tree model,
/// and MLPs such as the benchmarks'); any other graph runs through a `CompiledModel` of its graph
/// and `predict([String: Tensor])`.
final class VersionRunner: Sendable {
    /// How the model runs.
    enum Engine: Sendable {
        /// `Model.predict` on a row buffer of `Float` (or `Double` when `float64`).
        case rows(float64: Bool)
        /// `CompiledModel.predict([String: Tensor])`.
        case general(CompiledModel)
    }

    let model: Model
    let engine: Engine
    /// The outputs, in signature order.
    let outputs: [ValueInfo]
    /// Elements per row of each output (rows engine).
    let outputPerRow: [Int]
    /// Each output's shape after the row axis (rows engine).
    let outputRowShapes: [[Int]]
    /// Elements per row of the only input (rows engine).
    let inputPerRow: Int
    /// Whether rows of several requests may be concatenated into one call.
    let canBatch: Bool

    /// Prepares `model` to run.
    ///
    /// - Throws: `MLOpsError` from compiling the graph or sizing its outputs.
    init(model: Model, isRowWise: Bool) throws {
        self.model = model
        outputs = model.signature.outputs
        let inputs = model.signature.inputs
        let rowsEngine =
            inputs.count == 1 && isRowWise && (inputs[0].elementType == .float32 || inputs[0].elementType == .float64)
            && !outputs.contains { $0.elementType == .string }
        if rowsEngine {
            engine = .rows(float64: inputs[0].elementType == .float64)
            inputPerRow = (inputs[0].shape ?? []).dropFirst().reduce(1) { product, dimension in
                if case .fixed(let size) = dimension { return product * size }
                return product
            }
            let perRow = try model.outputElementCounts(rowCount: 1)
            outputPerRow = perRow
            outputRowShapes = zip(outputs, perRow).map { info, count in Self.rowShape(info, perRow: count) }
        } else {
            engine = .general(try model.graph.compile(options: CompileOptions()))
            inputPerRow = 0
            outputPerRow = []
            outputRowShapes = []
        }
        canBatch = isRowWise
    }

    /// An output's shape after the row axis, from its declared shape with an unknown dimension
    /// solved from the element count; `[perRow]` when it cannot be solved.
    private static func rowShape(_ info: ValueInfo, perRow: Int) -> [Int] {
        guard let declared = info.shape, declared.first == .batch else { return perRow == 1 ? [] : [perRow] }
        let rest = declared.dropFirst()
        var known = 1
        var unknown = 0
        for dimension in rest {
            if case .fixed(let size) = dimension { known *= size } else { unknown += 1 }
        }
        if unknown == 0, known == perRow { return rest.map { if case .fixed(let size) = $0 { size } else { 0 } } }
        if unknown == 1, known > 0, perRow % known == 0 {
            return rest.map { if case .fixed(let size) = $0 { size } else { perRow / known } }
        }
        return [perRow]
    }

    // MARK: - One request

    /// Runs one request and returns every output, in signature order; bad rows are blanked in
    /// and NaN (or zero) out.
    func run(_ request: PreparedRequest) throws -> [Tensor] {
        let rows = request.rowCount
        var results: [Tensor]
        switch engine {
        case .rows:
            var input = request.inputs[0]
            if !request.badRows.isEmpty {
                input = try TensorRows.blank(input, rows: request.badRows, of: rows, missing: false)
            }
            if rows == 0 { return try emptyOutputs() }
            results = try withOutputTensors(rows: rows) { buffers in
                try predictRows(input, rows: rows, into: buffers)
            }
        case .general(let compiled):
            var named: [String: Tensor] = [:]
            for (info, tensor) in zip(model.signature.inputs, request.inputs) {
                named[info.name] =
                    request.badRows.isEmpty
                    ? tensor : try TensorRows.blank(tensor, rows: request.badRows, of: rows, missing: false)
            }
            let produced = try compiled.predict(named)
            results = try outputs.map { info in
                guard let tensor = produced[info.name] else {
                    throw MLOpsError(.invalidState, "the model produced no output '\(info.name)'", value: info.name)
                }
                return tensor
            }
        }
        if !request.badRows.isEmpty {
            results = try results.map { try TensorRows.blank($0, rows: request.badRows, of: rows, missing: true) }
        }
        return results
    }

    /// Runs `rows` rows of `input` (a `float32` or `float64` tensor) into `buffers`.
    @inline(__always)
    private func predictRows(_ input: Tensor, rows: Int, into buffers: [UnsafeMutableRawBufferPointer]) throws {
        switch input.storage {
        case .float32(let values):
            try values.withUnsafeBufferPointer { try model.predict($0, rowCount: rows, into: buffers) }
        case .float64(let values):
            try values.withUnsafeBufferPointer { try model.predict($0, rowCount: rows, into: buffers) }
        default:
            throw MLOpsError(.invalidArgument, "the model's input must be float32 or float64")
        }
    }

    /// Allocates one result tensor per output for `rows` rows, lets `body` fill all of them through
    /// their raw buffers at once, and returns them.
    private func withOutputTensors(
        rows: Int, _ body: ([UnsafeMutableRawBufferPointer]) throws -> Void
    ) throws -> [Tensor] {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        buffers.reserveCapacity(outputs.count)
        var made: [Tensor] = []
        made.reserveCapacity(outputs.count)
        try nest(0, rows: rows, &buffers, &made, body)
        return made.reversed()
    }

    /// Makes output `index`'s tensor around the buffers of the later ones (innermost first).
    private func nest(
        _ index: Int, rows: Int, _ buffers: inout [UnsafeMutableRawBufferPointer], _ made: inout [Tensor],
        _ body: ([UnsafeMutableRawBufferPointer]) throws -> Void
    ) throws {
        guard index < outputs.count else { return try body(buffers) }
        let tensor = try TensorRows.make(
            outputs[index].elementType, shape: [rows] + outputRowShapes[index], count: rows * outputPerRow[index]
        ) { raw in
            buffers.append(raw)
            try nest(index + 1, rows: rows, &buffers, &made, body)
        }
        made.append(tensor)
    }

    /// Every output with zero rows.
    private func emptyOutputs() throws -> [Tensor] {
        try outputs.indices.map { try TensorRows.zeros(outputs[$0].elementType, shape: [0] + outputRowShapes[$0]) }
    }

    // MARK: - Batches

    /// Runs several requests as one model call (their rows concatenated in order) and returns each
    /// one's outputs; if the call fails, runs each request alone so that one bad request fails
    /// only itself.
    func run(batch: [PreparedRequest], scratch: BatchScratch) -> [Result<[Tensor], MLOpsError>] {
        if batch.count == 1 { return [Result { try run(batch[0]) }.mapError(Self.wrap)] }
        do {
            switch engine {
            case .rows(let float64):
                return try runRows(batch, float64: float64, scratch: scratch).map { .success($0) }
            case .general(let compiled):
                return try runGeneral(batch, compiled).map { .success($0) }
            }
        } catch {
            return batch.map { request in Result { try run(request) }.mapError(Self.wrap) }
        }
    }

    /// The rows engine on a batch: rows copied into the scratch input (bad rows zeroed), one
    /// `predict` into the scratch outputs, outputs copied out per request.
    private func runRows(_ batch: [PreparedRequest], float64: Bool, scratch: BatchScratch) throws -> [[Tensor]] {
        var total = 0
        for request in batch { total += request.rowCount }
        guard total > 0 else { return try batch.map { _ in try emptyOutputs() } }
        let elementSize = float64 ? 8 : 4
        let rowBytes = inputPerRow * elementSize
        let input = scratch.input(bytes: total * rowBytes)
        guard let inputBase = input.baseAddress else { throw MLOpsError(.invalidState, "no batch input buffer") }
        var offset = 0
        for request in batch {
            let bytes = request.rowCount * rowBytes
            let target = inputBase + offset
            switch request.inputs[0].storage {
            case .float32(let values):
                values.withUnsafeBytes { source in
                    if let base = source.baseAddress { target.copyMemory(from: base, byteCount: bytes) }
                }
            case .float64(let values):
                values.withUnsafeBytes { source in
                    if let base = source.baseAddress { target.copyMemory(from: base, byteCount: bytes) }
                }
            default: throw MLOpsError(.invalidArgument, "the model's input must be float32 or float64")
            }
            for row in request.badRows where row < request.rowCount {
                (target + row * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes)
            }
            offset += bytes
        }
        let outputBuffers = scratch.outputs(
            bytes: outputs.indices.map { total * outputPerRow[$0] * outputs[$0].elementType.byteCount })
        let count = total * inputPerRow
        if float64 {
            try model.predict(
                UnsafeBufferPointer(start: inputBase.assumingMemoryBound(to: Double.self), count: count),
                rowCount: total, into: outputBuffers)
        } else {
            try model.predict(
                UnsafeBufferPointer(start: inputBase.assumingMemoryBound(to: Float.self), count: count),
                rowCount: total, into: outputBuffers)
        }
        var results: [[Tensor]] = []
        results.reserveCapacity(batch.count)
        var firstRow = 0
        for request in batch {
            var tensors: [Tensor] = []
            tensors.reserveCapacity(outputs.count)
            for (index, info) in outputs.enumerated() {
                let rowBytes = outputPerRow[index] * info.elementType.byteCount
                guard let outputBase = outputBuffers[index].baseAddress else {
                    throw MLOpsError(.invalidState, "no batch output buffer")
                }
                let source = outputBase + firstRow * rowBytes
                var tensor = try TensorRows.make(
                    info.elementType, shape: [request.rowCount] + outputRowShapes[index],
                    count: request.rowCount * outputPerRow[index]
                ) { raw in
                    if let target = raw.baseAddress {
                        target.copyMemory(from: source, byteCount: request.rowCount * rowBytes)
                    }
                }
                if !request.badRows.isEmpty {
                    tensor = try TensorRows.blank(tensor, rows: request.badRows, of: request.rowCount, missing: true)
                }
                tensors.append(tensor)
            }
            results.append(tensors)
            firstRow += request.rowCount
        }
        return results
    }

    /// The general engine on a batch: inputs concatenated per name, one `predict`, outputs sliced.
    private func runGeneral(_ batch: [PreparedRequest], _ compiled: CompiledModel) throws -> [[Tensor]] {
        var named: [String: Tensor] = [:]
        for (index, info) in model.signature.inputs.enumerated() {
            named[info.name] = try TensorRows.concatenate(
                batch.map { request in
                    request.badRows.isEmpty
                        ? request.inputs[index]
                        : try TensorRows.blank(
                            request.inputs[index], rows: request.badRows, of: request.rowCount, missing: false)
                })
        }
        let total = batch.reduce(0) { $0 + $1.rowCount }
        let produced = try compiled.predict(named)
        var results: [[Tensor]] = []
        var firstRow = 0
        for request in batch {
            let rows = firstRow..<(firstRow + request.rowCount)
            results.append(
                try outputs.map { info in
                    guard let tensor = produced[info.name] else {
                        throw MLOpsError(.invalidState, "the model produced no output '\(info.name)'", value: info.name)
                    }
                    let slice = try TensorRows.slice(tensor, rows: rows, of: total)
                    return try TensorRows.blank(slice, rows: request.badRows, of: request.rowCount, missing: true)
                })
            firstRow += request.rowCount
        }
        return results
    }

    /// Runs a batch of `rows` zero rows (the same path traffic takes), to resolve plans and warm
    /// buffers before the version takes traffic.
    func warmUp(rows: Int, scratch: BatchScratch?) throws {
        let inputs = try model.signature.inputs.map { info in
            let rest = (info.shape ?? []).dropFirst().map { dimension -> Int in
                if case .fixed(let size) = dimension { return size }
                return 1
            }
            let first = info.shape?.first.map { dimension -> Int in
                if case .fixed(let size) = dimension { return size }
                return rows
            }
            return try TensorRows.zeros(info.elementType, shape: first.map { [$0] + rest } ?? [])
        }
        let request = PreparedRequest(rowCount: rows, inputs: inputs, badRows: [], rowErrors: [])
        if let scratch, canBatch, rows > 1, case .rows(let float64) = engine {
            // The batch path at this size: one request of `rows` rows through the scratch buffers.
            _ = try runRows([request], float64: float64, scratch: scratch)
        } else {
            _ = try run(request)
        }
    }

    /// Any error as an `MLOpsError` (the model's errors already are).
    static func wrap(_ error: any Error) -> MLOpsError {
        if let error = error as? MLOpsError { return error }
        return MLOpsError(.invalidState, "the model failed: \(error)")
    }
}

/// The buffers a batching thread concatenates inputs into and receives outputs in, grown on demand
/// and reused for every batch. Touched only by its one thread.
final class BatchScratch {
    private var inputBuffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var outputBuffers: [UnsafeMutableRawBufferPointer] = []

    deinit {
        inputBuffer.deallocate()
        for buffer in outputBuffers { buffer.deallocate() }
    }

    /// An input buffer of at least `bytes` bytes (its first `bytes` are handed out).
    func input(bytes: Int) -> UnsafeMutableRawBufferPointer {
        if inputBuffer.count < bytes {
            inputBuffer.deallocate()
            inputBuffer = .allocate(byteCount: Swift.max(bytes, 64), alignment: 64)
        }
        return UnsafeMutableRawBufferPointer(rebasing: inputBuffer[0..<bytes])
    }

    /// Output buffers of at least these sizes.
    func outputs(bytes: [Int]) -> [UnsafeMutableRawBufferPointer] {
        while outputBuffers.count < bytes.count { outputBuffers.append(.allocate(byteCount: 64, alignment: 64)) }
        for (index, size) in bytes.enumerated() where outputBuffers[index].count < size {
            outputBuffers[index].deallocate()
            outputBuffers[index] = .allocate(byteCount: size, alignment: 64)
        }
        return bytes.indices.map { UnsafeMutableRawBufferPointer(rebasing: outputBuffers[$0][0..<bytes[$0]]) }
    }
}
