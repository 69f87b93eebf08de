extension Model {
    /// Size bounds and compile options for loading a ``Model``.
    ///
    /// The defaults accept any realistic model; tighten them when reading files from untrusted
    /// sources.
    public struct Options: Sendable {
        /// How a graph is compiled.
        public var compile: CompileOptions
        /// Bounds for XGBoost and LightGBM models.
        public var treeLimits: TreeEnsemble.Limits
        /// Bounds for model packages.
        public var packageLimits: ModelPackage.Limits
        /// Bounds and options for ONNX models.
        public var onnx: ONNXImporter.Options

        /// Creates options.
        public init(
            compile: CompileOptions = CompileOptions(), treeLimits: TreeEnsemble.Limits = .default,
            packageLimits: ModelPackage.Limits = .default, onnx: ONNXImporter.Options = ONNXImporter.Options()
        ) {
            self.compile = compile
            self.treeLimits = treeLimits
            self.packageLimits = packageLimits
            self.onnx = onnx
        }

        /// The largest file any of the formats accepts; larger files are refused before reading.
        var maxFileBytes: Int {
            max(treeLimits.maxInputBytes, packageLimits.maxFileBytes, onnx.maxModelBytes)
        }
    }
}
