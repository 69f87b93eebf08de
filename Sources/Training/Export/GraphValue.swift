public import InferenceCore

/// A value in a graph being built: its name, element type and number of columns.
///
/// Values built by ``GraphBuilder`` are [N, ``width``] (a batch of rows), except where a method says
/// [N].
public struct GraphValue: Sendable, Hashable {
    /// The value's name in the graph.
    public var name: String
    /// Its element type.
    public var elementType: ElementType
    /// Its number of columns (the size of its last axis).
    public var width: Int

    /// Names a value.
    public init(name: String, elementType: ElementType, width: Int) {
        self.name = name
        self.elementType = elementType
        self.width = width
    }
}
