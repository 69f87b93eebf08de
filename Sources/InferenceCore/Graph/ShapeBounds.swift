import MLOpsCore

/// Overflow-checked size arithmetic for shapes, element counts and byte counts, and the
/// `limitExceeded` errors thrown when a size cannot be represented or is over a bound.
///
/// A shape is accepted only if its *extent* — the product of its dimensions with zeros counted
/// as one — is at most ``maxExtent``. That bounds every sub-product of the shape (the outer,
/// axis and inner sizes steps compute), not only the element count, so shapes like
/// `[0, 2^40, 2^40]` (zero elements, but overflowing sub-products) are rejected too; and every
/// byte count (`extent × 8`, rounded up to 64) stays far from `Int.max`.
enum ShapeBounds {
    /// The largest extent any planned tensor may have, whatever the options (2^58 elements).
    static let maxExtent = 1 << 58

    /// The product of `shape`'s dimensions with zeros counted as one, or `nil` if a dimension
    /// is negative or the product exceeds ``maxExtent``.
    static func extent(_ shape: [Int]) -> Int? {
        var total = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !overflow, p <= maxExtent else { return nil }
            total = p
        }
        return total
    }

    /// `a × b`, or `nil` on overflow or a negative operand.
    static func product(_ a: Int, _ b: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : p
    }

    /// `a + b`, or `nil` on overflow or a negative operand.
    static func sum(_ a: Int, _ b: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : s
    }

    /// `a × b`, saturating at `Int.max` (for limits scaled by a batch size).
    static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        product(a, b) ?? Int.max
    }

    /// Checks that tensor `name` of `spec` has a representable extent of at most `maxElements`.
    ///
    /// - Parameters:
    ///   - origin: Who the tensor belongs to, for the message (e.g. "Node 'n' (oneHot): output").
    ///   - batch: The batch size the shape was inferred at.
    ///   - perRow: The per-row limit `maxElements` derives from, for the message (`nil`: no
    ///     option is involved, only representability).
    static func check(
        _ spec: TensorSpec, name: String, origin: String, batch: Int, maxElements: Int, perRow: Int?
    ) throws {
        guard let extent = extent(spec.shape) else {
            throw MLOpsError(
                .limitExceeded,
                "\(origin) '\(name)' would have shape \(spec.shape) at batch size \(batch); its size overflows "
                    + "or exceeds \(maxExtent) elements. Check the graph's dimensions and attributes.",
                value: name)
        }
        guard extent <= maxElements else {
            let bound = perRow.map { "CompileOptions.maxElementsPerRow (\($0)) allows \(maxElements)" } ?? ""
            throw MLOpsError(
                .limitExceeded,
                "\(origin) '\(name)' would have shape \(spec.shape) (\(extent) elements) at batch size \(batch); "
                    + "\(bound). Raise the limit if the model is trusted.",
                value: name)
        }
    }

    /// The error for a size sum or product that overflows while inferring a node's output.
    static func overflow(_ node: GraphNode, _ what: String, tensor: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(
            .limitExceeded, "Node '\(node.name)' (\(node.op.kindName)): \(what) overflows.", value: tensor,
            fileID: fileID, line: line)
    }
}
