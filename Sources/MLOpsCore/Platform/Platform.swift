// `package` imports: the `@inlinable` wrappers below (mathematics, `memcmp`, thread-local values) are inlined
// into the kernels of other modules of the package, so their bodies may name the C library's functions.
#if canImport(Glibc)
    package import Glibc
#elseif canImport(Musl)
    package import Musl
#elseif canImport(Darwin)
    package import Darwin
#else
    #error("swift-mlops needs a POSIX C library: Glibc, Musl or Darwin")
#endif

/// The one place where swift-mlops calls the operating system's C library.
///
/// Every other file of every swift-mlops module that needs the C library (a system call or a `libm` function)
/// goes through these wrappers, so that the platform branches (`Glibc`, `Musl`, `Darwin`) and their differences — `pthread_t`
/// being a pointer on Darwin, `write` being ambiguous with Swift's own, `DIR` being opaque — are handled once.
///
/// The wrappers are thin: they return what the C function returns (a file descriptor, `-1`, a count) and
/// leave the reason in ``errno``; ``describe(errno:)`` turns a code into words. File descriptors are always
/// opened close-on-exec.
package enum Platform {}

// MARK: - Errors

extension Platform {
    /// The calling thread's `errno`.
    package static var errno: Int32 {
        get {
            #if canImport(Glibc)
                Glibc.errno
            #elseif canImport(Musl)
                Musl.errno
            #else
                Darwin.errno
            #endif
        }
        set {
            #if canImport(Glibc)
                Glibc.errno = newValue
            #elseif canImport(Musl)
                Musl.errno = newValue
            #else
                Darwin.errno = newValue
            #endif
        }
    }

    /// The system's description of an `errno` value, e.g. "No such file or directory".
    package static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }

    /// `EINTR`: the call was interrupted by a signal; retry it.
    package static let interrupted = EINTR
    /// `EEXIST`: the file or directory already exists.
    package static let alreadyExists = EEXIST
    /// `ENOENT`: no such file or directory.
    package static let noSuchFile = ENOENT
    /// `ENOTDIR`: a path component is not a directory.
    package static let notADirectory = ENOTDIR
    /// `ELOOP`: a symbolic link where `O_NOFOLLOW` forbids one.
    package static let symbolicLink = ELOOP
    /// `EISDIR`: the path is a directory.
    package static let isADirectory = EISDIR
    /// `EACCES`: permission denied.
    package static let accessDenied = EACCES
    /// `EPERM`: the operation is not permitted.
    package static let notPermitted = EPERM
}

// MARK: - Files

extension Platform {
    /// How ``open(_:_:mode:)`` opens a file. `O_CLOEXEC` is always added.
    package struct OpenFlags: OptionSet, Sendable {
        package let rawValue: Int32
        package init(rawValue: Int32) { self.rawValue = rawValue }

        /// `O_RDONLY` (the absence of a write flag).
        package static let readOnly = OpenFlags([])
        /// `O_WRONLY`.
        package static let writeOnly = OpenFlags(rawValue: O_WRONLY)
        /// `O_RDWR`.
        package static let readWrite = OpenFlags(rawValue: O_RDWR)
        /// `O_CREAT`.
        package static let create = OpenFlags(rawValue: O_CREAT)
        /// `O_EXCL`: with ``create``, fail if the file exists.
        package static let exclusive = OpenFlags(rawValue: O_EXCL)
        /// `O_TRUNC`.
        package static let truncate = OpenFlags(rawValue: O_TRUNC)
        /// `O_DIRECTORY`: fail unless the path is a directory.
        package static let directory = OpenFlags(rawValue: O_DIRECTORY)
        /// `O_NOFOLLOW`: fail if the last component is a symbolic link.
        package static let noFollow = OpenFlags(rawValue: O_NOFOLLOW)
        /// `O_APPEND`: every write goes to the end of the file.
        package static let append = OpenFlags(rawValue: O_APPEND)
        /// `O_NONBLOCK`: opening a FIFO or device does not wait.
        package static let nonBlocking = OpenFlags(rawValue: O_NONBLOCK)
    }

    /// What kind of file a ``FileStatus`` describes.
    package enum FileType: Sendable, Hashable {
        /// A regular file.
        case regular
        /// A directory.
        case directory
        /// Anything else: a symbolic link (when not followed), a device, a socket, a FIFO.
        case other
    }

    /// The parts of `struct stat` swift-mlops uses.
    package struct FileStatus: Sendable, Hashable {
        /// The file's kind.
        package var type: FileType
        /// Its size in bytes.
        package var size: Int
        /// Whether it is a symbolic link (only ever true for a status taken without following links).
        package var isSymbolicLink = false
        /// The device the file is on (`st_dev`).
        package var device: UInt64 = 0
        /// The file's inode number (`st_ino`).
        package var inode: UInt64 = 0
        /// The permission bits and file type (`st_mode`).
        package var mode: UInt32 = 0
        /// The last modification time, in nanoseconds since 1970 (`st_mtim`).
        package var modificationNanoseconds: Int64 = 0
        /// The last status change time, in nanoseconds since 1970 (`st_ctim`).
        package var changeNanoseconds: Int64 = 0
        /// Whether any of the execute permission bits is set.
        package var isExecutable: Bool { mode & 0o111 != 0 }
    }

    /// `open(2)`; returns the descriptor or -1 (see ``errno``).
    /// Whether this process may write to `path` (`access(2)` with `W_OK`): false on a read-only
    /// file system even for root.
    package static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    package static func open(_ path: String, _ flags: OpenFlags, mode: UInt32 = 0o600) -> Int32 {
        #if canImport(Glibc)
            Glibc.open(path, flags.rawValue | O_CLOEXEC, mode_t(mode))
        #elseif canImport(Musl)
            Musl.open(path, flags.rawValue | O_CLOEXEC, mode_t(mode))
        #else
            Darwin.open(path, flags.rawValue | O_CLOEXEC, mode_t(mode))
        #endif
    }

    /// `openat(2)` relative to the directory `directory`; returns the descriptor or -1.
    package static func open(at directory: Int32, _ name: String, _ flags: OpenFlags, mode: UInt32 = 0o600) -> Int32 {
        openat(directory, name, flags.rawValue | O_CLOEXEC, mode_t(mode))
    }

    /// `close(2)`.
    @discardableResult
    package static func close(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            Glibc.close(descriptor)
        #elseif canImport(Musl)
            Musl.close(descriptor)
        #else
            Darwin.close(descriptor)
        #endif
    }

    /// One `write(2)` of `buffer`; returns the count written or -1.
    package static func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer.baseAddress, buffer.count)
        #elseif canImport(Musl)
            Musl.write(descriptor, buffer.baseAddress, buffer.count)
        #else
            Darwin.write(descriptor, buffer.baseAddress, buffer.count)
        #endif
    }

    /// One `read(2)` into `buffer`; returns the count read (0 at the end) or -1.
    package static func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, buffer.baseAddress, buffer.count)
        #elseif canImport(Musl)
            Musl.read(descriptor, buffer.baseAddress, buffer.count)
        #else
            Darwin.read(descriptor, buffer.baseAddress, buffer.count)
        #endif
    }

    /// One `pread(2)` into `buffer` from `offset`; returns the count read (0 at the end) or -1.
    package static func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int) -> Int {
        pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
    }

    /// The current offset of an open file (`lseek(fd, 0, SEEK_CUR)`), or -1.
    package static func offset(_ descriptor: Int32) -> Int {
        Int(lseek(descriptor, 0, SEEK_CUR))
    }

    /// `fsync(2)`: 0 once the file's data and metadata are on disk, or -1.
    package static func synchronize(_ descriptor: Int32) -> Int32 {
        fsync(descriptor)
    }

    /// `fstat(2)` of an open file, or `nil` (see ``errno``).
    package static func status(_ descriptor: Int32) -> FileStatus? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `stat(2)` of a path (following symbolic links), or `nil`.
    package static func status(path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `fstatat(2)` of `name` in `directory` without following a symbolic link, or `nil`.
    package static func status(at directory: Int32, _ name: String) -> FileStatus? {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `lstat(2)` of a path, describing a symbolic link itself rather than its target, or `nil`.
    package static func linkStatus(path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `unlink(2)` of a path; 0 or -1.
    @discardableResult
    package static func remove(_ path: String) -> Int32 {
        unlink(path)
    }

    /// Turns direct I/O on or off for an open file (`O_DIRECT` on Linux): writes then go from
    /// the caller's buffer to the device without a copy into the page cache. Returns whether the
    /// file system accepted it; always false where the platform has no such mode. With it on,
    /// buffers, sizes and offsets must be multiples of ``directIOAlignment``.
    @discardableResult
    package static func setDirectIO(_ descriptor: Int32, _ enabled: Bool) -> Bool {
        #if os(Linux)
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0 else { return false }
            // O_DIRECT is behind _GNU_SOURCE, which Swift's Glibc module does not define: its
            // value from the kernel's asm-generic and arm64 fcntl.h.
            #if arch(arm64) || arch(arm)
                let direct: Int32 = 0o200000
            #else
                let direct: Int32 = 0o40000
            #endif
            return fcntl(descriptor, F_SETFL, enabled ? flags | direct : flags & ~direct) == 0
        #else
            return false
        #endif
    }

    /// The alignment direct I/O needs for buffers, sizes and offsets (4 KiB covers the devices
    /// swift-mlops runs on).
    package static let directIOAlignment = 4_096

    /// `rmdir(2)` of an empty directory; 0 or -1.
    @discardableResult
    package static func removeDirectory(_ path: String) -> Int32 {
        rmdir(path)
    }

    /// `rename(2)`: atomically gives `source` the name `destination`, replacing what was there; 0 or -1.
    package static func rename(_ source: String, to destination: String) -> Int32 {
        #if canImport(Glibc)
            Glibc.rename(source, destination)
        #elseif canImport(Musl)
            Musl.rename(source, destination)
        #else
            Darwin.rename(source, destination)
        #endif
    }

    /// `mkdir(2)`; 0 or -1.
    package static func makeDirectory(_ path: String, mode: UInt32 = 0o700) -> Int32 {
        mkdir(path, mode_t(mode))
    }

    /// `mkdirat(2)`; 0 or -1.
    package static func makeDirectory(at directory: Int32, _ name: String, mode: UInt32 = 0o700) -> Int32 {
        mkdirat(directory, name, mode_t(mode))
    }

    /// `unlinkat(2)` of a file, or of an empty directory when `isDirectory`; 0 or -1.
    package static func remove(at directory: Int32, _ name: String, isDirectory: Bool = false) -> Int32 {
        unlinkat(directory, name, isDirectory ? AT_REMOVEDIR : 0)
    }

    /// `linkat(2)` within one directory: makes `name` a second name of `existing`; 0 or -1 (`EEXIST` when
    /// `name` is taken — an existing file is never replaced).
    package static func link(at directory: Int32, _ existing: String, to name: String) -> Int32 {
        linkat(directory, existing, directory, name, 0)
    }

    /// `renameat(2)`: moves `name` in the directory `from` to `newName` in the directory `to` (the same
    /// file system); 0 or -1. An existing `newName` is replaced (a file by a file, an empty directory by
    /// a directory); neither name's last component is followed if it is a symbolic link.
    package static func rename(at from: Int32, _ name: String, to: Int32, _ newName: String) -> Int32 {
        renameat(from, name, to, newName)
    }

    /// `realpath(3)`: the absolute path of an existing file with every symbolic link, `.` and `..`
    /// resolved, or `nil` (see ``errno``).
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `getcwd(3)`: this process's current directory as an absolute path, or `nil` if it cannot be
    /// had (it was removed, or its path is not UTF-8; see ``errno``).
    package static var currentDirectory: String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return String(validatingCString: path)
    }

    /// `isatty(3)`: whether `descriptor` is a terminal (false for a file, a pipe or a closed descriptor).
    package static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The names in the open directory `directory` as raw bytes, without `.` and `..`, or `nil` (see
    /// ``errno``): for callers that must notice names that are not valid UTF-8.
    ///
    /// Reads through a duplicate of the descriptor, so `directory` stays open and usable.
    package static func directoryEntryBytes(_ directory: Int32) -> [[UInt8]]? {
        let duplicate = fcntl(directory, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else { return nil }
        guard let stream = fdopendir(duplicate) else {
            let code = errno
            close(duplicate)
            errno = code
            return nil
        }
        defer { closedir(stream) }
        // The duplicate shares the original's position: start from the first entry whatever it was.
        rewinddir(stream)
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = entryName(entry)
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names
    }

    /// The name of the entry `readdir(3)` returned, read in place up to its terminating zero.
    ///
    /// `entry.pointee.d_name` must not be touched as a value: that copies the whole fixed-size array,
    /// and the C library packs entries tightly (`d_reclen`), so an entry near the end of its buffer
    /// would be read past the end of the mapped memory.
    package static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        let offset = MemoryLayout<dirent>.offset(of: \.d_name)!
        let start = UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self)
        return Array(UnsafeRawBufferPointer(start: start, count: strlen(start)))
    }

    /// `readlink(2)`: the target text of the symbolic link `name` in `directory`, or `nil`.
    package static func linkTarget(at directory: Int32, _ name: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { raw in
            readlinkat(directory, name, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard count >= 0 else { return nil }
        return Array(buffer.prefix(count))
    }

    /// `fchmod(2)`: sets the permission bits of an open file.
    @discardableResult
    package static func setMode(_ descriptor: Int32, _ mode: UInt32) -> Int32 { fchmod(descriptor, mode_t(mode)) }

    /// The names in the open directory `directory`, without `.` and `..`, or `nil` (see ``errno``).
    ///
    /// Reads through a duplicate of the descriptor, so `directory` stays open and usable.
    package static func directoryEntries(_ directory: Int32) -> [String]? {
        directoryEntryBytes(directory)?.map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Platform.FileStatus {
    fileprivate init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        default: type = .other
        }
        size = Int(info.st_size)
        isSymbolicLink = info.st_mode & S_IFMT == S_IFLNK
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        mode = UInt32(truncatingIfNeeded: info.st_mode)
        #if canImport(Darwin)
            modificationNanoseconds =
                Int64(info.st_mtimespec.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtimespec.tv_nsec)
            changeNanoseconds = Int64(info.st_ctimespec.tv_sec) &* 1_000_000_000 &+ Int64(info.st_ctimespec.tv_nsec)
        #else
            modificationNanoseconds = Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)
            changeNanoseconds = Int64(info.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_ctim.tv_nsec)
        #endif
    }
}

// MARK: - Memory

extension Platform {
    /// `memmove(3)`: copies `count` bytes from `source` to `destination`; the regions may overlap.
    package static func moveBytes(to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
        memmove(destination, source, count)
    }

    /// `memcmp(3)`: compares `count` bytes; negative, zero or positive as `first` sorts before, equal to or
    /// after `second` (bytes compared as unsigned).
    @inlinable
    @inline(__always)
    package static func compareBytes(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, count: Int) -> Int32 {
        memcmp(first, second, count)
    }
}

// MARK: - Mathematics

// The standard library has no transcendental functions; these come from the C library's `libm`. They are
// `@inlinable` and always inlined, so a kernel in another module calls `exp`/`expf` directly, as if it had
// imported the C library itself.
extension Platform {
    /// `log(3)`: the natural logarithm.
    @inlinable
    @inline(__always)
    package static func naturalLogarithm(_ x: Double) -> Double {
        log(x)
    }

    /// `exp(3)`: `e` raised to `x`.
    @inlinable
    @inline(__always)
    package static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.exp(x)
        #elseif canImport(Musl)
            Musl.exp(x)
        #else
            Darwin.exp(x)
        #endif
    }

    /// `expf(3)`: `e` raised to `x`, in single precision.
    @inlinable
    @inline(__always)
    package static func exp(_ x: Float) -> Float {
        expf(x)
    }

    /// `log(3)`: the natural logarithm.
    @inlinable
    @inline(__always)
    package static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log(x)
        #elseif canImport(Musl)
            Musl.log(x)
        #else
            Darwin.log(x)
        #endif
    }

    /// `logf(3)`: the natural logarithm, in single precision.
    @inlinable
    @inline(__always)
    package static func log(_ x: Float) -> Float {
        logf(x)
    }

    /// `log1p(3)`: `log(1 + x)`, accurate for small `x`.
    @inlinable
    @inline(__always)
    package static func log1p(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log1p(x)
        #elseif canImport(Musl)
            Musl.log1p(x)
        #else
            Darwin.log1p(x)
        #endif
    }

    /// `erf(3)`: the error function.
    @inlinable
    @inline(__always)
    package static func erf(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.erf(x)
        #elseif canImport(Musl)
            Musl.erf(x)
        #else
            Darwin.erf(x)
        #endif
    }

    /// `erfc(3)`: the complementary error function, `1 - erf(x)` without cancellation.
    @inlinable
    @inline(__always)
    package static func erfc(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.erfc(x)
        #elseif canImport(Musl)
            Musl.erfc(x)
        #else
            Darwin.erfc(x)
        #endif
    }

    /// `lgamma(3)`: the natural logarithm of the absolute value of the gamma function.
    @inlinable
    @inline(__always)
    package static func lgamma(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.lgamma(x)
        #elseif canImport(Musl)
            Musl.lgamma(x)
        #else
            Darwin.lgamma(x)
        #endif
    }

    /// `log2(3)`: the base-2 logarithm.
    @inlinable
    @inline(__always)
    package static func log2(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log2(x)
        #elseif canImport(Musl)
            Musl.log2(x)
        #else
            Darwin.log2(x)
        #endif
    }

    /// `expm1(3)`: `exp(x) - 1`, accurate for small `x`.
    @inlinable
    @inline(__always)
    package static func expm1(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.expm1(x)
        #elseif canImport(Musl)
            Musl.expm1(x)
        #else
            Darwin.expm1(x)
        #endif
    }

    /// `pow(3)`: `x` raised to `y`.
    @inlinable
    @inline(__always)
    package static func pow(_ x: Double, _ y: Double) -> Double {
        #if canImport(Glibc)
            Glibc.pow(x, y)
        #elseif canImport(Musl)
            Musl.pow(x, y)
        #else
            Darwin.pow(x, y)
        #endif
    }

    /// `tanh(3)`: the hyperbolic tangent.
    @inlinable
    @inline(__always)
    package static func tanh(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.tanh(x)
        #elseif canImport(Musl)
            Musl.tanh(x)
        #else
            Darwin.tanh(x)
        #endif
    }
}

// MARK: - Processes, time and CPUs

extension Platform {
    /// This process's id.
    package static var processID: Int32 { getpid() }

    /// `kill(2)`: sends `signal` to the process `process`; 0 or -1.
    @discardableResult
    package static func send(signal: Int32, to process: Int32) -> Int32 { kill(process, signal) }

    /// Ends the process with `status`, without running further Swift code.
    package static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
            Glibc.exit(status)
        #elseif canImport(Musl)
            Musl.exit(status)
        #else
            Darwin.exit(status)
        #endif
    }

    /// Blocks the calling *thread* for `duration` (`nanosleep`, resumed after signals).
    ///
    /// Only for threads that swift-mlops owns (see `BlockingExecutor`) and for command-line tools: never
    /// call it from async code, where it would hold one of Swift's few cooperative threads.
    package static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var unslept = timespec()
        while nanosleep(&request, &unslept) != 0, errno == EINTR { request = unslept }
    }

    /// The wall clock in milliseconds since 1970-01-01 UTC (0 for times before it).
    package static func wallClockMilliseconds() -> UInt64 {
        var now = timespec()
        guard clock_gettime(CLOCK_REALTIME, &now) == 0, now.tv_sec >= 0 else { return 0 }
        return UInt64(now.tv_sec) &* 1000 &+ UInt64(now.tv_nsec / 1_000_000)
    }

    /// A monotonic clock in nanoseconds (`CLOCK_MONOTONIC`; the origin is arbitrary).
    package static func monotonicNanoseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) &* 1_000_000_000 &+ Int(now.tv_nsec)
    }

    /// User plus system CPU time of this process so far, in milliseconds (`getrusage`).
    package static func processorTimeMilliseconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000
    }

    /// `sched_yield(2)`: lets another thread run on this CPU.
    package static func yieldThread() {
        sched_yield()
    }

    /// The value of the environment variable `name` (`getenv`), or `nil` when unset or not UTF-8.
    package static func environmentValue(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(validatingCString: value)
    }

    /// This machine's host name (`gethostname`), or `nil` if the system gives none.
    package static var hostName: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    /// The kernel's name and release from `uname(2)`, e.g. `("Linux", "6.8.0")`, or `nil`.
    package static var kernel: (name: String, release: String)? {
        var info = utsname()
        guard uname(&info) == 0 else { return nil }
        let name = withUnsafeBytes(of: &info.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = withUnsafeBytes(of: &info.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return (name, release)
    }

    /// The CPU's model name from `sysctl` (`machdep.cpu.brand_string`) on Darwin, or `nil` (elsewhere, and
    /// when the system gives none; Linux has it in `/proc/cpuinfo`).
    package static var processorBrand: String? {
        #if canImport(Darwin)
            var size = 0
            guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return nil }
            var buffer = [CChar](repeating: 0, count: size)
            guard sysctlbyname("machdep.cpu.brand_string", &buffer, &size, nil, 0) == 0 else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
            return nil
        #endif
    }

    /// Runs `executable` with `arguments` (`arguments[0]` is the program name the child sees) and this
    /// process's environment, and waits for it (`posix_spawn`, `waitpid`).
    ///
    /// - Returns: The child's wait status (0 when it exited with 0), or `nil` if it could not be started or
    ///   waited for (the reason is in ``errno``).
    package static func runAndWait(_ executable: String, arguments: [String]) -> Int32? {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var process: pid_t = 0
        #if canImport(Darwin)
            let environment = _NSGetEnviron().pointee
        #else
            let environment = environ
        #endif
        let started = posix_spawn(&process, executable, nil, nil, &argv, environment)
        guard started == 0 else {
            errno = started
            return nil
        }
        var status: Int32 = 0
        while waitpid(process, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        return status
    }

    /// The number of CPUs the operating system reports online (at least 1).
    package static var processorCount: Int {
        let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return count > 0 ? count : 1
    }
}

// MARK: - Threads

extension Platform {
    /// Starts a detached thread that runs `body` and ends; on Darwin it is named `name` (15 bytes are kept).
    ///
    /// - Returns: `false` if the system refused to create the thread (`body` is then never run).
    package static func startThread(name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
            let created = pthread_create(&thread, nil, threadEntry, context) == 0
            if created, let thread { pthread_detach(thread) }
        #else
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, threadEntry, context) == 0
            if created { pthread_detach(thread) }
        #endif
        if !created { Unmanaged<ThreadStart>.fromOpaque(context).release() }
        return created
    }

    /// A thread that can be waited for: ``join()`` returns once its body has ended.
    ///
    /// `@unchecked Sendable`: the handle is immutable; `pthread_join` may be called from any thread, once.
    package final class JoinableThread: @unchecked Sendable {
        private let thread: pthread_t
        private init(_ thread: pthread_t) { self.thread = thread }

        /// Starts a thread that runs `body`; `nil` if the system refused (`body` is then never run).
        package static func start(_ body: @escaping @Sendable () -> Void) -> JoinableThread? {
            let context = Unmanaged.passRetained(ThreadStart(name: "", body: body)).toOpaque()
            #if canImport(Darwin)
                var thread: pthread_t?
                if pthread_create(&thread, nil, threadEntry, context) == 0, let thread {
                    return JoinableThread(thread)
                }
            #else
                var thread = pthread_t()
                if pthread_create(&thread, nil, threadEntry, context) == 0 {
                    return JoinableThread(thread)
                }
            #endif
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            return nil
        }

        /// Waits for the thread's body to end. Call it once, never from the thread itself.
        package func join() {
            pthread_join(thread, nil)
        }
    }

    /// One object per thread, released when its thread exits (`pthread` thread-specific data with a
    /// destructor).
    ///
    /// Create one for the life of the process (a `static let` or global): the key is never deleted.
    /// `@unchecked Sendable`: the key is immutable and each thread reads and writes only its own slot.
    package final class ThreadLocalObject<Object: AnyObject>: @unchecked Sendable {
        @usableFromInline let key: pthread_key_t

        /// Creates the key.
        package init() {
            var key = pthread_key_t()
            let status = pthread_key_create(&key, releaseThreadLocalObject)
            precondition(status == 0, "pthread_key_create failed with \(status)")
            self.key = key
        }

        /// The calling thread's object, or `nil` if it has none yet.
        @inlinable
        package var value: Object? {
            guard let raw = pthread_getspecific(key) else { return nil }
            return Unmanaged<Object>.fromOpaque(raw).takeUnretainedValue()
        }

        /// Gives the calling thread `object` (retained until it is replaced or the thread exits).
        package func set(_ object: Object) {
            let old = pthread_getspecific(key)
            pthread_setspecific(key, Unmanaged.passRetained(object).toOpaque())
            if let old { Unmanaged<AnyObject>.fromOpaque(old).release() }
        }
    }

    /// A value private to the calling thread, shared by all of swift-mlops: `BlockingExecutor` stores a
    /// pointer to itself there so that it can recognise its own threads. `nil` on other threads.
    package static var threadTag: UnsafeMutableRawPointer? {
        get { pthread_getspecific(threadTagKey) }
        set { pthread_setspecific(threadTagKey, newValue) }
    }

    private static let threadTagKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed with \(status)")
        return key
    }()

    /// A `pthread` mutex with a condition variable: the one blocking wait that threads swift-mlops owns use.
    ///
    /// `@unchecked Sendable`: the mutex and condition live at fixed heap addresses, and the C library
    /// synchronises every use of them.
    package final class ConditionLock: @unchecked Sendable {
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private let condition: UnsafeMutablePointer<pthread_cond_t>

        /// Creates an unlocked lock.
        package init() {
            mutex = .allocate(capacity: 1)
            condition = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            pthread_mutex_destroy(mutex)
            condition.deallocate()
            mutex.deallocate()
        }

        /// Takes the lock, blocking the thread while another holds it.
        package func lock() { pthread_mutex_lock(mutex) }

        /// Releases the lock.
        package func unlock() { pthread_mutex_unlock(mutex) }

        /// Runs `body` holding the lock.
        package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
            lock()
            defer { unlock() }
            return try body()
        }

        /// Releases the lock, sleeps until signalled (or spuriously), and takes the lock again. Call it
        /// holding the lock, in a loop that re-checks the awaited condition.
        package func wait() { pthread_cond_wait(condition, mutex) }

        /// As ``wait()``, but returns after about `nanoseconds` at the latest (`pthread_cond_timedwait`
        /// on the realtime clock: a clock step makes the wait end early or late, so re-check the condition
        /// and the time against ``Platform/monotonicNanoseconds()`` in the loop).
        package func wait(nanoseconds: Int) {
            guard nanoseconds > 0 else { return }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let total = Int(now.tv_nsec) + nanoseconds % 1_000_000_000
            var deadline = timespec()
            deadline.tv_sec = now.tv_sec + nanoseconds / 1_000_000_000 + total / 1_000_000_000
            deadline.tv_nsec = total % 1_000_000_000
            pthread_cond_timedwait(condition, mutex, &deadline)
        }

        /// Wakes one waiting thread.
        package func signal() { pthread_cond_signal(condition) }

        /// Wakes every waiting thread.
        package func broadcast() { pthread_cond_broadcast(condition) }
    }
}

/// What a new thread runs, passed through `pthread_create`'s context pointer.
private final class ThreadStart {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }

    func run() {
        #if canImport(Darwin)
            // Glibc declares pthread_setname_np only under _GNU_SOURCE, which Swift's module does not set.
            if !name.isEmpty { _ = pthread_setname_np(String(decoding: name.utf8.prefix(15), as: UTF8.self)) }
        #endif
        body()
    }
}

/// Releases a thread's ``Platform/ThreadLocalObject`` value when the thread exits.
#if canImport(Darwin)
    private func releaseThreadLocalObject(_ raw: UnsafeMutableRawPointer) {
        Unmanaged<AnyObject>.fromOpaque(raw).release()
    }
#else
    private func releaseThreadLocalObject(_ raw: UnsafeMutableRawPointer?) {
        if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
    }
#endif

#if canImport(Darwin)
    private func threadEntry(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue().run()
        return nil
    }
#else
    private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let context else { return nil }
        Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue().run()
        return nil
    }
#endif
