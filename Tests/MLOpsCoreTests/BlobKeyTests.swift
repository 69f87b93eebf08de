import MLOpsCore
import Testing

@Suite struct BlobKeyTests {
    @Test(arguments: [
        "a", "runs/01J9ZZ/artifacts/model.json", "sha256/ab/abcdef", ".hidden", "a.b..c", "..a", "a..",
        "日本語/ファイル.txt", "space in name", "x/y/z/w", String(repeating: "a", count: 255),
    ])
    func acceptsLogicalKeys(_ text: String) throws {
        let key = try BlobKey(text)
        #expect(key.rawValue == text)
    }

    /// A traversal corpus in the spirit of MLflow's CVE history: every one is rejected, none normalised.
    @Test(arguments: [
        "", "/etc/passwd", "../x", "a/../b", "a/..", "..", ".", "./a", "a/./b", "a//b", "a/", "//a",
        "a\\b", "..\\..\\windows", "%2e%2e/x", "%252e%252e%252f", "a%2fb", "a;b", "a/b;jsessionid=1",
        "c:/windows", "file:x", "a\u{0}b", "a\nb", "a\tb", "a\u{7F}", "a\u{85}b", "a\u{FF0F}b", "\u{FF0E}\u{FF0E}/x",
        "a\u{2215}b", "a\u{FF3C}b", "a\u{200B}b", "\u{FEFF}a", String(repeating: "a", count: 256),
        String(repeating: "ab/", count: 400) + "c",
    ])
    func rejectsTraversalAndAmbiguity(_ text: String) {
        #expect(throws: MLOpsError.self) { try BlobKey(text) }
        do {
            _ = try BlobKey(text)
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("invalid blob key"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func segmentPrefixMatchesWholeSegments() throws {
        let key = try BlobKey("runs/10/a")
        #expect(key.hasSegmentPrefix("runs/10"))
        #expect(key.hasSegmentPrefix("runs/10/"))
        #expect(key.hasSegmentPrefix(""))
        #expect(!key.hasSegmentPrefix("runs/1"))
        #expect(key.lastSegment == "a")
    }

    @Test func codableRejectsInvalidKeys() throws {
        let good = try RecordCoding.encode([try BlobKey("a/b")])
        #expect(try RecordCoding.decode([BlobKey].self, from: good) == [try BlobKey("a/b")])
        let bad = Array("[\"../etc\"]".utf8)
        #expect(throws: MLOpsError.self) { try RecordCoding.decode([BlobKey].self, from: bad) }
    }

    @Test func ordersByBytes() throws {
        let keys = try ["b", "a/b", "a", "B", "a0"].map(BlobKey.init).sorted().map(\.rawValue)
        #expect(keys == ["B", "a", "a/b", "a0", "b"])
    }
}
