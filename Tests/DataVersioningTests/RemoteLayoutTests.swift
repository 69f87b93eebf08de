@testable import DataVersioning
import MLOpsCore
import Testing

@Suite struct RemoteLayoutTests {
    static let id = ObjectID.of(Array("commit".utf8))

    @Test func keysAndRefUpdatesRoundTrip() throws {
        #expect(RemoteLayout.objectKey(.tree, Self.id).rawValue == "data/objects/tree/" + Self.id.hex)
        #expect(RemoteLayout.objectKey(.chunklist, Self.id).rawValue == "data/objects/chunklist/" + Self.id.hex)
        let key = try RemoteLayout.refKey(.branch, "team/main", version: 42)
        #expect(key.rawValue == "data/refs/branch/team/main/@00000000000000000042")
        let parsed = try RemoteLayout.parseRefKey(key)
        #expect(parsed.kind == .branch && parsed.name == "team/main" && parsed.version == 42)
        let top = try RemoteLayout.parseRefKey(try RemoteLayout.refKey(.tag, "v1", version: UInt64.max))
        #expect(top.kind == .tag && top.name == "v1" && top.version == UInt64.max)
        let bytes = RemoteLayout.encodeRef(Self.id)
        #expect(bytes == Array("sha256:\(Self.id.hex)\n".utf8))
        #expect(try RemoteLayout.decodeRef(bytes, key: key) == Self.id)
    }

    @Test(arguments: [
        "", "\n", "sha256:\n", "main\n",
        "sha256:\(String(repeating: "a", count: 64))",  // no newline
        "sha256:\(String(repeating: "a", count: 64))\n\n",
        "sha256:\(String(repeating: "a", count: 64))\r\n",
        "sha256:\(String(repeating: "A", count: 64))\n",  // upper-case hex
        "sha256:\(String(repeating: "a", count: 63))\n",
        "sha256:\(String(repeating: "g", count: 64))\n",
        "SHA256:\(String(repeating: "a", count: 64))\n",
        " sha256:\(String(repeating: "a", count: 63))\n",
    ])
    func malformedRefUpdatesAreCorruptData(text: String) throws {
        let key = try BlobKey("data/refs/branch/main/@00000000000000000001")
        #expect(throws: MLOpsError.corruptData) { try RemoteLayout.decodeRef(Array(text.utf8), key: key) }
    }

    @Test func refUpdatesThatAreNotUTF8AreCorruptData() throws {
        let key = try BlobKey("data/refs/branch/main/@00000000000000000001")
        var bytes = RemoteLayout.encodeRef(Self.id)
        bytes[10] = 0xFF
        #expect(throws: MLOpsError.corruptData) { try RemoteLayout.decodeRef(bytes, key: key) }
    }

    @Test(arguments: [
        "data/refs/branch/main",  // no update number
        "data/refs/branch/@00000000000000000001",  // no name
        "data/refs/remote/main/@00000000000000000001",  // unknown kind
        "data/refs/branch/main/00000000000000000001",  // no '@'
        "data/refs/branch/main/@0000000000000000001",  // 19 digits
        "data/refs/branch/main/@000000000000000000001",  // 21 digits
        "data/refs/branch/main/@00000000000000000000",  // zero
        "data/refs/branch/main/@99999999999999999999",  // past UInt64
        "data/refs/branch/main/@0000000000000000000x",
        "data/refs/branch/-main/@00000000000000000001",  // not a ref name
        "data/refs/branch/HEAD/@00000000000000000001",
        "data/refs/branch/a..b/@00000000000000000001",
        "data/objects/branch/main/@00000000000000000001",
    ])
    func malformedRefKeysAreCorruptData(text: String) throws {
        let key = try BlobKey(text)
        #expect(throws: MLOpsError.corruptData) { try RemoteLayout.parseRefKey(key) }
    }

    @Test func versionSegmentsSortNumerically() {
        let versions: [UInt64] = [1, 9, 10, 99, 100, 12_345, UInt64.max]
        let segments = versions.map(RemoteLayout.versionSegment)
        #expect(segments == segments.sorted())
        #expect(segments.map { RemoteLayout.parseVersion($0) } == versions)
        #expect(segments.allSatisfy { $0.utf8.count == RemoteLayout.versionDigits + 1 })
    }

    @Test func invalidRefNamesAreRefusedBeforeAnyKeyIsMade() {
        for name in ["", "-x", "a..b", "HEAD", "a//b", "x/"] {
            #expect(throws: MLOpsError.invalidArgument) { try RemoteLayout.refKey(.branch, name, version: 1) }
        }
    }
}
