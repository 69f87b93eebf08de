import MLOps

/// `mlops inspect FILE [--format F] [--json]`: a model's format, signature, ops, size and hash.
enum InspectCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["inspect"],
        summary: "show a model's format, signature, ops, file size and SHA-256",
        options: [
            .value("format", "FORMAT", "auto (default: detect from the content), xgboost, lightgbm, onnx or package"),
            .flag("json", "print the report as JSON"),
        ],
        positionals: [PositionalSpec(name: "FILE", help: "the model file")],
        run: { arguments, context in
            guard let path = arguments.positional(0) else {
                throw UsageError(message: "give a model FILE", usage: spec.usage)
            }
            let model = try Model(contentsOf: path, format: try PredictCommand.format(arguments.value("format")))
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
                        + "\"ops\":{\(opsJSON)}}")
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
            }
        })

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
