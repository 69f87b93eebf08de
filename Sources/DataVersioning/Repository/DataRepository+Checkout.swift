import MLOpsCore

/// What ``DataRepository/checkout(_:into:progress:)`` wrote.
public struct CheckoutResult: Sendable, Hashable, Codable {
    /// The commit written.
    public var commit: ObjectID
    /// The directory written.
    public var directory: String
    /// Files and bytes written.
    public var files: Int
    public var bytes: UInt64
}

extension DataRepository {
    /// Writes the snapshot `revision` names into `directory`, atomically: the tree is built in a
    /// hidden sibling directory and renamed into place only when every file is written and
    /// verified, so a failed or interrupted checkout leaves no half-written tree at `directory`.
    ///
    /// `directory` must not exist or be an empty directory. Every chunk is verified against its
    /// id as it is read. Names come from verified trees, which hold only single safe path
    /// components, and files are created without following links, so nothing is written outside
    /// `directory`.
    ///
    /// - Throws: `notFound` for an unknown revision; `invalidArgument` if `directory` is not empty;
    ///   `corruptData` for damaged content; I/O errors.
    @discardableResult
    public func checkout(
        _ revision: String, into directory: String, progress: (@Sendable (DataProgress) -> Void)? = nil
    ) async throws -> CheckoutResult {
        let id = try await resolve(revision)
        let commit = try await commit(id)
        let target = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let parent: String
        let name: String
        if let slash = target.lastIndex(of: "/") {
            parent = slash == target.startIndex ? "/" : String(target[..<slash])
            name = String(target[target.index(after: slash)...])
        } else {
            parent = "."
            name = target
        }
        guard !name.isEmpty, name != ".", name != ".." else {
            throw MLOpsError(.invalidArgument, "check out into a named directory", value: directory)
        }
        let targetIsEmptyDirectory = try await BlockingExecutor.shared.run { () throws -> Bool in
            guard let status = Platform.status(path: target) else { return false }
            let fd = Platform.open(target, [.readOnly, .directory])
            guard status.type == .directory, fd >= 0 else {
                if fd >= 0 { Platform.close(fd) }
                throw MLOpsError(.invalidArgument, "the checkout target exists and is not a directory", value: target)
            }
            defer { Platform.close(fd) }
            guard Platform.directoryEntryBytes(fd)?.isEmpty == true else {
                throw MLOpsError(.invalidArgument, "the checkout target directory is not empty", value: target)
            }
            return true
        }
        var random = SystemRandomNumberGenerator()
        let staging = parent + "/.\(name).mlops-checkout-\(String(random.next(), radix: 36))"
        try await BlockingExecutor.shared.run {
            guard Platform.makeDirectory(staging, mode: 0o755) == 0 else {
                throw FileSystem.error("cannot create the checkout's staging directory", staging)
            }
        }
        let totalBytes = commit.size
        var written: (files: Int, bytes: UInt64) = (0, 0)
        do {
            try await packs.refresh()
            func write(_ treeID: ObjectID, into path: String) async throws {
                for entry in try await tree(treeID).entries {
                    let child = path + "/" + entry.name
                    if entry.kind == .directory {
                        try await BlockingExecutor.shared.run {
                            guard Platform.makeDirectory(child, mode: 0o755) == 0 else {
                                throw FileSystem.error("cannot create a directory", child)
                            }
                        }
                        try await write(entry.id, into: child)
                        continue
                    }
                    let fd = try await BlockingExecutor.shared.run { () throws -> Int32 in
                        let fd = Platform.open(
                            child, [.writeOnly, .create, .exclusive, .noFollow],
                            mode: entry.isExecutable ? 0o755 : 0o644)
                        guard fd >= 0 else { throw FileSystem.error("cannot create a file", child) }
                        return fd
                    }
                    do {
                        var size: UInt64 = 0
                        try await forEachChunk(of: entry) { bytes in
                            size += UInt64(bytes.count)
                            try await BlockingExecutor.shared.run { try FileSystem.writeAll(fd, bytes, what: child) }
                            written.bytes += UInt64(bytes.count)
                        }
                        guard size == entry.size else {
                            throw MLOpsError(.corruptData, "a file's chunks do not add up to its size", value: child)
                        }
                        Platform.close(fd)
                    } catch {
                        Platform.close(fd)
                        throw error
                    }
                    written.files += 1
                    progress?(
                        DataProgress(
                            files: written.files, totalFiles: Int(commit.fileCount), bytes: written.bytes,
                            totalBytes: totalBytes))
                }
            }
            try await write(commit.root, into: staging)
            try await BlockingExecutor.shared.run {
                if targetIsEmptyDirectory { Platform.removeDirectory(target) }
                guard Platform.rename(staging, to: target) == 0 else {
                    throw FileSystem.error("cannot move the checkout into place", target)
                }
            }
        } catch {
            try? await BlockingExecutor.shared.run { try FileSystem.removeTree(staging) }
            throw error
        }
        return CheckoutResult(commit: id, directory: target, files: written.files, bytes: written.bytes)
    }
}
