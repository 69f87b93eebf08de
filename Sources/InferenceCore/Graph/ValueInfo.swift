/// The name, element type and declared shape of a graph input or output.
///
/// `shape == nil` means the rank is not declared (allowed for outputs only; the shape is
/// then inferred). A declared shape uses ``Dimension/batch`` for the per-call batch size.
public struct ValueInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The tensor name; unique among all tensors of the graph.
    public var name: String
    /// The element type.
    public var elementType: ElementType
    /// The declared shape, or `nil` when the rank is not declared.
    public var shape: [Dimension]?

    /// Creates a value description.
    public init(name: String, elementType: ElementType, shape: [Dimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// A short human-readable form, for messages and logs.
    public var description: String {
        let dims = shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "[?]"
        return "\(name): \(elementType)\(dims)"
    }
}
