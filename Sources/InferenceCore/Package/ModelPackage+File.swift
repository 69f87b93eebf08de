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
        let temporary = path + ".tmp-\(Platform.processID)-\(UInt64.random(in: 0...UInt64.max))"
        let fd = Platform.open(temporary, [.writeOnly, .create, .exclusive], mode: 0o644)
        guard fd >= 0 else { throw FileSystem.error("cannot create the model package", temporary) }
        do {
            try FileSystem.writeAll(fd, bytes, what: temporary)
            guard Platform.synchronize(fd) == 0 else {
                throw FileSystem.error("cannot flush the model package", temporary)
            }
            Platform.close(fd)
        } catch {
            Platform.close(fd)
            Platform.remove(temporary)
            throw error
        }
        guard Platform.rename(temporary, to: path) == 0 else {
            let error = FileSystem.error("cannot move the model package into place", path)
            Platform.remove(temporary)
            throw error
        }
    }
}
