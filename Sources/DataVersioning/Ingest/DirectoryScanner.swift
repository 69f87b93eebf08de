import MLOpsCore

/// Walks a file or directory being added, checking every name and file type before anything is
/// read.
///
/// Regular files and directories are taken as they are. A symbolic link is followed only when it
/// resolves to a regular file inside the tree being added (it is then stored as that file's
/// content); a link that leaves the tree, dangles or names a directory is refused, as are devices,
/// FIFOs and sockets, names that are not UTF-8 and names a checkout could not write safely
/// (``Tree/validateName(_:)``). Refusals are `MLOpsError` `invalidArgument` naming the path.
struct DirectoryScanner {
    /// A scanned file or directory.
    indirect enum Item: Sendable {
        /// A file to read at `path` (the link's target for a followed link).
        case file(path: String, status: Platform.FileStatus)
        /// A directory and its items, sorted by the bytes of their names (a tree's order).
        case directory([(name: String, item: Item)])
    }

    /// The most directory levels followed, so that a pathological tree cannot exhaust the stack.
    static let maxDepth = 256

    /// The resolved absolute path of the tree being added.
    let rootRealPath: String

    /// Scans `path` (absolute).
    static func scan(_ path: String) throws -> Item {
        guard let status = Platform.status(path: path) else {
            throw MLOpsError(.notFound, "no such file or directory", value: DisplayText.escapingControlCharacters(path))
        }
        guard let real = Platform.realPath(path) else { throw FileSystem.error("cannot resolve the path", path) }
        let scanner = DirectoryScanner(rootRealPath: real)
        switch status.type {
        case .regular: return .file(path: real, status: status)
        case .directory: return try scanner.scanDirectory(real, depth: 0)
        case .other:
            throw MLOpsError(
                .invalidArgument, "not a regular file or directory (a device, FIFO or socket cannot be added)",
                value: DisplayText.escapingControlCharacters(path))
        }
    }

    private func refuse(_ problem: String, _ path: String) -> MLOpsError {
        MLOpsError(.invalidArgument, problem, value: DisplayText.escapingControlCharacters(path))
    }

    private func scanDirectory(_ path: String, depth: Int) throws -> Item {
        guard depth < Self.maxDepth else { throw refuse("directories nest more than \(Self.maxDepth) levels", path) }
        let fd = Platform.open(path, [.readOnly, .directory, .noFollow])
        guard fd >= 0 else { throw FileSystem.error("cannot open the directory", path) }
        defer { Platform.close(fd) }
        guard var rawNames = Platform.directoryEntryBytes(fd) else {
            throw FileSystem.error("cannot list the directory", path)
        }
        rawNames.sort { $0.lexicographicallyPrecedes($1) }
        var items: [(name: String, item: Item)] = []
        items.reserveCapacity(rawNames.count)
        for raw in rawNames {
            guard let name = String(validating: raw, as: UTF8.self) else {
                throw refuse("a file name is not valid UTF-8", path + "/" + String(decoding: raw, as: UTF8.self))
            }
            let child = path + "/" + name
            do {
                try Tree.validateName(name)
            } catch let error as MLOpsError {
                throw refuse(error.message, child)
            }
            guard let status = Platform.status(at: fd, name) else {
                // Removed since the listing: not part of the snapshot.
                if Platform.errno == Platform.noSuchFile { continue }
                throw FileSystem.error("cannot inspect the file", child)
            }
            if status.isSymbolicLink {
                items.append((name, try followLink(child)))
                continue
            }
            switch status.type {
            case .regular: items.append((name, .file(path: child, status: status)))
            case .directory: items.append((name, try scanDirectory(child, depth: depth + 1)))
            case .other:
                throw refuse("not a regular file or directory (a device, FIFO or socket cannot be added)", child)
            }
        }
        return .directory(items)
    }

    private func followLink(_ path: String) throws -> Item {
        guard let target = Platform.realPath(path), let status = Platform.status(path: target) else {
            throw refuse("a symbolic link points to nothing", path)
        }
        guard target.hasPrefix(rootRealPath + "/") else {
            throw refuse("a symbolic link points outside the tree being added", path)
        }
        guard status.type == .regular else {
            throw refuse("a symbolic link inside the tree points to a directory or special file", path)
        }
        return .file(path: target, status: status)
    }
}
