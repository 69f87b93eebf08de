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
    /// The directory relative paths on the command line are taken from (the process's current
    /// directory), or `nil` if it cannot be determined.
    var currentDirectory: String?
    /// Rewrites the one-line progress display of a long operation in place (an empty text clears
    /// it); `nil` when standard error is not a terminal, so that logs and pipes get no progress.
    var progress: (@Sendable (String) -> Void)?

    /// The process's real streams, environment and current directory; a progress line only when
    /// standard error is a terminal.
    static func standard(environment: [String: String]) -> CommandContext {
        var progress: (@Sendable (String) -> Void)?
        if Platform.isTerminal(2) {
            progress = { text in writeBytes(Array(("\r" + text + "\u{1B}[K").utf8), to: 2) }
        }
        return CommandContext(
            out: { line in writeLine(line, to: 1) },
            err: { line in writeLine(line, to: 2) },
            environment: environment,
            currentDirectory: Platform.currentDirectory,
            progress: progress)
    }

    /// ``currentDirectory``, or an error when it is unknown.
    func workingDirectory() throws -> String {
        guard let directory = currentDirectory, directory.hasPrefix("/") else {
            throw MLOpsError(.ioError, "the current directory cannot be determined (was it removed?)")
        }
        return directory
    }

    /// `path` as an absolute path: unchanged if absolute, else relative to ``currentDirectory``.
    func absolutePath(_ path: String) throws -> String {
        if path.hasPrefix("/") { return path }
        let base = try workingDirectory()
        return base == "/" ? "/" + path : base + "/" + path
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

    /// A context writing into this capture, with `currentDirectory` as the current directory (the
    /// process's by default) and progress lines passed to `progress` (none by default).
    func context(
        environment: [String: String] = [:], currentDirectory: String? = Platform.currentDirectory,
        progress: (@Sendable (String) -> Void)? = nil
    ) -> CommandContext {
        CommandContext(
            out: { line in self.lines.withLock { $0.out.append(line) } },
            err: { line in self.lines.withLock { $0.err.append(line) } },
            environment: environment, currentDirectory: currentDirectory, progress: progress)
    }
}

/// Writes `line` and a newline to a file descriptor, retrying short writes.
private func writeLine(_ line: String, to fd: Int32) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    writeBytes(bytes, to: fd)
}

/// Writes `bytes` to a file descriptor, retrying short and interrupted writes.
private func writeBytes(_ bytes: [UInt8], to fd: Int32) {
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
