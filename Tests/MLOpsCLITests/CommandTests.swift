import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

@Suite struct CommandTests {
    func temporaryDirectory() -> String {
        "/tmp/mlops-cli-test-\(SortableID())"
    }

    @Test func everyCommandHasHelp() async {
        for command in MLOpsCLI.commands {
            let output = CapturedOutput()
            let status = await MLOpsCLI.run(command.path + ["--help"], context: output.context())
            #expect(status == 0)
            #expect(output.out.joined().contains("USAGE: mlops \(command.path.joined(separator: " "))"))
        }
    }

    @Test func usageErrorsGoToStandardErrorWithStatus2() async {
        let output = CapturedOutput()
        let status = await MLOpsCLI.run(["frobnicate"], context: output.context())
        #expect(status == 2)
        #expect(output.out.isEmpty)
        #expect(output.err.first?.hasPrefix("error: unknown command 'frobnicate'") == true)
    }

    @Test func workspaceComesFromOptionThenEnvironmentThenDefault() {
        let context = CapturedOutput().context(environment: ["MLOPS_WORKSPACE": "/env/ws"])
        #expect(context.workspacePath(ParsedArguments(options: ["workspace": "/opt/ws"])) == "/opt/ws")
        #expect(context.workspacePath(ParsedArguments()) == "/env/ws")
        #expect(CapturedOutput().context().workspacePath(ParsedArguments()) == "./.mlops")
    }

    @Test func demoRunsEndToEndAndTheStoreChecksOut() async throws {
        let directory = temporaryDirectory()
        let output = CapturedOutput()
        let status = await MLOpsCLI.run(["demo", "--workspace", directory], context: output.context())
        #expect(status == 0, "stderr: \(output.err)")
        #expect(output.out.contains { $0.contains("workspace") })

        let check = CapturedOutput()
        let checkStatus = await MLOpsCLI.run(
            ["store", "check", "--workspace", directory, "--json"], context: check.context())
        #expect(checkStatus == 0, "stderr: \(check.err)")
        #expect(check.out.first?.contains("\"healthy\":true") == true)
        #expect(check.out.first?.contains("\"objects\":0") == false)
    }

    @Test func storeCheckReportsATamperedObject() async throws {
        let directory = temporaryDirectory()
        let workspace = try Workspace.open(at: directory)
        let bytes = Array("hello, workspace".utf8)
        let digest = SHA256.hash(bytes)
        try await workspace.objects.put(
            BlobKey("sha256/\(digest.hexString.prefix(2))/\(digest.hexString)"), data: bytes)
        let path = "\(directory)/objects/sha256/\(digest.hexString.prefix(2))/\(digest.hexString)"
        try Data("hello, tampered!".utf8).write(to: URL(fileURLWithPath: path))

        let output = CapturedOutput()
        let status = await MLOpsCLI.run(["store", "check", "--workspace", directory], context: output.context())
        #expect(status == 1)
        #expect(output.out.contains { $0.contains("DataVersioning") && $0.contains("not to the object's key") })
        #expect(output.err.first?.contains("1 problem") == true)
    }
}
