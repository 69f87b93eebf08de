import Foundation
import MLOps

/// `mlops store check`: verifies a workspace's integrity.
enum StoreCheckCommand {
    static let spec = CommandSpec(
        path: ["store", "check"],
        summary: "verify a workspace: database integrity, every record, every object's content hash",
        discussion: "Exits with status 1 if anything is wrong. Nothing is repaired.",
        options: [.workspace, .flag("json", "print the report as JSON")],
        run: { arguments, context in
            let path = context.workspacePath(arguments)
            let (workspace, objectsMissing) = try openForCheck(path)
            var report = try await workspace.check()
            if objectsMissing {
                report.problems.insert(
                    "objects: the \(Workspace.objectsDirectoryName)/ folder is missing: every object the records "
                        + "reference is lost", at: 0)
            }
            if arguments.flag("json") {
                let problems = report.problems.map { "\"\(jsonEscape($0))\"" }.joined(separator: ",")
                context.out(
                    "{\"workspace\":\"\(jsonEscape(path))\",\"metadataKeys\":\(report.metadataKeys),"
                        + "\"objects\":\(report.objects),\"verifiedObjects\":\(report.verifiedObjects),"
                        + "\"healthy\":\(report.isHealthy),\"problems\":[\(problems)]}")
            } else {
                context.out("workspace        \(path)")
                context.out("metadata keys    \(report.metadataKeys)")
                context.out("objects          \(report.objects) (\(report.verifiedObjects) content hashes verified)")
                context.out(
                    report.isHealthy ? "status           ok" : "status           \(report.problems.count) problem(s)")
                for problem in report.problems {
                    context.out("  - \(TextTable.escapingControlCharacters(problem))")
                }
            }
            if !report.isHealthy {
                throw MLOpsError(.corruptData, "the workspace has \(report.problems.count) problem(s)", value: path)
            }
        })
}

/// Opens `path` read-only for a check. A workspace whose `objects/` folder is gone is still
/// checked — against an empty object store, so that every reference to a lost object is
/// listed — instead of being refused; nothing is created.
func openForCheck(_ path: String) throws -> (Workspace, objectsMissing: Bool) {
    do {
        return (try Workspace.open(at: path, mode: .readOnly), false)
    } catch let error as MLOpsError where error.code == .notFound {
        var isDirectory: ObjCBool = false
        let metadataPath = path + "/" + Workspace.metadataFileName
        guard FileManager.default.fileExists(atPath: metadataPath, isDirectory: &isDirectory), !isDirectory.boolValue,
            !FileManager.default.fileExists(atPath: path + "/" + Workspace.objectsDirectoryName)
        else { throw error }
        let metadata = try SQLiteKeyValueStore(path: metadataPath, options: .init(readOnly: true))
        return (Workspace(metadata: metadata, objects: InMemoryBlobStore(), location: path, readOnly: true), true)
    }
}

/// Escapes a string for a JSON string literal.
func jsonEscape(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result
}
