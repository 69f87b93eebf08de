import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// Commands that only read never create a workspace: a mistyped `--workspace`
/// fails with "no workspace at DIR" and leaves the file system as it was.
@Suite struct ReadOnlyCommandTests {
    static let readCommands: [[String]] = [
        ["store", "check"], ["store", "check", "--json"], ["experiments", "list"], ["runs", "list"],
        ["runs", "search", ""], ["runs", "show", "01ABC"], ["runs", "compare", "01ABC", "01DEF"],
        ["export", "csv", "OUT"], ["export", "mlflow", "OUT"], ["data", "status"], ["data", "log"],
        ["data", "diff", "main~1", "main"], ["data", "branch", "--list"], ["data", "checkout", "main", "OUT"],
    ]

    @Test(arguments: readCommands)
    func failsOnAMissingWorkspaceAndCreatesNothing(_ command: [String]) async throws {
        let parent = "/tmp/mlops-cli-readonly-\(SortableID())"
        let directory = parent + "/typo"
        let arguments = command.map { $0 == "OUT" ? parent + "/export" : $0 } + ["--workspace", directory]
        let result = await runCLI(arguments)
        #expect(result.status == 1)
        #expect(result.err == ["error: no workspace at \(directory): expected metadata.sqlite and objects/ there"])
        #expect(!FileManager.default.fileExists(atPath: parent))
    }

    @Test(arguments: readCommands)
    func failsOnADirectoryThatIsNotAWorkspaceAndLeavesItEmpty(_ command: [String]) async throws {
        let directory = "/tmp/mlops-cli-readonly-\(SortableID())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let arguments = command.map { $0 == "OUT" ? directory + "/export" : $0 } + ["--workspace", directory]
        let result = await runCLI(arguments)
        #expect(result.status == 1)
        #expect(result.err.first?.hasPrefix("error: no workspace at \(directory)") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    /// The environment variable is honoured the same way.
    @Test func aMissingWorkspaceFromTheEnvironmentIsNotCreated() async {
        let directory = "/tmp/mlops-cli-readonly-\(SortableID())"
        let output = CapturedOutput()
        let status = await MLOpsCLI.run(
            ["runs", "list"], context: output.context(environment: ["MLOPS_WORKSPACE": directory]))
        #expect(status == 1)
        #expect(output.err.first?.hasPrefix("error: no workspace at \(directory)") == true)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// The demo writes, so it may create its workspace.
    @Test func theDemoCreatesItsWorkspace() async {
        let directory = "/tmp/mlops-cli-readonly-\(SortableID())/new"
        let result = await runCLI(["demo", "--workspace", directory])
        #expect(result.status == 0, "\(result.err)")
        #expect(FileManager.default.fileExists(atPath: directory + "/metadata.sqlite"))
        let list = await runCLI(["experiments", "list", "--workspace", directory])
        #expect(list.status == 0, "\(list.err)")
    }
}
