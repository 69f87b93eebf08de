import MLOpsCore

/// A model ready to predict, whatever file it came from: the one type a host loads, inspects,
/// runs and saves.
///
/// ```swift
/// let model = try Model(contentsOf: "churn.json")        // XGBoost, LightGBM, ONNX or a package
/// print(model.format, model.signature.featureNames)
/// let predictions = try model.predict(try Table.readCSV(path: "customers.csv"))
/// try model.write(to: "churn.mlpkg")                    // as a model package
/// ```
///
/// **Formats** are recognised by content (see ``ModelFormat/detect(_:)``), never by file name.
///
/// **Predicting a `Table`** (``predict(_:)``) picks the feature columns by name when the model
/// names its features (``ModelSignature/featureNames``), else takes every column in order; a
/// missing or an extra column is an error that names it. The result has the columns `mlops
/// predict` writes: `probability` and `margin` for a binary tree classifier, `probability_0…`
/// for a multiclass one, `prediction` (or `prediction_0…` for several targets) for a tree
/// regressor, and for a graph one column per output named after it for an output of shape [N],
/// `<name>_0…<name>_{K-1}` for [N, K].
///
/// **Hot paths** use the buffer overloads of `predict(_:rowCount:into:)`, which allocate nothing
/// after the first call at a batch size. The graph is compiled once, when the model is created,
/// and the plan is shared by every copy of the value.
///
/// A `Model` is an immutable value, safe to use from many tasks at once.
public struct Model: Sendable {
    /// The format the model was read from (``ModelFormat/package`` for a model built in memory
    /// from a graph).
    public let format: ModelFormat
    /// The named, typed inputs and outputs, and the feature names where the format has them.
    ///
    /// For a tree ensemble the input is `features`, `float64` [N, F]; the outputs are those of
    /// ``predict(_:)``: `probability` and `margin` [N] for a binary classifier, `probability`
    /// [N, K] for a multiclass one, `prediction` [N] (or [N, K]) for a regressor.
    public let signature: ModelSignature
    /// The model as a graph: the imported graph, or for a tree ensemble a graph of one
    /// tree-ensemble node whose outputs match ``signature``. This is what ``write(to:)`` saves.
    public let graph: ModelGraph
    /// The tree ensemble, when the model was read from XGBoost JSON or LightGBM text (or built
    /// from an ensemble); `nil` for graphs.
    public let treeEnsemble: TreeEnsemble?
    /// Free-form key/value metadata (a package's metadata; empty for other formats).
    public var metadata: [String: String]
    /// Where the model came from (a package's lineage; empty for other formats).
    public var lineage: ModelLineage
    /// What loading accepted but a user should know: for ONNX, an output declared with another
    /// shape than the graph computes (the computed shape is used, as onnxruntime does). Empty
    /// for most models; `mlops predict` and `mlops inspect` print them.
    public internal(set) var warnings: [String] = []

    /// What runs the model.
    enum Engine: Sendable {
        /// Tree ensembles run directly, without a graph plan.
        case trees(TreeEnsemble)
        /// Graphs run through a compiled plan, built once.
        case graph(CompiledModel)
    }

    let engine: Engine

    // MARK: - Loading

    /// Reads the model file at `path`, recognising its format by content.
    ///
    /// - Parameters:
    ///   - path: A model package, XGBoost JSON, LightGBM text or ONNX file.
    ///   - format: Read the file as this format instead of detecting it.
    ///   - options: Size bounds and compile options.
    /// - Throws: `MLOpsError` whose message names the file, what was expected and what was
    ///   found: `notFound` ("no such file: PATH"), `ioError`, `invalidArgument` (a directory or
    ///   device), `limitExceeded` (a file larger than its format's limit, see
    ///   ``Options/maxFileBytes(for:)``, is refused before it is read; a model over another
    ///   bound), `parseError` (not a model, or a malformed one), `corruptData`
    ///   (a damaged package), `unsupported` (a model feature this package does not implement).
    public init(contentsOf path: String, format: ModelFormat? = nil, options: Options = Options()) throws {
        // Each format has its own size limit: the one for the format given, else for the format
        // the first bytes announce (a file that starts like none of them is judged as ONNX).
        let bytes = try ModelFile.read(path, what: "model file") { head in
            options.fileLimit(for: format ?? ModelFormat.announced(by: head))
        }
        try self.init(bytes: bytes, format: format, source: path, options: options)
    }

    /// Reads a model from the bytes of a model file, recognising its format by content.
    ///
    /// - Parameters:
    ///   - bytes: The file's bytes.
    ///   - format: Read the bytes as this format instead of detecting it.
    ///   - source: What to call the bytes in error messages (e.g. the file or URL they came from).
    ///   - options: Size bounds and compile options.
    /// - Throws: as ``init(contentsOf:format:options:)``.
    public init(
        bytes: [UInt8], format: ModelFormat? = nil, source: String = "the model bytes", options: Options = Options()
    ) throws {
        guard !bytes.isEmpty else {
            throw MLOpsError(
                .parseError,
                "\(source) is empty (0 bytes); expected a model package, XGBoost JSON, LightGBM text or ONNX file",
                value: source)
        }
        guard let resolved = format ?? ModelFormat.detect(bytes) else {
            throw MLOpsError(
                .parseError,
                "\(source) is not a model package, XGBoost JSON, LightGBM text or ONNX file "
                    + "(it starts with \(ModelFile.preview(bytes)))",
                value: source)
        }
        do {
            switch resolved {
            case .xgboost:
                let ensemble = try XGBoostImporter.ensemble(json: bytes, limits: options.treeLimits)
                self = try Model(ensemble: ensemble, format: .xgboost)
            case .lightgbm:
                let ensemble = try LightGBMImporter.ensemble(text: bytes, limits: options.treeLimits)
                self = try Model(ensemble: ensemble, format: .lightgbm)
            case .onnx:
                let imported = try ONNXImporter.importGraphWithWarnings(serializedBytes: bytes, options: options.onnx)
                self = try Model(graph: imported.graph, format: .onnx, options: options.compile)
                self.warnings = imported.warnings
            case .package:
                let package = try ModelPackage(bytes: bytes, limits: options.packageLimits)
                self = try Model(package: package, options: options.compile)
            }
        } catch let error as MLOpsError {
            throw error.loading(source, as: resolved.displayName)
        }
    }

    /// A model of a tree ensemble (XGBoost, LightGBM, or one built in code).
    ///
    /// - Parameters:
    ///   - ensemble: The trees; its ``TreeEnsemble/featureNames`` become the signature's, except
    ///     LightGBM's generated `Column_0, Column_1, …`, which mean the features are unnamed.
    ///   - format: The format the ensemble was read from (``ModelFormat/package`` if none).
    ///   - metadata: Metadata to keep with the model (written by ``write(to:)``).
    ///   - lineage: Where the model came from.
    /// - Throws: `MLOpsError` if the ensemble's graph form is invalid (it is not for any
    ///   ensemble ``TreeEnsemble`` accepted).
    public init(
        ensemble: TreeEnsemble, format: ModelFormat = .package, metadata: [String: String] = [:],
        lineage: ModelLineage = ModelLineage()
    ) throws {
        let graph = try Self.treeGraph(ensemble)
        // LightGBM names unnamed features Column_0, Column_1, …: those are positions, not names.
        let generated = ensemble.featureNames.indices.map { "Column_\($0)" }
        let names = ensemble.featureNames == generated ? [] : ensemble.featureNames
        self.format = format
        self.graph = graph
        self.signature = ModelSignature(graph: graph, featureNames: names)
        self.treeEnsemble = ensemble
        self.metadata = metadata
        self.lineage = lineage
        self.engine = .trees(ensemble)
    }

    /// A model of a graph, compiled now.
    ///
    /// - Parameters:
    ///   - graph: The graph.
    ///   - featureNames: Names of the columns of the graph's only input (its last axis), used
    ///     by ``predict(_:)`` to pick table columns by name; empty to take columns in order.
    ///   - format: The format the graph was read from.
    ///   - metadata: Metadata to keep with the model.
    ///   - lineage: Where the model came from.
    ///   - options: How to compile the graph.
    /// - Throws: `MLOpsError` from ``ModelGraph/compile(options:)``; `invalidArgument` for a
    ///   feature name given twice; `unsupported` for an output that does not have one row per
    ///   input row (its first dimension is not the batch dimension, or its other dimensions
    ///   change with the number of rows), found before anything runs.
    public init(
        graph: ModelGraph, featureNames: [String] = [], format: ModelFormat = .package,
        metadata: [String: String] = [:], lineage: ModelLineage = ModelLineage(),
        options: CompileOptions = CompileOptions()
    ) throws {
        try FeatureNames.checkUnique(featureNames, "featureNames")
        let compiled = try graph.compile(options: options)
        try Self.checkOneRowPerInputRow(graph, compiled)
        self.format = format
        self.graph = graph
        self.signature = ModelSignature(graph: graph, featureNames: featureNames)
        self.treeEnsemble = nil
        self.metadata = metadata
        self.lineage = lineage
        self.engine = .graph(compiled)
    }

    /// A model of a package's graph, with its feature names, metadata and lineage.
    ///
    /// - Throws: `MLOpsError` from ``ModelGraph/compile(options:)``.
    public init(package: ModelPackage, options: CompileOptions = CompileOptions()) throws {
        try self.init(
            graph: package.graph, featureNames: package.signature.featureNames, format: .package,
            metadata: package.metadata, lineage: package.lineage, options: options)
    }

    // MARK: - Saving

    /// The model as a package: its ``graph``, feature names, metadata and lineage. A model read
    /// from another format records it in the metadata key `mlops.source_format`.
    public var package: ModelPackage {
        var metadata = self.metadata
        if format != .package, metadata["mlops.source_format"] == nil {
            metadata["mlops.source_format"] = format.rawValue
        }
        return ModelPackage(graph: graph, featureNames: signature.featureNames, metadata: metadata, lineage: lineage)
    }

    /// Writes the model as a model package (see ``ModelPackage/write(to:)``); reading the file
    /// back gives a model that predicts the same columns and values (a tree model's multiclass
    /// probabilities may differ in the last bit, as the package runs through the graph runtime).
    ///
    /// - Throws: `MLOpsError` (`ioError`) if the file cannot be written.
    public func write(to path: String) throws {
        try package.write(to: path)
    }
}

extension Model: CustomStringConvertible {
    /// A one-line summary, e.g. `Model(xgboost, inputs: [features: float64[N, 8]], outputs: […])`.
    public var description: String {
        let inputs = signature.inputs.map(\.description).joined(separator: ", ")
        let outputs = signature.outputs.map(\.description).joined(separator: ", ")
        return "Model(\(format), inputs: [\(inputs)], outputs: [\(outputs)])"
    }
}
