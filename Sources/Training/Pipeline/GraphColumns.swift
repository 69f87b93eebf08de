public import InferenceCore
import MLOpsCore

/// Where each table column lives while a pipeline is exported to a graph: a column is one column
/// (last-axis position) of a graph value of shape [N, width].
///
/// Steps read their input columns with ``gather(_:as:builder:)`` and record their outputs with
/// ``set(_:to:in:from:)``; ``names`` is the table's column order after the steps so far, which is
/// the order of the estimator's features at the end.
public struct GraphColumns: Sendable {
    /// A column's place: a value and a position in its last axis.
    struct Slot: Sendable, Hashable {
        var value: GraphValue
        var index: Int
    }

    /// The columns, in table order.
    public private(set) var names: [String]
    private var slots: [String: Slot]
    /// The places read so far, to learn which input columns the graph needs.
    private var used: Set<Slot> = []

    /// Columns held by graph values: `sources` gives each column's value and position, in order.
    init(_ sources: [(name: String, value: GraphValue, index: Int)]) {
        names = sources.map(\.name)
        slots = Dictionary(
            sources.map { ($0.name, Slot(value: $0.value, index: $0.index)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether a step has read position `index` of `value`.
    func isUsed(_ value: GraphValue, index: Int) -> Bool { used.contains(Slot(value: value, index: index)) }

    /// The element type of column `name`, or `nil` when there is no such column.
    public func elementType(of name: String) -> ElementType? { slots[name]?.value.elementType }

    /// A value [N, names.count] holding the columns `names` in that order, converted to
    /// `elementType` (to the first column's type when `nil`).
    ///
    /// - Throws: `MLOpsError` `notFound` for a name that is not a column.
    public mutating func gather(
        _ names: [String], as elementType: ElementType? = nil, builder: inout GraphBuilder
    ) throws -> GraphValue {
        var runs: [(value: GraphValue, indices: [Int])] = []
        for name in names {
            guard let slot = slots[name] else {
                throw MLOpsError(.notFound, "the pipeline has no column named \(name) at this step", value: name)
            }
            used.insert(slot)
            if let last = runs.last, last.value == slot.value {
                runs[runs.count - 1].indices.append(slot.index)
            } else {
                runs.append((slot.value, [slot.index]))
            }
        }
        guard let firstType = runs.first?.value.elementType else {
            throw MLOpsError(.invalidArgument, "a step reads no columns", value: "")
        }
        let type = elementType ?? firstType
        var pieces: [GraphValue] = []
        for run in runs {
            var piece = run.value
            if run.indices != Array(0..<run.value.width) {
                let index = builder.constant(
                    try Tensor(shape: [run.indices.count], int64: run.indices.map { Int64($0) }), hint: "columns")
                piece = builder.add(
                    .arrayFeatureExtractor, inputs: [piece.name, index], output: (piece.elementType, run.indices.count),
                    hint: "selected")
            }
            if piece.elementType != type {
                piece = builder.add(.cast(to: type), inputs: [piece.name], output: (type, piece.width), hint: "cast")
            }
            pieces.append(piece)
        }
        if pieces.count == 1 { return pieces[0] }
        return builder.add(
            .concat(axis: 1), inputs: pieces.map(\.name), output: (type, pieces.reduce(0) { $0 + $1.width }),
            hint: "concat")
    }

    /// Replaces column `name` by the columns `outputs`, held by `value` at positions
    /// `offset..<offset + outputs.count`, in the place of `name` in ``names``.
    ///
    /// - Throws: `MLOpsError` `notFound` when `name` is not a column; `invalidArgument` when an
    ///   output name is already another column.
    public mutating func set(_ name: String, to outputs: [String], in value: GraphValue, from offset: Int) throws {
        guard let position = names.firstIndex(of: name) else {
            throw MLOpsError(.notFound, "the pipeline has no column named \(name) at this step", value: name)
        }
        slots[name] = nil
        for output in outputs where slots[output] != nil {
            throw MLOpsError(.invalidArgument, "a step writes the column \(output), which exists", value: output)
        }
        names.replaceSubrange(position...position, with: outputs)
        for (i, output) in outputs.enumerated() { slots[output] = Slot(value: value, index: offset + i) }
    }

    /// Keeps only the columns `kept`, in that order.
    ///
    /// - Throws: `MLOpsError` `notFound` for a name that is not a column.
    public mutating func select(_ kept: [String]) throws {
        for name in kept where slots[name] == nil {
            throw MLOpsError(.notFound, "the pipeline has no column named \(name) at this step", value: name)
        }
        let keep = Set(kept)
        for name in names where !keep.contains(name) { slots[name] = nil }
        names = kept
    }
}
