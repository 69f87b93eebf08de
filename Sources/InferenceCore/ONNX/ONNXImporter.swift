import MLOpsCore

/// Imports ONNX models (`.onnx` files) into the runtime's ``ModelGraph``.
///
/// The importer decodes the protobuf by hand (`ONNXModelProto`), converts every node to a
/// ``GraphOp`` and validates the result, so a model that imports runs on the same runtime as
/// every other model:
///
/// ```swift
/// let graph = try ONNXImporter.importGraph(contentsOfFile: "model.onnx")
/// let model = try graph.compile()
/// let outputs = try model.predict(["X": try Tensor(shape: [1, 6], float32: row)])
/// ```
///
/// Supported: the default domain (`ai.onnx`, opsets 1–``maxDefaultOpset``) ops `Gemm`, `MatMul`,
/// `Add`, `Sub`, `Mul`, `Div`, `Relu`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`, `Concat`,
/// `Reshape`, `Flatten`, `Transpose`, `Cast`, `ArgMax`, `Identity`, `Constant`, `OneHot`,
/// `ReduceSum`, `ReduceMean`, `ReduceSumSquare`, `ReduceProd`, `ReduceLogSumExp`, `ReduceMax`,
/// `ReduceMin`, `ReduceL1`, `ReduceL2`, `ReduceLogSum`, `ArgMin`, `TopK`, `Gather`,
/// `GatherElements`, `CumSum`; and
/// `ai.onnx.ml` (opsets 1–``maxMLOpset``) `Scaler`, `Normalizer`, `LinearClassifier`,
/// `LinearRegressor`, `ArrayFeatureExtractor`, `OneHotEncoder`, `TreeEnsembleRegressor`,
/// `TreeEnsembleClassifier` — what skl2onnx and torch emit for linear models, MLPs, scalers,
/// pipelines and tree ensembles.
///
/// Nothing is approximated: an op, domain, opset, attribute or attribute value the importer
/// does not implement throws `MLOpsError` `unsupported` naming the node, its op and the
/// attribute. A `ZipMap` (skl2onnx's default classifier output) is rejected with a message that
/// says to convert with `zipmap=False`.
///
/// The graph's ``ModelGraph/inputs`` and ``ModelGraph/outputs`` keep the ONNX names, element
/// types and shapes (a symbolic or unset leading dimension becomes ``Dimension/batch``), so a
/// caller can name output columns from them. Initialisers listed as graph inputs are constants,
/// not inputs.
public enum ONNXImporter {
    /// The newest default-domain (`ai.onnx`) opset accepted.
    public static let maxDefaultOpset: Int64 = 25
    /// The newest `ai.onnx.ml` opset accepted.
    public static let maxMLOpset: Int64 = 5

    /// Bounds applied while importing.
    public struct Options: Sendable {
        /// The largest file accepted, in bytes; the default is 2^31 − 1, protobuf's own limit. A
        /// file over it is refused before it is read.
        public var maxModelBytes: Int
        /// The most elements one row (one batch item) of a graph input may declare.
        public var maxInputElementsPerRow: Int
        /// Bounds for tree-ensemble ops.
        public var treeLimits: TreeEnsemble.Limits

        /// Creates options; the defaults accept any realistic model.
        public init(
            maxModelBytes: Int = Int(Int32.max), maxInputElementsPerRow: Int = 1 << 26,
            treeLimits: TreeEnsemble.Limits = .default
        ) {
            self.maxModelBytes = maxModelBytes
            self.maxInputElementsPerRow = maxInputElementsPerRow
            self.treeLimits = treeLimits
        }
    }

    /// Decodes and converts a serialised ONNX model.
    ///
    /// - Throws: `MLOpsError` — `parseError` for malformed bytes or an inconsistent graph,
    ///   `unsupported` for anything this importer does not implement, `limitExceeded` for a
    ///   model over the size bounds, `invalidArgument` when the converted graph fails validation.
    public static func importGraph(serializedBytes bytes: [UInt8], options: Options = Options()) throws -> ModelGraph {
        let model = try ONNXModelProto(
            serializedBytes: bytes, limits: ProtobufReader.Limits(maxBytes: options.maxModelBytes))
        return try importGraph(from: model, options: options)
    }

    /// Converts an already decoded ONNX model.
    ///
    /// - Throws: as ``importGraph(serializedBytes:options:)``.
    static func importGraph(from model: ONNXModelProto, options: Options = Options()) throws -> ModelGraph {
        var converter = try ONNXGraphConverter(model: model, options: options)
        return try converter.convert()
    }

    /// Reads, decodes and converts an ONNX model file.
    ///
    /// - Throws: `MLOpsError` `ioError` if the file cannot be read, `limitExceeded` if it is
    ///   larger than `options.maxModelBytes`, otherwise as ``importGraph(serializedBytes:options:)``.
    public static func importGraph(contentsOfFile path: String, options: Options = Options()) throws -> ModelGraph {
        let bytes = try ModelFile.read(path, maxBytes: options.maxModelBytes, what: "ONNX file")
        return try loading(path, as: "ONNX") { try importGraph(serializedBytes: bytes, options: options) }
    }
}
