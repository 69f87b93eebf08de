// The swift-mlops side of compare/sha256_vs_openssl.py: hashes each file given, all at once on
// one thread per file, and prints one JSON line: {"seconds": …, "bytes": …, "isa": "…", "digests": […]}.
//
//     HashCompare FILE [FILE…]
import CompareSupport
import Dispatch
import Foundation
import MLOpsCore

let files = Array(CommandLine.arguments.dropFirst())
guard !files.isEmpty else {
    fail("usage: HashCompare FILE [FILE…]", code: 2)
}
let digests = UnsafeMutableBufferPointer<SHA256Digest?>.allocate(capacity: files.count)
digests.initialize(repeating: nil)
nonisolated(unsafe) let shared = digests  // each thread writes only its own element
let start = ContinuousClock.now
DispatchQueue.concurrentPerform(iterations: files.count) { index in
    shared[index] = try? SHA256.hash(fileAt: files[index])
}
let elapsed = seconds(start.duration(to: .now))
var bytes = 0
for file in files {
    bytes += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
}
guard digests.allSatisfy({ $0 != nil }) else {
    fail("a file could not be hashed")
}
let list = digests.map { "\"\($0!.hexString)\"" }.joined(separator: ",")
print("{\"seconds\": \(elapsed), \"bytes\": \(bytes), \"isa\": \"\(KernelISA.current)\", \"digests\": [\(list)]}")
