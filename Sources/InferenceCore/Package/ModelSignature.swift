/// What a model takes and returns: named, typed inputs and outputs and, where known, the
/// names of the input columns.
public struct ModelSignature: Sendable, Hashable, Codable {
    /// The inputs, in the order the buffer entry points of ``CompiledModel`` take them.
    public var inputs: [ValueInfo]
    /// The outputs, in order.
    public var outputs: [ValueInfo]
    /// Names of the columns of the first input's last axis (e.g. CSV headers), or empty.
    public var featureNames: [String]

    /// Creates a signature.
    public init(inputs: [ValueInfo], outputs: [ValueInfo], featureNames: [String] = []) {
        self.inputs = inputs
        self.outputs = outputs
        self.featureNames = featureNames
    }

    /// The signature of `graph`'s inputs and outputs.
    public init(graph: ModelGraph, featureNames: [String] = []) {
        self.init(inputs: graph.inputs, outputs: graph.outputs, featureNames: featureNames)
    }
}
