// swift-tools-version:6.2
import PackageDescription

// Benchmarks for swift-mlops, on ordo-one/benchmark. Run from the repository root:
//   swift package --package-path Benchmarks benchmark
let package = Package(
    name: "benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-mlops", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What the compare executables share: option parsing, failure and JSON output, the clock,
        // median/percentile, raw-file reading, and the seeded benchmark models (BenchmarkModels).
        .target(
            name: "CompareSupport",
            dependencies: [
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/CompareSupport"
        ),
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
                .product(name: "SQLiteStorage", package: "swift-mlops"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The swift-mlops side of compare/tracking_vs_mlflow.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "TrackingCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "ExperimentTracking", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
                .product(name: "SQLiteStorage", package: "swift-mlops"),
            ],
            path: "Benchmarks/TrackingCompare"
        ),
        // InferenceCore (issue 3): MLP, SGEMM and GBDT; zero-malloc thresholds in Thresholds/.
        .executableTarget(
            name: "InferenceBenchmarks",
            dependencies: [
                "CompareSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/InferenceBenchmarks",
            exclude: ["Thresholds"],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The swift-mlops side of compare/sha256_vs_openssl.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "HashCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/HashCompare"
        ),
        // The swift-mlops side of compare/inference_vs_peers.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "InferenceCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/InferenceCompare"
        ),
        // The swift-mlops side of compare/training_mlp.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "MLPCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Training", package: "swift-mlops"),
                .product(name: "InferenceCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/MLPCompare"
        ),
        // The swift-mlops side of compare/drift_vs_peers.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "DriftCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Monitoring", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/DriftCompare"
        ),
        // Deployment (issue 13): ModelServer overhead over a raw predict, throughput with and without
        // dynamic batching, p99 at 80 % of saturation (a plain executable, no Benchmark).
        .executableTarget(
            name: "ServingCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Deployment", package: "swift-mlops"),
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/ServingCompare"
        ),
        // The swift-mlops side of compare/training_vs_peers.py's GBDT part (a plain executable).
        .executableTarget(
            name: "GBDTCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Training", package: "swift-mlops"),
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/GBDTCompare"
        ),
        // The swift-mlops side of compare/cbpe_vs_nannyml.py (a plain executable, no Benchmark).
        .executableTarget(
            name: "CBPECompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Monitoring", package: "swift-mlops"),
            ],
            path: "Benchmarks/CBPECompare"
        ),
        // Monitoring (issue 14): the swift-mlops side of compare/profile_vs_whylogs.py (a plain executable).
        .executableTarget(
            name: "ProfileCompare",
            dependencies: [
                "CompareSupport",
                .product(name: "Monitoring", package: "swift-mlops"),
                .product(name: "MLOpsCore", package: "swift-mlops"),
            ],
            path: "Benchmarks/ProfileCompare"
        ),
    ]
)
