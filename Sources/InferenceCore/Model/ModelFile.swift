import MLOpsCore

/// Reads model files whole, with errors that say which file and what went wrong in plain words.
enum ModelFile {
    /// The bytes of the regular file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - maxBytes: Files larger than this are refused before they are read.
    ///   - what: What the file should be, for messages (e.g. "model file", "ONNX file").
    /// - Throws: `MLOpsError`: `notFound` for a missing file ("no such file: PATH"), `ioError`
    ///   when it cannot be opened or read (with the system's reason), `invalidArgument` for a
    ///   directory or another non-regular file, `limitExceeded` when it is over `maxBytes`.
    static func read(_ path: String, maxBytes: Int, what: String = "model file") throws -> [UInt8] {
        try read(path, what: what) { _ in (maxBytes, "") }
    }

    /// The bytes of the regular file at `path`, refused before they are read when the file is
    /// larger than the limit `limit` gives for its first bytes (up to ``headBytes`` of them).
    ///
    /// - Parameters:
    ///   - limit: The largest size accepted for a file that starts with the given bytes, and a
    ///     phrase naming that limit for the message (e.g. "for ONNX files
    ///     (`Model.Options.onnx.maxModelBytes`)"; empty for a plain "the limit").
    /// - Throws: as ``read(_:maxBytes:what:)``.
    static func read(
        _ path: String, what: String, limit: ([UInt8]) -> (maxBytes: Int, name: String)
    ) throws -> [UInt8] {
        let fd = Platform.open(path, [.readOnly, .nonBlocking])
        guard fd >= 0 else { throw openError(path, errno: Platform.errno, what: what) }
        defer { Platform.close(fd) }
        guard let info = Platform.status(fd) else {
            throw MLOpsError(.ioError, "cannot read the \(what) \(path): \(reason(Platform.errno))", value: path)
        }
        if info.type == .directory {
            throw MLOpsError(.invalidArgument, "\(path) is a directory, not a \(what)", value: path)
        }
        guard info.type == .regular else {
            throw MLOpsError(
                .invalidArgument, "\(path) is not a regular file (a device, FIFO or socket); expected a \(what)",
                value: path)
        }
        let size = info.size
        // The first bytes say which format's limit applies; read them without reading the rest.
        var head = [UInt8](repeating: 0, count: min(size, headBytes))
        var headCount = 0
        while headCount < head.count {
            let count = head.withUnsafeMutableBytes { buffer in
                Platform.read(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[headCount...]), offset: headCount)
            }
            if count < 0, Platform.errno == Platform.interrupted { continue }
            guard count > 0 else { break }
            headCount += count
        }
        let (maxBytes, limitName) = limit(Array(head.prefix(headCount)))
        guard size <= maxBytes else {
            let named = limitName.isEmpty ? "the limit" : "the limit \(limitName)"
            throw MLOpsError(
                .limitExceeded,
                "the \(what) \(path) is \(size) bytes, more than \(named) of \(maxBytes) bytes; it was not "
                    + "read. Raise the limit if the file is genuine",
                value: path)
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Platform.read(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            }
            if count < 0, Platform.errno == Platform.interrupted { continue }
            guard count > 0 else {
                if count == 0 {
                    throw MLOpsError(
                        .ioError, "the \(what) \(path) became shorter while it was read (\(offset) of \(size) bytes)",
                        value: path)
                }
                throw MLOpsError(.ioError, "cannot read the \(what) \(path): \(reason(Platform.errno))", value: path)
            }
            offset += count
        }
        return bytes
    }

    /// How many of a file's first bytes the size limit of ``read(_:what:limit:)`` may look at.
    static let headBytes = 64

    /// The error for a failed `open` of `path`.
    static func openError(_ path: String, errno code: Int32, what: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        switch code {
        case Platform.noSuchFile:
            return MLOpsError(.notFound, "no such file: \(path)", value: path, fileID: fileID, line: line)
        case Platform.notADirectory:
            return MLOpsError(
                .notFound, "no such file: \(path) (a part of the path is not a directory)", value: path, fileID: fileID,
                line: line)
        case Platform.accessDenied, Platform.notPermitted:
            return MLOpsError(
                .ioError, "cannot open the \(what) \(path): permission denied", value: path, fileID: fileID, line: line)
        default:
            return MLOpsError(
                .ioError, "cannot open the \(what) \(path): \(reason(code))", value: path, fileID: fileID, line: line)
        }
    }

    /// The system's description of an `errno` value, in lower case (e.g. "no such file or directory").
    static func reason(_ code: Int32) -> String {
        let text = Platform.describe(errno: code)
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }

    /// A short, printable description of how `bytes` start, for "not a model" messages: the text
    /// when the first bytes are printable, else their hex values.
    static func preview(_ bytes: [UInt8]) -> String {
        let head = bytes.prefix(16)
        if head.isEmpty { return "nothing (the file is empty)" }
        let printable = head.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let more = bytes.count > head.count ? "…" : ""
        if printable {
            let text = String(decoding: head, as: UTF8.self)
                .replacingNewlines()
            return "\"\(text)\(more)\""
        }
        let hex = head.map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "bytes " + hex.joined(separator: " ") + (more.isEmpty ? "" : " …")
    }
}

extension String {
    /// The text with CR, LF and tab shown as `\r`, `\n` and `\t`.
    fileprivate func replacingNewlines() -> String {
        var out = ""
        for character in self {
            switch character {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\r\n": out += "\\r\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
