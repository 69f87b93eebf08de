// swift-tools-version:6.1
// A host program as a swift-mlops user writes one: a separate package that depends on
// swift-mlops by path and imports only the umbrella module. `.ci/run` builds and runs it.
import PackageDescription

let package = Package(
    name: "ExternalHost",
    dependencies: [.package(name: "swift-mlops", path: "../..")],
    targets: [
        .executableTarget(name: "ExternalHost", dependencies: [.product(name: "MLOps", package: "swift-mlops")])
    ]
)
