import MLOps

/// `mlops inspect FILE [--format F] [--json]`: a model's format, signature, ops, size and hash.
///
/// An ONNX model the runtime cannot run is still described (declared signature, operators, sizes)
/// with every operator it lacks and the import's error; the command succeeds.
enum InspectCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["inspect"],
        summary: "show a model's format, signature, ops, file size and SHA-256",
        discussion: """
            For ONNX it also shows the producer, the opsets, the initialisers and any warning (an output \
            declared with another shape than the graph computes runs with the computed shape, as in \
            onnxruntime). An ONNX model the runtime cannot run is described all the same, with every \
            unsupported operator and the error importing it gave ("runs: no").
            """,
        options: [
            .value("format", "FORMAT", "auto (default: detect from the content), xgboost, lightgbm, onnx or package"),
            .flag("json", "print the report as JSON"),
        ],
        positionals: [PositionalSpec(name: "FILE", help: "the model file")],
        run: { arguments, context in
            guard let path = arguments.positional(0) else {
                throw UsageError(message: "give a model FILE", usage: spec.usage)
            }
            let format = try PredictCommand.format(arguments.value("format"))
            let model: Model
            do {
                model = try Model(contentsOf: path, format: format)
            } catch let error as MLOpsError {
                // A readable ONNX file the runtime cannot run: describe it anyway.
                guard format == nil || format == .onnx,
                    let description = try? ONNXImporter.describe(contentsOfFile: path)
                else { throw error }
                let digest = try SHA256.hash(fileAt: path)
                let size = Platform.status(path: path)?.size ?? 0
                report(description, path: path, size: size, digest: digest.hexString, arguments, context)
                return
            }
            let description = model.format == .onnx ? try? ONNXImporter.describe(contentsOfFile: path) : nil
            let digest = try SHA256.hash(fileAt: path)
            let size = Platform.status(path: path)?.size ?? 0
            let signature = model.signature
            let ops: [(String, String)]
            if let ensemble = model.treeEnsemble {
                ops = [
                    ("trees", "\(ensemble.treeCount)"), ("nodes", "\(ensemble.nodeCount)"),
                    ("max depth", "\(ensemble.maxDepth)"), ("objective", ensemble.objective),
                ]
            } else {
                var counts: [String: Int] = [:]
                for node in model.graph.nodes { counts[opName(node.op), default: 0] += 1 }
                ops = counts.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
            }
            if arguments.flag("json") {
                func values(_ infos: [ValueInfo]) -> String {
                    infos.map {
                        "{\"name\":\"\(jsonEscape($0.name))\",\"dtype\":\"\($0.elementType.rawValue)\","
                            + "\"shape\":\"\(jsonEscape(shapeText($0.shape)))\"}"
                    }.joined(separator: ",")
                }
                let features = signature.featureNames.map { "\"\(jsonEscape($0))\"" }.joined(separator: ",")
                let opsJSON = ops.map { "\"\(jsonEscape($0.0))\":\"\(jsonEscape($0.1))\"" }.joined(separator: ",")
                context.out(
                    "{\"file\":\"\(jsonEscape(path))\",\"format\":\"\(model.format)\",\"size\":\(size),"
                        + "\"sha256\":\"\(digest.hexString)\",\"inputs\":[\(values(signature.inputs))],"
                        + "\"outputs\":[\(values(signature.outputs))],\"featureNames\":[\(features)],"
                        + "\"ops\":{\(opsJSON)},\"runnable\":true,\"warnings\":[\(strings(model.warnings))]"
                        + (description.map { ",\"onnx\":\(onnxJSON($0))" } ?? "") + "}")
            } else {
                context.out("file             \(path)")
                context.out("format           \(model.format)")
                context.out("size             \(size) bytes")
                context.out("sha256           \(digest.hexString)")
                for info in signature.inputs {
                    context.out("input            \(info.name): \(info.elementType.rawValue) \(shapeText(info.shape))")
                }
                for info in signature.outputs {
                    context.out("output           \(info.name): \(info.elementType.rawValue) \(shapeText(info.shape))")
                }
                if !signature.featureNames.isEmpty {
                    context.out("features         \(signature.featureNames.joined(separator: ", "))")
                }
                for (name, value) in ops { context.out(pad(name, 17) + value) }
                if let description { onnxLines(description, context) }
                for warning in model.warnings { context.out("warning          \(warning)") }
            }
        })

    /// Prints the description of an ONNX model the runtime cannot run.
    static func report(
        _ description: ONNXModelDescription, path: String, size: Int, digest: String,
        _ arguments: ParsedArguments, _ context: CommandContext
    ) {
        let error = description.importError.map { "\($0)" } ?? ""
        if arguments.flag("json") {
            func values(_ values: [ONNXModelDescription.Value]) -> String {
                values.map { "{\"name\":\"\(jsonEscape($0.name))\",\"type\":\"\(jsonEscape($0.type))\"}" }
                    .joined(separator: ",")
            }
            context.out(
                "{\"file\":\"\(jsonEscape(path))\",\"format\":\"onnx\",\"size\":\(size),\"sha256\":\"\(digest)\","
                    + "\"inputs\":[\(values(description.inputs))],\"outputs\":[\(values(description.outputs))],"
                    + "\"runnable\":false,\"error\":\"\(jsonEscape(error))\",\"warnings\":[\(strings(description.warnings))],"
                    + "\"onnx\":\(onnxJSON(description))}")
            return
        }
        context.out("file             \(path)")
        context.out("format           onnx")
        context.out("size             \(size) bytes")
        context.out("sha256           \(digest)")
        for value in description.inputs { context.out("input            \(value.name): \(value.type)") }
        for value in description.outputs { context.out("output           \(value.name): \(value.type)") }
        for op in description.operators {
            let name = op.domain == "ai.onnx" ? op.opType : "\(op.domain)::\(op.opType)"
            context.out(pad(name, 17) + "\(op.count)" + (op.isSupported ? "" : "  (unsupported)"))
        }
        onnxLines(description, context)
        context.out("runs             no")
        if !description.unsupportedOperators.isEmpty {
            context.out("unsupported      \(description.unsupportedOperators.joined(separator: ", "))")
        }
        context.out("error            \(error)")
        for warning in description.warnings { context.out("warning          \(warning)") }
    }

    /// The ONNX-specific lines: producer, opsets, nodes and initialisers.
    static func onnxLines(_ description: ONNXModelDescription, _ context: CommandContext) {
        if !description.producer.isEmpty { context.out("producer         \(description.producer)") }
        context.out("ir version       \(description.irVersion)")
        var seen: Set<String> = []
        let opsets = description.opsets.filter { seen.insert($0).inserted }
        context.out("opsets           \(opsets.joined(separator: ", "))")
        context.out("nodes            \(description.nodeCount)")
        context.out(
            "initializers     \(description.initializerCount) (\(description.initializerBytes) bytes)")
    }

    /// The ONNX-specific JSON object.
    static func onnxJSON(_ description: ONNXModelDescription) -> String {
        let operators = description.operators.map {
            "{\"domain\":\"\(jsonEscape($0.domain))\",\"op\":\"\(jsonEscape($0.opType))\",\"count\":\($0.count),"
                + "\"supported\":\($0.isSupported)}"
        }.joined(separator: ",")
        return "{\"producer\":\"\(jsonEscape(description.producer))\",\"irVersion\":\(description.irVersion),"
            + "\"opsets\":[\(strings(description.opsets))],\"nodes\":\(description.nodeCount),"
            + "\"initializers\":\(description.initializerCount),\"initializerBytes\":\(description.initializerBytes),"
            + "\"operators\":[\(operators)],\"unsupportedOperators\":[\(strings(description.unsupportedOperators))]}"
    }

    /// A JSON array body of strings.
    static func strings(_ values: [String]) -> String {
        values.map { "\"\(jsonEscape($0))\"" }.joined(separator: ",")
    }

    /// The op's case name, e.g. `gemm` for `.gemm(…)`.
    static func opName(_ op: GraphOp) -> String {
        let text = String(describing: op)
        return String(text.prefix { $0 != "(" })
    }

    /// A shape as text, e.g. `[N, 6]`; `?` when unknown.
    static func shapeText(_ shape: [InferenceCore.Dimension]?) -> String {
        guard let shape else { return "?" }
        let dims = shape.map { dimension -> String in
            switch dimension {
            case .fixed(let n): return "\(n)"
            case .batch: return "N"
            case .unknown: return "?"
            }
        }
        return "[" + dims.joined(separator: ", ") + "]"
    }
}
