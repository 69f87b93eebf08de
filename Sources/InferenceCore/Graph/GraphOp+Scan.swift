extension GraphOp {
    /// Attributes of ``GraphOp/scan(_:)``: a body graph run once per slice of the scan inputs
    /// (ONNX `Scan`, opset ≥ 9).
    ///
    /// With S = ``stateCount``, M = ``scanInputCount`` and C = `body.inputs.count - S - M`:
    /// - the node's inputs are S initial states, M scan inputs, then C captured tensors (values of
    ///   the enclosing graph the body reads — ONNX's outer-scope references, made explicit);
    /// - the body's inputs are, in the same order, the S current states, one slice per scan input
    ///   (the scan input with its scan axis removed) and the C captured tensors;
    /// - the body's outputs are S new states (same type and shape as the states) then K
    ///   per-iteration scan outputs;
    /// - the node's outputs are the S final states then the K scan outputs, each the per-iteration
    ///   values stacked along its ``outputAxes`` entry (a new axis of size T).
    ///
    /// T, the number of iterations, is the size of every scan input along its scan axis (they must
    /// agree). Iteration `t` reads slice `t` of a forward scan input and slice `T-1-t` of a
    /// reversed one; a reversed scan output stores iteration `t` at position `T-1-t`. The body is
    /// a closed graph: its names do not clash with the enclosing graph's, and it may hold its own
    /// initialisers and nested scans (at most ``maxDepth`` levels of nesting). String tensors are
    /// not supported as states, scan inputs or scan outputs.
    public struct Scan: Sendable {
        /// The graph run once per iteration.
        public var body: ModelGraph
        /// S: the number of state variables carried from one iteration to the next.
        public var stateCount: Int
        /// M: the number of scan inputs (at least 1).
        public var scanInputCount: Int
        /// The scan axis of each scan input (M entries; negative counts from the end).
        public var inputAxes: [Int]
        /// Whether each scan input is read from its last slice to its first (M entries).
        public var inputReversed: [Bool]
        /// The axis each scan output is stacked along (K entries; negative counts from the end of
        /// the stacked output's rank).
        public var outputAxes: [Int]
        /// Whether each scan output is filled from its last position to its first (K entries).
        public var outputReversed: [Bool]

        /// How deeply scans may nest (a scan in a scan body is depth 2).
        public static let maxDepth = 8

        /// Creates scan attributes; empty axis and direction arrays mean axis 0, forward.
        ///
        /// The counts are checked when the graph is validated, not here.
        public init(
            body: ModelGraph, stateCount: Int, scanInputCount: Int, inputAxes: [Int] = [],
            inputReversed: [Bool] = [], outputAxes: [Int] = [], outputReversed: [Bool] = []
        ) {
            self.body = body
            self.stateCount = stateCount
            self.scanInputCount = scanInputCount
            let outputs = max(0, body.outputs.count - max(0, stateCount))
            let inputs = max(0, scanInputCount)
            self.inputAxes = inputAxes.isEmpty ? Array(repeating: 0, count: inputs) : inputAxes
            self.inputReversed = inputReversed.isEmpty ? Array(repeating: false, count: inputs) : inputReversed
            self.outputAxes = outputAxes.isEmpty ? Array(repeating: 0, count: outputs) : outputAxes
            self.outputReversed = outputReversed.isEmpty ? Array(repeating: false, count: outputs) : outputReversed
        }

        /// C: the number of captured tensors (body inputs after the states and scan slices).
        public var capturedCount: Int { body.inputs.count - stateCount - scanInputCount }

        /// K: the number of scan outputs (body outputs after the new states).
        public var scanOutputCount: Int { body.outputs.count - stateCount }
    }
}
