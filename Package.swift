// swift-tools-version:6.2
import PackageDescription

#if canImport(Foundation)
    import Foundation  // only to read /proc/cpuinfo for InferenceCore's MLOPS_NATIVE build below
#endif

// swift-mlops has no package dependencies: the toolchain (stdlib, Foundation,
// Dispatch, Synchronization, Testing) and, for SQLiteStorage only, the system's
// SQLite library.

let package = Package(
    name: "swift-mlops",
    // Synchronization's Mutex and Atomic need these releases of Apple's platforms.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "MLOpsCore", targets: ["MLOpsCore"]),
        .library(name: "InferenceCore", targets: ["InferenceCore"]),
        .library(name: "DataVersioning", targets: ["DataVersioning"]),
        .library(name: "ExperimentTracking", targets: ["ExperimentTracking"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Deployment", targets: ["Deployment"]),
        .library(name: "Monitoring", targets: ["Monitoring"]),
        .library(name: "SQLiteStorage", targets: ["SQLiteStorage"]),
        .library(name: "MLOps", targets: ["MLOps"]),
        .library(name: "MLOpsTestKit", targets: ["MLOpsTestKit"]),
        .executable(name: "mlops", targets: ["mlops"]),
    ],
    dependencies: [],
    targets: [
        // The only C: CPU-specific kernels, each compiled per instruction set with
        // __attribute__((target)) and chosen at run time (no -march, no unsafeFlags).
        .target(name: "CMLOpsKernels"),
        .target(name: "MLOpsCore", dependencies: ["CMLOpsKernels"]),
        .target(
            name: "InferenceCore", dependencies: ["MLOpsCore", "CMLOpsKernels"],
            swiftSettings: inferenceCoreKernelSettings()),
        .target(name: "DataVersioning", dependencies: ["MLOpsCore"]),
        .target(name: "ExperimentTracking", dependencies: ["MLOpsCore"]),
        .target(
            name: "Training",
            dependencies: ["MLOpsCore", "InferenceCore", "DataVersioning", "ExperimentTracking"]
        ),
        .target(name: "Deployment", dependencies: ["MLOpsCore", "InferenceCore"]),
        .target(name: "Monitoring", dependencies: ["MLOpsCore"]),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SQLiteStorage", dependencies: ["MLOpsCore", "CSQLite"]),
        .target(
            name: "MLOps",
            dependencies: [
                "MLOpsCore", "InferenceCore", "DataVersioning", "ExperimentTracking",
                "Training", "Deployment", "Monitoring", "SQLiteStorage",
            ]
        ),
        .target(name: "MLOpsTestKit", dependencies: ["MLOpsCore"]),
        // The command-line tool's commands live in a library target with no product so
        // that tests can drive them; `mlops` itself is a two-line entry point.
        .target(name: "MLOpsCLI", dependencies: ["MLOps"]),
        .executableTarget(name: "mlops", dependencies: ["MLOpsCLI"]),
        // The child process of StorageCrashTests and SQLiteStorageTests; not a product.
        .executableTarget(
            name: "MLOpsStorageWorker", dependencies: ["MLOpsCore", "SQLiteStorage", "MLOpsTestKit", "CSQLite"]),
        // The child process of DataVersioningTests' crash and multi-process tests; not a product.
        .executableTarget(
            name: "DataVersioningWorker",
            dependencies: ["DataVersioning", "MLOpsCore", "SQLiteStorage", "MLOpsTestKit"]),
        // The child process of ExperimentTrackingTests' multi-process logging test; not a product.
        .executableTarget(
            name: "ExperimentTrackingWorker", dependencies: ["ExperimentTracking", "MLOpsCore", "SQLiteStorage"]),

        .testTarget(name: "MLOpsCoreTests", dependencies: ["MLOpsCore", "MLOpsTestKit"]),
        .testTarget(
            name: "InferenceCoreTests",
            dependencies: ["InferenceCore", "MLOpsTestKit"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "DataVersioningTests",
            dependencies: ["DataVersioning", "MLOpsTestKit", "SQLiteStorage", "DataVersioningWorker"]),
        .testTarget(
            name: "ExperimentTrackingTests",
            dependencies: ["ExperimentTracking", "MLOpsTestKit", "SQLiteStorage", "ExperimentTrackingWorker"]
        ),
        .testTarget(
            name: "TrainingTests", dependencies: ["Training", "InferenceCore", "MLOpsTestKit"],
            resources: [.copy("Resources")]),
        .testTarget(
            name: "DeploymentTests", dependencies: ["Deployment", "InferenceCore", "MLOpsTestKit", "SQLiteStorage"]),
        .testTarget(
            name: "MonitoringTests", dependencies: ["Monitoring", "MLOpsTestKit", "SQLiteStorage"],
            resources: [.copy("Drift/Resources")]),
        .testTarget(
            name: "SQLiteStorageTests", dependencies: ["SQLiteStorage", "MLOpsTestKit", "MLOpsStorageWorker"]),
        .testTarget(name: "MLOpsTestKitTests", dependencies: ["MLOpsTestKit"]),
        .testTarget(
            name: "StorageCrashTests",
            dependencies: ["MLOpsTestKit", "SQLiteStorage", "MLOpsCore", "MLOpsStorageWorker"]
        ),
        // InferenceCore directly too: a doc snippet of an internal type (DocSnippets/) needs `@testable import`.
        .testTarget(
            name: "MLOpsTests", dependencies: ["MLOps", "MLOpsTestKit", "InferenceCore", "ExperimentTracking"]),
        .testTarget(
            name: "MLOpsCLITests", dependencies: ["MLOpsCLI", "MLOpsTestKit"], resources: [.copy("Resources")]),
    ]
)

// The same upcoming-feature settings for every target, as swift-log does.
for target in package.targets where target.type != .system && target.name != "CMLOpsKernels" {
    var settings = target.swiftSettings ?? []
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0409-access-level-on-imports.md
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

// InferenceCore's SGEMM register tiles are chosen at run time (C kernels in CMLOpsKernels for AVX2+FMA
// and AVX-512), so a plain `swift build -c release` is fast. `MLOPS_NATIVE=1` additionally compiles
// InferenceCore's Swift code for this machine's CPU (`-target-cpu native`, plus the FMA/AVX-512 Swift tiles
// used at MLOPS_ISA=baseline); the binary then only runs on CPUs like this one. `MLOPS_TARGET_CPU=<llvm
// cpu>` does the same for a named CPU. What it still buys is measured in Documentation/Performance.md.
func inferenceCoreKernelSettings() -> [SwiftSetting] {
    let environment = Context.environment
    let cpu = environment["MLOPS_NATIVE"] == "1" ? "native" : environment["MLOPS_TARGET_CPU"]
    guard let cpu, !cpu.isEmpty else { return [] }
    var settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", cpu]), .define("MLOPS_FMA")]
    let avx512CPUs: Set<String> = [
        "skylake-avx512", "cascadelake", "cooperlake", "cannonlake", "icelake-client", "icelake-server",
        "tigerlake", "sapphirerapids", "emeraldrapids", "graniterapids", "znver4", "znver5",
    ]
    var hasAVX512 = avx512CPUs.contains(cpu)
    #if canImport(Foundation)
        if cpu == "native", let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            hasAVX512 = info.contains(" avx512f ") || info.contains(" avx512f\n")
        }
    #endif
    if hasAVX512 { settings.append(.define("MLOPS_AVX512")) }
    return settings
}
