#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsCore

/// Reads a model file whole, refusing files larger than a bound before reading them.
enum TreeModelFile {
    /// The file's bytes.
    ///
    /// - Throws: `ioError` when the file cannot be opened or read, `limitExceeded` when it is
    ///   larger than `maxBytes`.
    static func contents(path: String, maxBytes: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw MLOpsError(.ioError, "Cannot open the model file (errno \(errno)).", value: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw MLOpsError(.ioError, "Cannot stat the model file (errno \(errno)).", value: path)
        }
        let size = Int(info.st_size)
        guard size <= maxBytes else {
            throw MLOpsError(
                .limitExceeded,
                "The model file is \(size) bytes, more than the limit of \(maxBytes); raise "
                    + "Limits.maxInputBytes if it is genuine.",
                value: path
            )
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress.unsafelyUnwrapped + offset, size - offset)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw MLOpsError(.ioError, "Reading the model file failed (errno \(errno)).", value: path)
            }
            offset += count
        }
        return bytes
    }
}
