import InferenceCore
import MLOpsCore

/// Checks requests against one version's signature: names, element types, shapes (the batch
/// dimension and the fixed ones, such as the feature count) and, per row, NaN where the version's
/// ``InputValidation`` forbids it.
///
/// Whole-request problems throw `invalidArgument` naming the input; per-row problems become
/// ``RowError``s and the row is blanked before the model sees it.
struct RequestValidator: Sendable {
    /// The model's inputs.
    let inputs: [ValueInfo]
    /// The model's outputs.
    let outputs: [ValueInfo]
    /// Input positions by name.
    private let inputIndex: [String: Int]
    /// Output positions by name.
    private let outputIndex: [String: Int]
    /// Feature names of the first input's last axis, or empty.
    private let featureNames: [String]
    /// What is checked per row.
    let validation: InputValidation
    /// Whether every input's first dimension is the batch dimension (rows can be concatenated).
    let isRowWise: Bool

    init(signature: ModelSignature, validation: InputValidation) {
        inputs = signature.inputs
        outputs = signature.outputs
        var inputIndex: [String: Int] = [:]
        for (index, info) in signature.inputs.enumerated() { inputIndex[info.name] = index }
        self.inputIndex = inputIndex
        var outputIndex: [String: Int] = [:]
        for (index, info) in signature.outputs.enumerated() { outputIndex[info.name] = index }
        self.outputIndex = outputIndex
        featureNames = signature.featureNames
        self.validation = validation
        isRowWise = signature.inputs.allSatisfy { $0.shape?.first == .batch }
    }

    /// The positions of the outputs `names` asks for, in its order without repeats; every output
    /// for `nil`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming an output the model does not have.
    func outputSelection(_ names: [String]?) throws -> [Int] {
        guard let names else { return Array(outputs.indices) }
        var selection: [Int] = []
        selection.reserveCapacity(names.count)
        for name in names {
            guard let index = outputIndex[name] else {
                throw MLOpsError(
                    .invalidArgument,
                    "the model has no output '\(name)'; its outputs are \(outputs.map(\.name).joined(separator: ", "))",
                    value: name)
            }
            if !selection.contains(index) { selection.append(index) }
        }
        return selection
    }

    /// Checks `request`'s inputs and returns them in signature order with the bad rows found.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the input: missing, unknown or given twice,
    ///   of the wrong element type, of the wrong rank or shape (a wrong feature count), or with
    ///   another row count than the other inputs.
    func prepare(_ request: InferenceRequest) throws -> PreparedRequest {
        var ordered: [Tensor]
        if inputs.count == 1, request.inputs.count == 1 {
            // A model with one input accepts a single tensor under any name.
            ordered = [request.inputs[0].tensor]
        } else {
            ordered = try orderedInputs(request.inputs)
        }
        var rowCount: Int?
        for (index, info) in inputs.enumerated() {
            let rows = try checkShape(ordered[index], info)
            if let expected = rowCount, rows != expected {
                throw MLOpsError(
                    .invalidArgument,
                    "input '\(info.name)' has \(rows) rows but '\(inputs[0].name)' has \(expected); every input "
                        + "needs one row per request row", value: info.name)
            }
            rowCount = rows
        }
        var prepared = PreparedRequest(rowCount: rowCount ?? 0, inputs: ordered, badRows: [], rowErrors: [])
        if validation.rejectNaN { findNaN(&prepared) }
        return prepared
    }

    /// The request's tensors in signature order.
    private func orderedInputs(_ given: [NamedTensor]) throws -> [Tensor] {
        var slots = [Tensor?](repeating: nil, count: inputs.count)
        for named in given {
            guard let index = inputIndex[named.name] else {
                throw MLOpsError(
                    .invalidArgument,
                    "'\(named.name)' is not an input of the model; its inputs are "
                        + inputs.map(\.name).joined(separator: ", "), value: named.name)
            }
            guard slots[index] == nil else {
                throw MLOpsError(.invalidArgument, "input '\(named.name)' is given twice", value: named.name)
            }
            slots[index] = named.tensor
        }
        var ordered: [Tensor] = []
        ordered.reserveCapacity(inputs.count)
        for (index, slot) in slots.enumerated() {
            guard let tensor = slot else {
                throw MLOpsError(
                    .invalidArgument, "input '\(inputs[index].name)' is missing", value: inputs[index].name)
            }
            ordered.append(tensor)
        }
        return ordered
    }

    /// Checks a tensor's element type and shape against `info`; returns its row count.
    @inline(__always)
    private func checkShape(_ tensor: Tensor, _ info: ValueInfo) throws -> Int {
        guard tensor.elementType == info.elementType else {
            throw MLOpsError(
                .invalidArgument, "input '\(info.name)' must be \(info.elementType), got \(tensor.elementType)",
                value: info.name)
        }
        let declared = info.shape ?? []
        let shape = tensor.shape
        var matches = declared.count == shape.count
        if matches {
            for (dimension, size) in zip(declared, shape) {
                if case .fixed(let expected) = dimension, expected != size {
                    matches = false
                    break
                }
            }
        }
        guard matches else {
            var message = "input '\(info.name)' must have shape \(Self.describe(declared)), got \(shape)"
            if declared.count == 2, declared[0] == .batch, case .fixed(let features) = declared[1],
                shape.count == 2
            {
                message += " (\(features) features per row, got \(shape[1]))"
            }
            throw MLOpsError(.invalidArgument, message, value: info.name)
        }
        return shape.first ?? 1
    }

    /// Marks rows holding a NaN in a floating-point input as bad, naming the first such feature.
    private func findNaN(_ prepared: inout PreparedRequest) {
        let rowCount = prepared.rowCount
        guard rowCount > 0 else { return }
        var bad: [Int: RowError] = [:]
        for (index, info) in inputs.enumerated() {
            let tensor = prepared.inputs[index]
            let perRow = tensor.count / rowCount
            guard perRow > 0 else { continue }
            func scan<Element: BinaryFloatingPoint>(_ values: [Element]) {
                values.withUnsafeBufferPointer { buffer in
                    for row in 0..<rowCount where bad[row] == nil {
                        let start = row * perRow
                        for column in 0..<perRow where buffer[start + column].isNaN {
                            bad[row] = RowError(
                                row: row, field: fieldName(input: index, info, column: column, perRow: perRow),
                                message: "NaN is not allowed: the model rejects missing values")
                            break
                        }
                    }
                }
            }
            switch tensor.storage {
            case .float32(let values): scan(values)
            case .float64(let values): scan(values)
            default: continue
            }
        }
        guard !bad.isEmpty else { return }
        prepared.badRows = bad.keys.sorted()
        prepared.rowErrors = prepared.badRows.compactMap { bad[$0] }
    }

    /// `age` when the first input's features are named, else `x[3]` (or `x` for one value per row).
    private func fieldName(input: Int, _ info: ValueInfo, column: Int, perRow: Int) -> String {
        if input == 0, featureNames.count == perRow, column < featureNames.count { return featureNames[column] }
        return perRow == 1 ? info.name : "\(info.name)[\(column)]"
    }

    /// `[N, 64]`.
    static func describe(_ shape: [Dimension]) -> String {
        "[" + shape.map(\.description).joined(separator: ", ") + "]"
    }
}
