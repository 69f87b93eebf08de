import Dispatch
import Foundation
import Monitoring
import Testing

/// Renders a report in headless Chromium (Debian's `chromium` package, which `.ci/run`
/// installs): the page must load without a single console message (a static page has no
/// reason to log; a blocked resource or script would), and the DOM Chromium built must hold the
/// drift table with its rows. Without `chromium` the test is skipped — unless `CI=true`, where
/// it fails. Set `MLOPS_REPORT_SCREENSHOT=/path.png` to keep the screenshot.
@Suite struct ReportChromiumTests {
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test(.enabled(if: chromium != nil || isCI, "chromium is not installed (apt-get install chromium); skipped"))
    func reportLoadsInHeadlessChromium() async throws {
        let chromium = try #require(Self.chromium, "CI=true but chromium is not installed: .ci/run must install it")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var report = ReportSamples.full()
        report.drift.append(
            .init(
                column: ReportSamples.hostile, kind: "categorical", method: "psi", statistic: 0.02, threshold: 0.1,
                isDrifted: false))
        let page = directory.appendingPathComponent("report.html")
        try ReportRenderer().html(report).write(to: page, atomically: true, encoding: .utf8)
        let screenshot = directory.appendingPathComponent("report.png")

        let common = [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
            "--enable-logging=stderr", "--v=0", "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
        ]
        let dump = try await run(chromium, common + ["--dump-dom", page.absoluteString], in: directory, name: "dump")
        #expect(dump.status == 0, "chromium --dump-dom exited with \(dump.status): \(dump.stderr.suffix(2_000))")
        let consoleLines = dump.stderr.split(separator: "\n").filter {
            $0.contains(":CONSOLE") || $0.contains("net::ERR_") || $0.contains("Content Security Policy")
        }
        #expect(consoleLines.isEmpty, "the page logged: \(consoleLines.joined(separator: "\n"))")

        let dom = dump.stdout
        #expect(dom.contains("<table id=\"drift-table\""))
        let rows = dom.components(separatedBy: "<tr class=\"drift-row\">").count - 1
        #expect(rows == report.drift.count)
        for row in report.drift.dropLast() { #expect(dom.contains("<td>\(row.column)</td>"), "row \(row.column)") }
        // The hostile column name is text in the DOM, not a script element.
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!dom.contains("<script"))
        #expect(dom.components(separatedBy: "<svg").count - 1 == 4)

        let shot = try await run(
            chromium, common + ["--screenshot=\(screenshot.path)", "--window-size=1280,2700", page.absoluteString],
            in: directory, name: "shot")
        #expect(shot.status == 0, "chromium --screenshot exited with \(shot.status)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.count > 10_000)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        if let keep = ProcessInfo.processInfo.environment["MLOPS_REPORT_SCREENSHOT"], !keep.isEmpty {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep))
        }
    }

    /// Runs `executable` with output in files (no pipe can fill up), killing it after two minutes.
    ///
    /// Waits through the process's termination handler, never `waitUntilExit()`: blocking one of
    /// the few cooperative threads on a browser stalled the whole parallel test run for minutes.
    private func run(_ executable: String, _ arguments: [String], in directory: URL, name: String) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let out = directory.appendingPathComponent("\(name).out")
        let err = directory.appendingPathComponent("\(name).err")
        guard FileManager.default.createFile(atPath: out.path, contents: nil),
            FileManager.default.createFile(atPath: err.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if process.isRunning { process.terminate() } }
        }
        return (
            status, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8)
        )
    }
}
