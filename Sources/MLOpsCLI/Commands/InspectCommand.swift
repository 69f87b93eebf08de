import Foundation
import MLOps

/// `mlops inspect FILE [--format F] [--json]`: a model's format, signature, ops, size and hash.
enum InspectCommand {
    static let spec: CommandSpec = CommandSpec(
        path: ["inspect"],
        summary: "show a model's format, signature, ops, file size and SHA-256",
        options: [
            .value("format", "FORMAT", "auto (default), xgboost, lightgbm, onnx or package"),
            .flag("json", "print the report as JSON"),
        ],
        positionals: [PositionalSpec(name: "FILE", help: "the model file")],
        run: { arguments, context in
            guard let path = arguments.positional(0) else {
                throw UsageError(message: "give a model FILE", usage: spec.usage)
            }
            let model = try PredictCommand.Model.load(path: path, format: arguments.value("format") ?? "auto")
            let digest = try SHA256.hash(fileAt: path)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            var inputs: [ValueInfo] = []
            var outputs: [ValueInfo] = []
            var featureNames: [String] = []
            var ops: [(String, String)] = []
            switch model {
            case .trees(let ensemble, _):
                featureNames = ensemble.featureNames
                inputs = [
                    ValueInfo(name: "features", elementType: .float64, shape: [.batch, .fixed(ensemble.featureCount)])
                ]
                outputs = [
                    ValueInfo(
                        name: ensemble.task.rawValue, elementType: .float64,
                        shape: [.batch, .fixed(ensemble.outputCount)])
                ]
                ops = [
                    ("trees", "\(ensemble.treeCount)"), ("nodes", "\(ensemble.nodeCount)"),
                    ("max depth", "\(ensemble.maxDepth)"), ("objective", ensemble.objective),
                ]
            case .graph(let graph, let names, _):
                featureNames = names
                inputs = graph.inputs
                outputs = graph.outputs
                var counts: [String: Int] = [:]
                for node in graph.nodes { counts[opName(node.op), default: 0] += 1 }
                ops = counts.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
            }
            if arguments.flag("json") {
                func values(_ infos: [ValueInfo]) -> String {
                    infos.map {
                        "{\"name\":\"\(jsonEscape($0.name))\",\"dtype\":\"\($0.elementType.rawValue)\","
                            + "\"shape\":\"\(jsonEscape(shapeText($0.shape)))\"}"
                    }.joined(separator: ",")
                }
                let features = featureNames.map { "\"\(jsonEscape($0))\"" }.joined(separator: ",")
                let opsJSON = ops.map { "\"\(jsonEscape($0.0))\":\"\(jsonEscape($0.1))\"" }.joined(separator: ",")
                context.out(
                    "{\"file\":\"\(jsonEscape(path))\",\"format\":\"\(model.format)\",\"size\":\(size),"
                        + "\"sha256\":\"\(digest.hexString)\",\"inputs\":[\(values(inputs))],"
                        + "\"outputs\":[\(values(outputs))],\"featureNames\":[\(features)],\"ops\":{\(opsJSON)}}")
            } else {
                context.out("file             \(path)")
                context.out("format           \(model.format)")
                context.out("size             \(size) bytes")
                context.out("sha256           \(digest.hexString)")
                for info in inputs {
                    context.out("input            \(info.name): \(info.elementType.rawValue) \(shapeText(info.shape))")
                }
                for info in outputs {
                    context.out("output           \(info.name): \(info.elementType.rawValue) \(shapeText(info.shape))")
                }
                if !featureNames.isEmpty { context.out("features         \(featureNames.joined(separator: ", "))") }
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
