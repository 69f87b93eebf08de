import Synchronization
import MLOps

/// Where a command writes and what it may read of its environment; tests
/// substitute buffers for the standard streams.
struct CommandContext: Sendable {
    /// Writes a line to standard output.
    var out: @Sendable (String) -> Void
    /// Writes a line to standard error.
    var err: @Sendable (String) -> Void
    /// The environment variables.
    var environment: [String: String]

    /// The process's real streams and environment.
    static func standard(environment: [String: String]) -> CommandContext {
        CommandContext(
            out: { line in writeLine(line, to: 1) },
            err: { line in writeLine(line, to: 2) },
            environment: environment)
    }

    /// The workspace directory a command should use: `--workspace`, else
    /// `$MLOPS_WORKSPACE`, else `./.mlops`.
    func workspacePath(_ arguments: ParsedArguments) -> String {
        if let path = arguments.value("workspace"), !path.isEmpty { return path }
        if let path = environment["MLOPS_WORKSPACE"], !path.isEmpty { return path }
        return "./.mlops"
    }
}

/// A context that captures output in memory, for tests.
final class CapturedOutput: Sendable {
    private let lines = Mutex<(out: [String], err: [String])>(([], []))

    /// Everything written to standard output, one element per line.
    var out: [String] { lines.withLock { $0.out } }
    /// Everything written to standard error.
    var err: [String] { lines.withLock { $0.err } }

    /// A context writing into this capture.
    func context(environment: [String: String] = [:]) -> CommandContext {
        CommandContext(
            out: { line in self.lines.withLock { $0.out.append(line) } },
            err: { line in self.lines.withLock { $0.err.append(line) } },
            environment: environment)
    }
}

/// Writes `line` and a newline to a file descriptor, retrying short writes.
private func writeLine(_ line: String, to fd: Int32) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = Platform.write(fd, UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            if written <= 0 {
                if written < 0, Platform.errno == Platform.interrupted { continue }
                return
            }
            offset += written
        }
    }
}
