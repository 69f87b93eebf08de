import Foundation
import Testing

@testable import MLOpsCore

@Suite("SHA256")
struct SHA256Tests {
    // FIPS 180-4 / NIST CAVP example messages.
    @Test(
        "NIST test vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                    + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
    )
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hexString == expected)
        #expect(SHA256.hash(message.utf8).hexString == expected)
    }

    @Test("one million 'a'")
    func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)).hexString == expected)
        // The same message fed 1,000 bytes at a time.
        var hasher = SHA256()
        let thousand = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(thousand) }
        #expect(hasher.finalize().hexString == expected)
    }

    @Test("streaming with random split points equals one-shot")
    func streamingSplits() {
        var random = SeededRandom(seed: 0x5A5A)
        for length in [0, 1, 63, 64, 65, 127, 128, 129, 1000, 4099] {
            let message = randomBytes(length, seed: UInt64(length))
            let expected = SHA256.hash(message)
            for _ in 0..<20 {
                var hasher = SHA256()
                var start = 0
                while start < length {
                    let end = min(length, start + random.int(in: 0...130))
                    message[start..<end].withUnsafeBytes { hasher.update($0) }
                    start = end
                }
                #expect(hasher.finalize() == expected, "length \(length)")
            }
        }
    }

    @Test("every update entry point gives the same digest")
    func updateOverloads() {
        let message = randomBytes(333, seed: 9)
        let expected = SHA256.hash(message)
        var fromArray = SHA256()
        fromArray.update(message)
        var fromSlice = SHA256()
        fromSlice.update(message[0..<100])
        fromSlice.update(message[100...])
        var fromLazy = SHA256()  // not contiguous: goes through the stack buffer
        fromLazy.update(message.lazy.map { $0 })
        var fromLongLazy = SHA256()  // longer than the 1 KiB stack buffer
        let long = randomBytes(5000, seed: 10)
        fromLongLazy.update(long.lazy.map { $0 })
        #expect(fromArray.finalize() == expected)
        #expect(fromSlice.finalize() == expected)
        #expect(fromLazy.finalize() == expected)
        #expect(SHA256.hash(message.lazy.map { $0 }) == expected)
        #expect(message.withUnsafeBytes { SHA256.hash($0) } == expected)
        #expect(fromLongLazy.finalize() == SHA256.hash(long))
    }

    @Test("finalize does not change the hasher")
    func finalizeIsNonMutating() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        let first = hasher.finalize()
        #expect(hasher.finalize() == first)
        #expect(first == SHA256.hash(Array("ab".utf8)))
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize().hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(
        "matches the system sha256sum on random data",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum"))
    )
    func matchesSha256sum() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 3 * 1024 * 1024 + 17] {
            let bytes = randomBytes(length, seed: 0xC0FFEE &+ UInt64(length))
            let file = directory.appendingPathComponent("data-\(length).bin")
            try Data(bytes).write(to: file)
            let expected = try sha256sum(file.path)
            #expect(SHA256.hash(bytes).hexString == expected, "length \(length)")
            #expect(try SHA256.hash(fileAt: file.path).hexString == expected, "file of length \(length)")
        }
    }

    @Test("hashing a file that cannot be read throws ioError naming the path")
    func fileErrors() throws {
        let missing = "/nonexistent-\(UInt64.random(in: 0...UInt64.max))/data.bin"
        let error = try #require(throws: MLOpsError.self) { try SHA256.hash(fileAt: missing) }
        #expect(error.code == .ioError)
        #expect(error.value == missing)

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let readError = try #require(throws: MLOpsError.self) { try SHA256.hash(fileAt: directory.path) }
        #expect(readError.code == .ioError)
        #expect(readError.value == directory.path)
    }
}

@Suite("SHA256Digest")
struct SHA256DigestTests {
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test("hex round-trip, upper-case accepted, bytes")
    func hexRoundTrip() throws {
        let digest = try #require(SHA256Digest(hex: abc))
        #expect(digest.hexString == abc)
        #expect(digest.description == abc)
        #expect(digest == SHA256.hash(Array("abc".utf8)))
        #expect(SHA256Digest(hex: abc.uppercased()) == digest)
        #expect(digest.bytes.count == 32)
        #expect(digest.bytes.prefix(4) == [0xBA, 0x78, 0x16, 0xBF])
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(digest.withUnsafeBytes { Array($0) } == digest.bytes)
        for seed in 0..<50 {
            let random = SHA256.hash(randomBytes(seed, seed: UInt64(seed)))
            #expect(SHA256Digest(hex: random.hexString) == random)
            #expect(SHA256Digest(bytes: random.bytes) == random)
        }
    }

    @Test(
        "invalid hex is rejected",
        arguments: [
            "",
            "abc",
            String(repeating: "a", count: 63),
            String(repeating: "a", count: 65),
            String(repeating: "a", count: 63) + "g",
            String(repeating: "a", count: 63) + " ",
            " " + String(repeating: "a", count: 63),
            "0x" + String(repeating: "a", count: 62),
            String(repeating: "é", count: 32),
            String(repeating: "a", count: 62) + "-1",
        ]
    )
    func invalidHex(text: String) {
        #expect(SHA256Digest(hex: text) == nil)
    }

    @Test("wrong byte counts are rejected")
    func invalidBytes() {
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(SHA256Digest(bytes: [UInt8]()) == nil)
    }

    @Test("Codable as the hex string; bad strings throw parseError")
    func codable() throws {
        let digest = try #require(SHA256Digest(hex: abc))
        let json = try JSONEncoder().encode([digest])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(abc)\"]")
        #expect(try JSONDecoder().decode([SHA256Digest].self, from: json) == [digest])

        let bad = Data("[\"\(abc.dropLast())\"]".utf8)
        let error = try #require(throws: MLOpsError.self) { try JSONDecoder().decode([SHA256Digest].self, from: bad) }
        #expect(error.code == .parseError)
        #expect(error.value == String(abc.dropLast()))
    }

    @Test("orders by bytes; hashes consistently")
    func ordering() throws {
        let low = try #require(SHA256Digest(hex: String(repeating: "0", count: 63) + "1"))
        let high = try #require(SHA256Digest(hex: "1" + String(repeating: "0", count: 63)))
        #expect(low < high)
        var digests = (0..<100).map { SHA256.hash(randomBytes($0, seed: 77)) }
        digests.sort()
        let hexes = digests.map(\.hexString)
        #expect(hexes == hexes.sorted())
        #expect(Set(digests).count == 100)
    }
}

// MARK: - Helpers

/// Deterministic pseudo-random bytes.
private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = random.next()
        for _ in 0..<8 where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("mlopscore-sha256-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `/usr/bin/sha256sum path` and returns the digest it prints.
private func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let text = String(decoding: output, as: UTF8.self)
    return String(text.prefix(64))
}

/// The SHA-instruction kernel (`CMLOpsKernels`) against the portable Swift compression, at every
/// length that matters (block boundaries, multi-block runs), on this machine's CPU.
@Suite struct SHA256InstructionTests {
    @Test func theInstructionKernelMatchesThePortableOneOnEveryInput() throws {
        guard KernelISA.current.supportsSHAInstructions else {
            // Nothing to compare on a CPU without SHA instructions; the portable path is the only one.
            return
        }
        var random = SeededRandom(seed: 256)
        for blocks in [1, 2, 3, 7, 16, 64, 257] {
            let bytes = (0..<(blocks * 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for start in [SHA256.State(), SHA256.State(h0: 1, h1: 2, h2: 3, h3: 4, h4: 5, h5: 6, h6: 7, h7: 8)] {
                var portable = start
                var accelerated = start
                bytes.withUnsafeBytes { raw in
                    SHA256.compressPortable(&portable, blocks: raw.baseAddress!, count: blocks)
                    #expect(SHA256.compressWithInstructions(&accelerated, blocks: raw.baseAddress!, count: blocks))
                }
                #expect(
                    [
                        portable.h0, portable.h1, portable.h2, portable.h3, portable.h4, portable.h5, portable.h6,
                        portable.h7,
                    ]
                        == [
                            accelerated.h0, accelerated.h1, accelerated.h2, accelerated.h3, accelerated.h4,
                            accelerated.h5, accelerated.h6, accelerated.h7,
                        ], "\(blocks) blocks")
            }
        }
    }
}
