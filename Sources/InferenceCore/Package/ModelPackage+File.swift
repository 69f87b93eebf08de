#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsCore

extension ModelPackage {
    /// Reads and checks the package file at `path`.
    ///
    /// The file's size is checked against ``Limits/maxFileBytes`` before it is read.
    /// - Throws: `MLOpsError` naming the file: `notFound` when it does not exist, `ioError` when it
    ///   cannot be read, else as ``init(bytes:limits:)``.
    public init(contentsOf path: String, limits: Limits = .default) throws {
        let bytes = try ModelFile.read(path, maxBytes: limits.maxFileBytes, what: "model package")
        self = try loading(path, as: "a model package") { try ModelPackage(bytes: bytes, limits: limits) }
    }

    /// Writes the package to `path` atomically: a temporary file in the same directory is
    /// written, flushed to disk, then renamed over `path`.
    ///
    /// - Throws: `MLOpsError` (`ioError`) if the file cannot be written; errors of ``encoded()``.
    public func write(to path: String) throws {
        let bytes = try encoded()
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.error("cannot create the model package", temporary) }
        do {
            try FileSystem.writeAll(fd, bytes, what: temporary)
            guard fsync(fd) == 0 else { throw FileSystem.error("cannot flush the model package", temporary) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = FileSystem.error("cannot move the model package into place", path)
            unlink(temporary)
            throw error
        }
    }
}
