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

        /// The largest file accepted for `format`, in bytes, and the option that sets it: XGBoost
        /// JSON and LightGBM text ``TreeEnsemble/Limits/maxInputBytes`` (default 1 GiB), model
        /// packages ``ModelPackage/Limits/maxFileBytes`` (default 2 GiB), ONNX
        /// ``ONNXImporter/Options/maxModelBytes`` (default 2 GiB − 1, protobuf's own limit).
        public func maxFileBytes(for format: ModelFormat) -> Int {
            fileLimit(for: format).maxBytes
        }

        /// ``maxFileBytes(for:)`` with a phrase naming the option, for messages.
        func fileLimit(for format: ModelFormat) -> (maxBytes: Int, name: String) {
            switch format {
            case .xgboost, .lightgbm:
                return (
                    treeLimits.maxInputBytes, "for \(format.displayName) files (Model.Options.treeLimits.maxInputBytes)"
                )
            case .package:
                return (packageLimits.maxFileBytes, "for model packages (Model.Options.packageLimits.maxFileBytes)")
            case .onnx:
                return (onnx.maxModelBytes, "for ONNX files (Model.Options.onnx.maxModelBytes)")
            }
        }
    }
}
