import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// `mlops models …`: register files, move aliases, promote through gates, roll back, read the
/// audit log — in a workspace on disk, as a user would.
@Suite struct ModelsCommandsTests {
    func resource(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let nested = base.appendingPathComponent("Resources/\(name)").path
        return FileManager.default.fileExists(atPath: nested) ? nested : base.appendingPathComponent(name).path
    }

    /// Runs a command that must succeed and returns its standard output.
    func run(_ arguments: [String], _ workspace: String) async throws -> [String] {
        let result = await runCLI(arguments + ["--workspace", workspace])
        #expect(result.status == 0, "\(arguments): \(result.err)")
        return result.out
    }

    func object(_ line: String?) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data((line ?? "").utf8)) as? [String: Any])
    }

    @Test func registerAliasPromoteRollbackAndAudit() async throws {
        let workspace = "/tmp/mlops-cli-models-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let xgb = try resource("xgb_binary.json")
        let onnx = try resource("onnx_linreg.onnx")

        let registered = try await run(
            ["models", "register", xgb, "--name", "churn", "--run-id", "r1", "--metric", "auc=0.80", "--json"],
            workspace)
        let first = try object(registered.first)
        #expect(first["version"] as? Int == 1 && first["format"] as? String == "xgboost")
        #expect((first["lineage"] as? [String: Any])?["runID"] as? String == "r1")
        let text = try await run(
            ["models", "register", xgb, "--name", "churn", "--metric", "auc=0.85", "--reason", "retrained"], workspace)
        #expect(text.count == 1 && text[0].hasPrefix("registered churn version 2 (xgboost, package sha256:"))
        #expect(
            try await run(["models", "alias", "set", "churn", "champion", "1"], workspace) == [
                "churn: alias champion set to version 1"
            ])
        _ = try await run(["models", "alias", "set", "churn", "challenger", "2", "--expect", "none"], workspace)

        // A gate the challenger cannot pass blocks it, and says why.
        let blocked = await runCLI([
            "models", "promote", "churn", "--metric", "auc", "--margin", "0.1", "--workspace", workspace,
        ])
        #expect(blocked.status == 1)
        #expect(blocked.err.count == 1 && blocked.err[0].contains("blocked by 1 gate: metric auc:"), "\(blocked.err)")
        #expect(blocked.out.first == "churn: promotion challenger → champion (version 2): blocked by metric auc")
        #expect(blocked.out.contains { $0.hasPrefix("  FAIL  metric auc: challenger 0.85 vs champion 0.8") })

        let promoted = try await run(
            ["models", "promote", "churn", "--from", "challenger", "--to", "champion", "--metric", "auc", "--json"],
            workspace)
        let event = try object(promoted.first)
        #expect(event["kind"] as? String == "promotion" && event["passed"] as? Bool == true)
        #expect(event["version"] as? Int == 2 && event["previousVersion"] as? Int == 1)

        // An ONNX regressor does not take what the XGBoost classifier takes.
        _ = try await run(["models", "register", onnx, "--name", "churn"], workspace)
        _ = try await run(["models", "alias", "set", "churn", "challenger", "3"], workspace)
        let incompatible = await runCLI(["models", "promote", "churn", "--workspace", workspace])
        #expect(incompatible.status == 1)
        #expect(incompatible.err.first?.contains("signature") == true, "\(incompatible.err)")

        let conflict = await runCLI([
            "models", "alias", "set", "churn", "champion", "3", "--expect", "1", "--workspace", workspace,
        ])
        #expect(conflict.status == 1)
        #expect(conflict.err.first?.contains("points at version 2, not at version 1") == true, "\(conflict.err)")

        #expect(
            try await run(["models", "rollback", "churn", "champion", "--reason", "p99"], workspace) == [
                "churn: alias champion rolled back: version 2 → version 1"
            ])

        let audit = try await run(["models", "audit", "churn"], workspace)
        let events = audit.filter { !$0.hasPrefix("    ") }
        #expect(events.count == 11, "\(audit)")
        #expect(events[0].contains("#1  unknown  model created"))
        #expect(events[2].hasSuffix("— retrained"))
        #expect(events[10].contains("#11") && events[10].hasSuffix("— p99"))
        let json = try await run(["models", "audit", "churn", "--json"], workspace)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [[String: Any]])
        #expect(array.map { $0["sequence"] as? Int } == (1...11).map { Optional($0) })
        #expect(array.allSatisfy { $0.keys.contains("previousVersion") })

        let list = try await run(["models", "list"], workspace)
        #expect(
            list.count == 3 && list[2].hasPrefix("churn  3  ") && list[2].contains("challenger=3,champion=1"), "\(list)"
        )
        let show = try await run(["models", "show", "churn"], workspace)
        #expect(show.contains("aliases: challenger → 3, champion → 1"), "\(show)")
        #expect(show.contains { $0.hasPrefix("3 ") && $0.contains("challenger") && $0.contains("onnx") }, "\(show)")
        let shown = try object(try await run(["models", "show", "churn", "--json"], workspace).first)
        #expect((shown["versions"] as? [Any])?.count == 3)
        let check = await runCLI(["store", "check", "--workspace", workspace])
        #expect(check.status == 0, "\(check.out) \(check.err)")
    }

    @Test func badInputIsReportedNotCrashed() async throws {
        let workspace = "/tmp/mlops-cli-models-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let xgb = try resource("xgb_binary.json")
        _ = try await run(["models", "register", xgb, "--name", "churn"], workspace)
        for (arguments, message) in [
            (["models", "alias", "set", "churn", "latest", "1"], "reserved"),
            (["models", "alias", "set", "churn", "v2", "1"], "reserved"),
            (["models", "alias", "set", "churn", "a.b", "1"], "letters, digits"),
            (["models", "alias", "set", "churn", "champion", "x"], "VERSION must be a version number"),
            (["models", "alias", "set", "churn", "champion", "9"], "no version 9"),
            (["models", "alias", "set", "nope", "champion", "1"], "no registered model"),
            (["models", "register", xgb, "--name", "a/b"], "must not contain '/'"),
            (["models", "register", xgb, "--name", "m", "--metric", "auc"], "NAME=NUMBER"),
            (["models", "register", "/no/such/file", "--name", "m"], "no such file"),
            (["models", "rollback", "churn", "champion"], "no alias 'champion'"),
            (["models", "promote", "churn"], "no alias 'challenger'"),
            (["models", "show", "nope"], "no registered model"),
        ] {
            let result = await runCLI(arguments + ["--workspace", workspace])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.err.first?.contains(message) == true, "\(arguments): \(result.err)")
        }
        let usage = await runCLI(["models", "promote", "churn", "--margin", "1", "--workspace", workspace])
        #expect(usage.status == 2)
        let missing = await runCLI(["models", "register", xgb, "--workspace", workspace])
        #expect(missing.status == 2 && missing.err.first == "error: missing required option --name NAME")
        #expect(try await run(["models", "audit", "churn"], workspace).count == 2)
    }

    @Test func readingCommandsCreateNoWorkspace() async throws {
        let directory = "/tmp/mlops-cli-models-\(SortableID())/typo"
        for command in [["models", "list"], ["models", "show", "m"], ["models", "audit", "m"]] {
            let result = await runCLI(command + ["--workspace", directory])
            #expect(result.status == 1)
            #expect(result.err.first?.hasPrefix("error: no workspace at \(directory)") == true)
        }
        for command in [["models", "alias", "set", "m", "champion", "1"], ["models", "rollback", "m", "champion"]] {
            let result = await runCLI(command + ["--workspace", directory])
            #expect(result.status == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        let empty = "/tmp/mlops-cli-models-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: empty) }
        _ = try Workspace.open(at: empty)
        #expect(try await run(["models", "list"], empty) == ["no registered models"])
        #expect(try await run(["models", "list", "--json"], empty) == ["[]"])
    }
}
