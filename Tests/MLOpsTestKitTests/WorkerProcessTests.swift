import MLOpsCore
import MLOpsTestKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `WorkerProcess` driven with `/bin/sh`, so these need no worker executable.
struct WorkerProcessTests {
    /// An output file path (and its `.err` twin), unlinked when the test ends.
    final class OutputFile {
        let path = "/tmp/mlops-testkit-\(UInt64.random(in: 0...UInt64.max)).out"
        deinit {
            unlink(path)
            unlink(path + ".err")
        }
    }

    private let output = OutputFile()

    private func outputFile(_ name: String) -> String { output.path }

    @Test func capturesCompleteLinesAndExitStatus() async throws {
        let process = try WorkerProcess.start(
            executable: "/bin/sh", arguments: ["-c", "echo 1; echo two; echo oops >&2; printf partial; exit 3"],
            outputFile: outputFile("lines"))
        #expect(await process.waitForExit() == .exited(3))
        #expect(process.termination == .exited(3))
        #expect(process.outputLines() == ["1", "two"])
        #expect(process.errorOutput() == "oops\n")
    }

    @Test func killEndsTheProcessWithSIGKILL() async throws {
        let process = try WorkerProcess.start(
            // The child outlives any plausible delay before this task runs again (under CI load the
            // cooperative pool can be busy with other suites for tens of seconds), so it is still running
            // when killed.
            executable: "/bin/sh", arguments: ["-c", "echo ready; exec sleep 900"], outputFile: outputFile("kill"))
        #expect(process.processIdentifier > 0)
        let clock = ContinuousClock()
        let start = clock.now
        while process.outputLines().isEmpty, clock.now - start < .seconds(60) {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(process.termination == nil)
        process.kill()
        #expect(await process.waitForExit() == .signalled(SIGKILL))
        #expect(process.outputLines() == ["ready"])
    }

    @Test func manyWaitersAllSeeTheEnd() async throws {
        let process = try WorkerProcess.start(
            executable: "/bin/sh", arguments: ["-c", "exit 0"], outputFile: outputFile("waiters"))
        let results = await withTaskGroup(of: WorkerProcess.Termination.self) { group in
            for _ in 0..<5 { group.addTask { await process.waitForExit() } }
            var all: [WorkerProcess.Termination] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: .exited(0), count: 5))
        #expect(await process.waitForExit() == .exited(0))
    }

    @Test func unstartableExecutableIsAnIOError() throws {
        let error = try #require(throws: MLOpsError.self) {
            try WorkerProcess.start(
                executable: "/nonexistent/worker", arguments: [], outputFile: outputFile("missing"))
        }
        #expect(error.code == .ioError)
    }
}
