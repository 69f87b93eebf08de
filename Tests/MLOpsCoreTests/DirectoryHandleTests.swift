import Foundation
import MLOpsCore
import Testing

/// `DirectoryHandle`: no symbolic link is followed below the root, files are replaced by rename, and
/// `FileSystem.resolvedPath` sees through links and `..`.
@Suite struct DirectoryHandleTests {
    static func makeRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mlops-dirhandle-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    static func expectConflict(_ path: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error for \(path)")
        } catch let error as MLOpsError {
            #expect(error.code == .conflict, "\(error)")
            #expect(error.value == path, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func linksAreNeverFollowed() throws {
        let base = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: outside + "/file"))
        let root = try DirectoryHandle.open(root: base + "/root", create: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/root/dir", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: base + "/root/file", withDestinationPath: outside + "/file")
        try FileManager.default.createSymbolicLink(atPath: base + "/root/dangling", withDestinationPath: base + "/nope")

        Self.expectConflict(base + "/root/dir") { _ = try root.directory("dir", create: true) }
        Self.expectConflict(base + "/root/dir") { _ = try root.directory(at: ["dir", "x"], create: true) }
        Self.expectConflict(base + "/root/file") { try root.writeFile("file", Array("new".utf8)) }
        Self.expectConflict(base + "/root/file") { _ = try root.readFile("file") }
        Self.expectConflict(base + "/root/dangling") { try root.writeFile("dangling", [1]) }
        Self.expectConflict(base + "/root/dir") {
            try root.moveDirectory("dir", to: root, as: "moved")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["file"])
        #expect(try Self.text(outside + "/file") == "keep")
        #expect(!FileManager.default.fileExists(atPath: base + "/nope"))
        // No temporary file is left by the refused writes.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: base + "/root").sorted() == [
                "dangling", "dir", "file",
            ])
    }

    @Test func filesAreReplacedByRenameNotRewrittenInPlace() throws {
        let base = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try DirectoryHandle.open(root: base, create: false)
        let sub = try #require(try root.directory(at: ["a", "b"], create: true))
        try sub.writeFile("f", Array("one".utf8))
        // A hard link elsewhere keeps the old content: the file is replaced, never truncated.
        try FileManager.default.linkItem(atPath: base + "/a/b/f", toPath: base + "/hard")
        try sub.writeFile("f", Array("two".utf8))
        #expect(try Self.text(base + "/a/b/f") == "two")
        #expect(try Self.text(base + "/hard") == "one")
        #expect(try sub.readFile("f", limit: 2) == Array("tw".utf8))
        #expect(try sub.readFile("missing") == nil)
        // A streamed file is invisible until committed, and gone if discarded.
        let file = try sub.createFile("g")
        try file.write([1, 2])
        #expect(try sub.status("g") == nil)
        try file.commit()
        #expect(try sub.readFile("g") == [1, 2])
        let dropped = try sub.createFile("h")
        dropped.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/a/b").sorted() == ["f", "g"])
        // A directory where a file is written, and a file where a directory is opened, are conflicts.
        Self.expectConflict(base + "/a") { try root.writeFile("a", [1]) }
        Self.expectConflict(base + "/a/b/f") { _ = try sub.directory("f", create: true) }
        #expect(try root.directory("nothing", create: false) == nil)
    }

    @Test func namesMustBeSingleSegments() throws {
        let base = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try DirectoryHandle.open(root: base, create: false)
        for name in ["", ".", "..", "a/b", "nul\u{0}"] {
            #expect(throws: MLOpsError.self, "\(name.debugDescription)") { try root.writeFile(name, [1]) }
            #expect(throws: MLOpsError.self, "\(name.debugDescription)") { _ = try root.directory(name, create: true) }
        }
    }

    @Test func movingADirectoryNeverReplacesOne() throws {
        let base = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try DirectoryHandle.open(root: base, create: false)
        let trash = try #require(try root.directory(".trash", create: true))
        _ = try root.directory("7", create: true)
        _ = try trash.directory("7", create: true)
        Self.expectConflict(base + "/.trash/7") { try root.moveDirectory("7", to: trash, as: "7") }
        try trash.moveDirectory("7", to: root, as: "8")
        #expect(try root.status("8")?.type == .directory)
        #expect(try trash.status("7") == nil)
    }

    @Test func resolvedPathsSeeThroughLinksAndDotDot() throws {
        let base = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let real = try #require(FileSystem.resolvedPath(base))
        try FileManager.default.createDirectory(atPath: base + "/ws/objects", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/ws")
        #expect(FileSystem.resolvedPath(base + "/link/objects") == real + "/ws/objects")
        #expect(FileSystem.resolvedPath(base + "/link/new/../x/./y") == real + "/ws/x/y")
        #expect(FileSystem.resolvedPath(base + "/ws/../ws/objects/../..") == real)
        for inside in ["/ws", "/ws/", "/link", "/link/a/b", "/ws/objects/../q", "/other/../ws/z"] {
            #expect(FileSystem.isPath(base + inside, inside: base + "/ws"), "\(inside)")
            #expect(FileSystem.isPath(base + inside, inside: base + "/link"), "\(inside)")
        }
        for outside in ["", "/ws2", "/wsx/a", "/link/..", "/ws/../other"] {
            #expect(!FileSystem.isPath(base + outside, inside: base + "/ws"), "\(outside)")
        }
    }
}
