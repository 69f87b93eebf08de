import Foundation
import MLOpsTestKit
import Testing

@testable import MLOpsCore

@Suite struct KernelISATests {
    /// CMLOpsKernels' feature bits.
    static let avx2: UInt32 = 1 << 1
    static let avx512: UInt32 = 1 << 2
    static let sha: UInt32 = 1 << 3

    @Test func theDispatcherFallsBackToBaselineWhenForced() {
        let all = Self.avx2 | Self.avx512 | Self.sha
        let forced = KernelISA(features: all, requested: "baseline")
        #expect(forced.level == .baseline)
        #expect(!forced.usesSHAInstructions)
        #expect(forced.supportedLevel == .avx512)
        #expect(forced.description == "baseline (capped by MLOPS_ISA from avx512+sha)")
        #expect(KernelISA(features: all, requested: "AVX2").level == .avx2)
        #expect(KernelISA(features: all, requested: nil).description == "avx512+sha")
        #expect(KernelISA(features: all, requested: "nonsense").level == .avx512)
    }

    @Test func aLevelTheCPULacksIsNeverUsed() {
        #expect(KernelISA(features: Self.avx2, requested: "avx512").level == .avx2)
        #expect(KernelISA(features: 0, requested: "avx512").level == .baseline)
        #expect(!KernelISA(features: 0, requested: nil).usesSHAInstructions)
    }

    /// `MLOPS_ISA=baseline` in a real process: `mlops version` reports the capped level.
    @Test func theEnvironmentVariableCapsTheLevelOfAProcess() throws {
        let binary = try WorkerProcess.locateExecutable(named: "mlops", environmentVariable: "MLOPS_CLI")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["version"]
        process.environment = ["MLOPS_ISA": "baseline"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("kernels baseline"), "\(output)")
    }
}
