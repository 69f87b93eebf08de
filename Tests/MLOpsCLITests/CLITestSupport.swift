import MLOps

@testable import MLOpsCLI

/// What one `mlops` invocation returned.
typealias CLIResult = (status: Int32, out: [String], err: [String])

/// Runs the CLI in-process with captured output.
func runCLI(_ arguments: [String]) async -> CLIResult {
    let output = CapturedOutput()
    let status = await MLOpsCLI.run(arguments, context: output.context())
    return (status, output.out, output.err)
}

/// Runs the CLI in-process with captured output, `directory` as the current directory, and
/// progress lines (when the command draws them) passed to `progress`.
func runCLI(
    _ arguments: [String], in directory: String, progress: (@Sendable (String) -> Void)? = nil
) async -> CLIResult {
    let output = CapturedOutput()
    let status = await MLOpsCLI.run(
        arguments, context: output.context(currentDirectory: directory, progress: progress))
    return (status, output.out, output.err)
}

/// A new workspace under /tmp and a tracker on it (no environment capture, so tests stay fast).
func trackedWorkspace(_ label: String) throws -> (path: String, tracker: ExperimentTracker) {
    let path = "/tmp/mlops-cli-\(label)-\(SortableID())"
    let workspace = try Workspace.open(at: path)
    let tracker = ExperimentTracker(
        metadata: workspace.metadata, artifacts: workspace.objects, options: .init(captureEnvironment: false))
    return (path, tracker)
}
