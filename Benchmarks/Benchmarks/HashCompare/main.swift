// The swift-mlops side of compare/sha256_vs_openssl.py: hashes each file given, all at once on
// one thread per file, and prints one JSON line: {"seconds": …, "bytes": …, "isa": "…", "digests": […]}.
//
//     HashCompare FILE [FILE…]
import Dispatch
import Foundation
import MLOpsCore

let files = Array(CommandLine.arguments.dropFirst())
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: HashCompare FILE [FILE…]\n".utf8))
    exit(2)
}
let digests = UnsafeMutableBufferPointer<SHA256Digest?>.allocate(capacity: files.count)
digests.initialize(repeating: nil)
nonisolated(unsafe) let shared = digests  // each thread writes only its own element
let start = ContinuousClock.now
DispatchQueue.concurrentPerform(iterations: files.count) { index in
    shared[index] = try? SHA256.hash(fileAt: files[index])
}
let elapsed = start.duration(to: .now)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
var bytes = 0
for file in files {
    bytes += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
}
guard digests.allSatisfy({ $0 != nil }) else {
    FileHandle.standardError.write(Data("a file could not be hashed\n".utf8))
    exit(1)
}
let list = digests.map { "\"\($0!.hexString)\"" }.joined(separator: ",")
print("{\"seconds\": \(seconds), \"bytes\": \(bytes), \"isa\": \"\(KernelISA.current)\", \"digests\": [\(list)]}")
