// swift-tools-version:6.1
// The Open Inference Protocol example: swift-mlops' ModelServer behind Hummingbird routes.
// Hummingbird is this package's dependency, never swift-mlops'. `.ci/run` builds it and runs its
// tests, which start the server on 127.0.0.1 and send it real HTTP requests (with Foundation's
// URLSession, so that CI does not build an HTTP client and TLS stack for them).
import PackageDescription

let package = Package(
    name: "OIPServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-mlops", path: "../../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .target(
            name: "OIPServerKit",
            dependencies: [
                .product(name: "Deployment", package: "swift-mlops"),
                .product(name: "InferenceCore", package: "swift-mlops"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .executableTarget(name: "OIPServer", dependencies: ["OIPServerKit"]),
        .testTarget(
            name: "OIPServerTests",
            dependencies: [
                "OIPServerKit",
                .product(name: "Deployment", package: "swift-mlops"),
                .product(name: "InferenceCore", package: "swift-mlops"),
            ]),
    ]
)
