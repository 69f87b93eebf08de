import MLOpsCore

/// Creates a store's directory and file with private permissions before SQLite opens it.
///
/// SQLite would create the file itself with mode 0644 (less the umask); a metadata store may
/// hold paths, parameters and credentials-adjacent data, so it is created 0600 in a directory
/// created 0700. SQLite gives the `-wal` and `-shm` files the database file's permissions.
/// Existing files and directories keep theirs.
enum SQLiteStoreFile {
    /// Makes sure `path` can be opened: for a read-write store, creates missing parent
    /// directories (0700) and the file (0600); for a read-only one, requires the file to exist.
    static func prepare(path: String, readOnly: Bool) throws {
        guard !path.isEmpty else {
            throw MLOpsError(.invalidArgument, "the store path is empty; pass a file path", value: path)
        }
        if let status = Platform.status(path: path) {
            guard status.type == .regular else {
                throw MLOpsError(.invalidArgument, "the store path exists but is not a regular file", value: path)
            }
            return
        }
        if readOnly {
            throw MLOpsError(.notFound, "there is no store at this path; open it read-write to create one", value: path)
        }
        try createDirectories(parentOf: path)
        let fd = Platform.open(path, [.readWrite, .create], mode: 0o600)
        guard fd >= 0 else { throw posixError("create the store file", path) }
        Platform.close(fd)
    }

    private static func createDirectories(parentOf path: String) throws {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast()
        var missing: [String] = []
        var directory = components.joined(separator: "/")
        while !directory.isEmpty, Platform.status(path: directory) == nil {
            missing.append(directory)
            components.removeLast()
            directory = components.joined(separator: "/")
        }
        for directory in missing.reversed()
        where Platform.makeDirectory(directory, mode: 0o700) != 0 && Platform.errno != Platform.alreadyExists {
            throw posixError("create the store's directory", directory)
        }
    }

    private static func posixError(_ doing: String, _ path: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        let code = Platform.errno
        let reason = Platform.describe(errno: code)
        return MLOpsError(
            .ioError, "could not \(doing): \(reason) (errno \(code))", value: path, fileID: fileID, line: line)
    }
}
