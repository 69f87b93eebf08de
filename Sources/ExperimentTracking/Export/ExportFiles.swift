// Foundation (not FoundationEssentials): `FileManager` removes directory trees.
import Foundation
import MLOpsCore

/// File-system steps of the exporters: directories with mode 0755, files with
/// mode 0644 written in one go, tree removal, absolute paths and `file:` URIs.
enum ExportFiles {
    /// Creates `path` and its missing parents (like `mkdir -p`).
    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if Platform.makeDirectory(current, mode: 0o755) != 0, Platform.errno != Platform.alreadyExists {
                throw FileSystem.error("cannot create directory", current)
            }
        }
    }

    /// Writes `bytes` as the whole content of the file at `path` (created or truncated).
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = Platform.open(path, [.writeOnly, .create, .truncate], mode: 0o644)
        if fd < 0 { throw FileSystem.error("cannot create the file", path) }
        defer { Platform.close(fd) }
        try FileSystem.writeAll(fd, bytes, what: path)
    }

    /// Writes `text` as UTF-8; see ``write(_:to:)``.
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Reads a whole small file, or `nil` if it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        let fd = Platform.open(path, .readOnly)
        if fd < 0 {
            if Platform.errno == Platform.noSuchFile { return nil }
            throw FileSystem.error("cannot open the file", path)
        }
        defer { Platform.close(fd) }
        return try FileSystem.readAll(fd, what: path)
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        Platform.linkStatus(path: path) != nil
    }

    /// The names in a directory (empty if it does not exist).
    static func list(_ path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    /// Removes a file or a directory tree if it exists.
    static func remove(_ path: String) throws {
        guard exists(path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw MLOpsError(.ioError, "cannot remove the old export entry: \(error)", value: path)
        }
    }

    /// `path` made absolute against the current directory, without `.` segments.
    static func absolute(_ path: String) -> String {
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
        Platform.hostName ?? "localhost"
    }

    /// The process identifier.
    static func processID() -> Int { Int(Platform.processID) }
}
