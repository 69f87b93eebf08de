// Foundation (not FoundationEssentials): `FileManager.currentDirectoryPath`.
import Foundation
import MLOpsCore

/// File-system steps of the exporters: the export root opened as a
/// `DirectoryHandle` (every file below it is reached without following
/// symbolic links and replaced atomically), directories with mode 0755, files
/// with mode 0644, absolute paths and `file:` URIs.
enum ExportFiles {
    /// Opens the export directory `root` (an absolute path), creating it and its parents if missing.
    /// Links in `root` itself are followed; nothing below it is reached through a link.
    static func openRoot(_ root: String) throws -> DirectoryHandle {
        try DirectoryHandle.open(root: root, create: true, directoryMode: 0o755)
    }

    /// Throws `invalidArgument` if `root` is the root of the tracker's `FileBlobStore` or inside it (real
    /// paths compared): the export would be mixed with the stored objects.
    static func refuseInsideStore(_ root: String, tracker: ExperimentTracker) throws {
        guard let store = tracker.artifacts as? FileBlobStore, FileSystem.isPath(root, inside: store.root) else {
            return
        }
        throw MLOpsError(
            .invalidArgument,
            "the export directory is inside the tracker's artifact store (\(store.root)); choose one outside it",
            value: root)
    }

    /// Opens (creating if missing) the directory at the `/`-separated relative `path` below `directory`.
    static func makeDirectories(_ path: String, in directory: DirectoryHandle) throws -> DirectoryHandle {
        let segments = path.split(separator: "/").map(String.init)
        guard let opened = try directory.directory(at: segments, create: true) else {
            throw MLOpsError(.ioError, "cannot create the directory", value: directory.path(of: path))
        }
        return opened
    }

    /// Writes `bytes` as the whole content of the file at the `/`-separated relative `path` below
    /// `directory`, creating missing directories; an existing file is replaced atomically.
    static func write(_ bytes: [UInt8], to path: String, in directory: DirectoryHandle) throws {
        let (parent, name) = try split(path, in: directory)
        try parent.writeFile(name, bytes)
    }

    /// Writes `text` as UTF-8; see ``write(_:to:in:)``.
    static func write(_ text: String, to path: String, in directory: DirectoryHandle) throws {
        try write(Array(text.utf8), to: path, in: directory)
    }

    /// Starts writing the file at the `/`-separated relative `path` below `directory` (see
    /// ``write(_:to:in:)``); commit or release the returned file.
    static func create(_ path: String, in directory: DirectoryHandle) throws -> AtomicFile {
        let (parent, name) = try split(path, in: directory)
        return try parent.createFile(name)
    }

    /// The directory holding the last segment of `path` (created if missing) and that segment.
    private static func split(_ path: String, in directory: DirectoryHandle) throws -> (DirectoryHandle, String) {
        guard let slash = path.lastIndex(of: "/") else { return (directory, path) }
        return (try makeDirectories(String(path[..<slash]), in: directory), String(path[path.index(after: slash)...]))
    }

    /// The real path of `path` (`FileSystem.resolvedPath(_:)`: absolute, links and `..` resolved in its
    /// existing part), so that the directory written, the one a caller checked and the `file:` URIs in
    /// the export all name the same place. Falls back to a lexical absolute path without `.` and `..`
    /// segments if the current directory cannot be resolved.
    static func absolute(_ path: String) -> String {
        if let resolved = FileSystem.resolvedPath(path) { return resolved }
        var full = path
        if !path.hasPrefix("/") {
            full = FileManager.default.currentDirectoryPath + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") where part != "." {
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The `file://` URI of an absolute path, percent-encoding every byte
    /// outside `A-Z a-z 0-9 - . _ ~ /` (as Python's `Path.as_uri()`).
    static func fileURI(_ absolutePath: String) -> String {
        var uri = "file://"
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in absolutePath.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                uri.append("%")
                uri.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                uri.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return uri
    }

    /// The host name, or `localhost` if it cannot be read.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The process identifier.
    static func processID() -> Int { Int(getpid()) }
}
