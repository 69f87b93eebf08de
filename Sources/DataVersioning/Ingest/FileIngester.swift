import MLOpsCore
import Synchronization

/// Hashes, chunks and packs files: the hot path of `add` and `commit`.
///
/// One producer forms jobs in order: segments of a large file, read and cut (FastCDC) here, and
/// batches of small files, which the jobs read and cut themselves. Jobs are hashed in parallel; an
/// in-order assembler picks the chunks no pack holds yet and queues them, as pieces of a
/// ``PackStreamWriter``, on a chain of write tasks that runs beside the hashing. Small files are
/// read a batch at a time into one buffer; a large file is read in
/// ``segmentSize`` pieces, the bytes after its last cut carried into the next piece, so its chunk
/// boundaries are those of one sequential pass.
///
/// Every file is checked after it is read (size, modification and change time, bytes read): a file
/// that changed while it was being read fails the ingest with `conflict` naming it, and nothing
/// refers to the bytes read.
final class FileIngester: Sendable {
    /// A file to ingest.
    struct Input: Sendable {
        var path: String
        var status: Platform.FileStatus
    }

    /// What a file became.
    struct Output: Sendable, Hashable {
        var kind: TreeEntry.Kind
        var size: UInt64
        var id: ObjectID
        /// The chunk list of a `.chunkedFile`, to be stored as a record.
        var chunkList: ChunkList?
    }

    /// Progress so far.
    struct Progress: Sendable {
        var files: Int
        var totalFiles: Int
        var bytes: UInt64
        var totalBytes: UInt64
    }

    static let defaultSegmentSize = 32 << 20
    static let batchBytes = 8 << 20
    static let batchFiles = 512

    let packs: PackStore
    let chunker: FastCDC
    let parallelism: Int
    /// Files larger than this are read in pieces of this size; smaller ones whole.
    let segmentSize: Int

    init(
        packs: PackStore, chunker: FastCDC, parallelism: Int = Platform.processorCount,
        segmentSize: Int = FileIngester.defaultSegmentSize
    ) {
        self.packs = packs
        self.chunker = chunker
        self.parallelism = Swift.max(1, parallelism)
        self.segmentSize = Swift.max(segmentSize, chunker.parameters.maximumSize)
    }

    /// A buffer of file bytes with its chunks: one unit of hashing work.
    fileprivate final class Job: @unchecked Sendable {
        // Owned by one task at a time: filled by the producer, hashed by one job, read by the assembler.
        var buffer: [UInt8]
        var chunkFiles: [Int] = []
        var chunkStarts: [Int] = []
        var chunkLengths: [Int] = []
        var digests: [SHA256Digest] = []
        /// Files whose last chunk is in this job.
        var finishedFiles: [Int] = []
        /// Small files the job reads itself (in parallel with other jobs) before hashing.
        var pendingFiles: [Int] = []

        init(buffer: [UInt8]) { self.buffer = buffer }

        /// Moves the buffer out (for reuse), leaving the job empty.
        func takeBuffer() -> [UInt8] {
            var taken: [UInt8] = []
            swap(&taken, &buffer)
            return taken
        }

        func hash() {
            digests.reserveCapacity(chunkStarts.count)
            buffer.withUnsafeBytes { raw in
                for index in chunkStarts.indices {
                    let start = chunkStarts[index]
                    digests.append(
                        SHA256.hash(UnsafeRawBufferPointer(rebasing: raw[start..<start + chunkLengths[index]])))
                }
            }
        }
    }

    /// Ingests `inputs`, returning one output per input in order.
    ///
    /// - Throws: `conflict` if a file changed while it was read; `ioError` for unreadable files;
    ///   storage errors from writing packs.
    func ingest(_ inputs: [Input], progress: (@Sendable (Progress) -> Void)? = nil) async throws -> [Output] {
        if inputs.isEmpty { return [] }
        try await packs.refresh()
        let pool = BufferPool()
        let reading = FileReading(inputs: inputs, chunker: chunker)
        let producer = Producer(reading: reading, segmentSize: segmentSize, pool: pool)
        let assembler = Assembler(inputs: inputs, known: packs.snapshot())
        let totalBytes = inputs.reduce(UInt64(0)) { $0 + UInt64($1.status.size) }
        let maxInFlight = parallelism * 2 + 1
        var pack: PackStreamWriter?
        var packSize = 0
        let packs = self.packs
        // Pack writes run in order on a chain of tasks, beside the hashing and the next reads; at
        // most a few pieces wait, so memory stays bounded.
        var chain: Task<Void, any Error>?
        var links: [Task<Void, any Error>] = []

        func enqueue(_ operation: @escaping @Sendable () async throws -> Void) async throws {
            let previous = chain
            let link = Task {
                try await previous?.value
                try await operation()
            }
            chain = link
            links.append(link)
            while links.count > 4 { try await links.removeFirst().value }
        }

        /// Queues a job's new chunks for the current pack; closes the pack once it is full.
        func write(_ job: Job) async throws {
            guard let (piece, chunks) = assembler.add(job) else {
                pool.recycle(job.takeBuffer())
                return
            }
            let writer: PackStreamWriter
            if let pack {
                writer = pack
            } else {
                writer = try await PackStreamWriter(store: packs)
                pack = writer
            }
            // `nil` piece: every chunk of the job is new and its buffer is the piece.
            let bytes = piece ?? job.takeBuffer()
            let reusable = piece == nil
            try await enqueue {
                try await writer.append(bytes, chunks: chunks)
                if reusable { pool.recycle(bytes) }
            }
            packSize += bytes.count
            if packSize >= PackBuilder.targetSize {
                pack = nil
                packSize = 0
                try await enqueue { try await writer.finish() }
            }
        }

        do {
            try await withThrowingTaskGroup(of: (Int, Job).self) { group in
                var sequence = 0
                var nextToAssemble = 0
                var finished: [Int: Job] = [:]
                var inFlight = 0

                func assembleReady() async throws {
                    while let job = finished.removeValue(forKey: nextToAssemble) {
                        try await write(job)
                        nextToAssemble += 1
                        if let progress {
                            progress(
                                Progress(
                                    files: assembler.finishedFileCount, totalFiles: inputs.count,
                                    bytes: assembler.bytesDone, totalBytes: totalBytes))
                        }
                    }
                }

                while let job = try await BlockingExecutor.shared.run({ try producer.next() }) {
                    let number = sequence
                    sequence += 1
                    group.addTask {
                        try await BlockingExecutor.shared.run {
                            for file in job.pendingFiles { try reading.readSmall(file, into: job) }
                            job.hash()
                        }
                        return (number, job)
                    }
                    inFlight += 1
                    while inFlight >= maxInFlight, let (number, done) = try await group.next() {
                        inFlight -= 1
                        finished[number] = done
                        try await assembleReady()
                    }
                }
                while let (number, done) = try await group.next() {
                    finished[number] = done
                    try await assembleReady()
                }
            }
            if let last = pack {
                pack = nil
                try await enqueue { try await last.finish() }
            }
            for link in links { try await link.value }
        } catch {
            for link in links { _ = try? await link.value }
            await pack?.abort()
            throw error
        }
        return try assembler.outputs()
    }
}

/// Buffers of finished jobs, reused so that ingesting a gigabyte does not fault in a fresh
/// gigabyte of pages.
final class BufferPool: Sendable {
    private let buffers = Mutex<[[UInt8]]>([])

    /// An empty buffer with at least `capacity` bytes reserved.
    func take(capacity: Int) -> [UInt8] {
        var buffer = buffers.withLock { $0.popLast() } ?? []
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(capacity)
        return buffer
    }

    /// Returns a buffer for reuse (a few are kept).
    func recycle(_ buffer: [UInt8]) {
        buffers.withLock { if $0.count < 8 { $0.append(buffer) } }
    }
}

extension FileIngester {
    /// Reads files and cuts chunks, in order. Used by one task at a time.
    fileprivate final class Producer: @unchecked Sendable {
        let reading: FileReading
        var inputs: [Input] { reading.inputs }
        var nextInput = 0
        // The large file being read.
        var descriptor: Int32 = -1
        var fileIndex = 0
        var fileOffset = 0
        var carry: [UInt8] = []

        let segmentSize: Int
        let pool: BufferPool

        init(reading: FileReading, segmentSize: Int, pool: BufferPool) {
            self.reading = reading
            self.segmentSize = segmentSize
            self.pool = pool
        }

        deinit { if descriptor >= 0 { Platform.close(descriptor) } }

        /// The next job: a segment of a large file, read and cut here, or a batch of small files
        /// that the job reads itself.
        func next() throws -> Job? {
            if descriptor >= 0 { return try nextSegment() }
            guard nextInput < inputs.count else { return nil }
            if inputs[nextInput].status.size > segmentSize {
                fileIndex = nextInput
                nextInput += 1
                descriptor = try reading.open(inputs[fileIndex].path)
                fileOffset = 0
                carry = []
                return try nextSegment()
            }
            var files: [Int] = []
            var bytes = 0
            while nextInput < inputs.count, inputs[nextInput].status.size <= segmentSize,
                files.count < FileIngester.batchFiles, bytes < FileIngester.batchBytes
            {
                files.append(nextInput)
                bytes += inputs[nextInput].status.size + 1
                nextInput += 1
            }
            let job = Job(buffer: pool.take(capacity: bytes))
            job.pendingFiles = files
            return job
        }

        /// Reads the next segment of the large file and cuts it; the bytes after the last cut
        /// are carried into the next segment unless the file ended.
        private func nextSegment() throws -> Job {
            let size = inputs[fileIndex].status.size
            let job = Job(buffer: pool.take(capacity: carry.count + segmentSize + 1))
            job.buffer.append(contentsOf: carry)
            carry = []
            let want = Swift.min(segmentSize, size - fileOffset)
            let start = job.buffer.count
            job.buffer.append(contentsOf: repeatElement(0, count: want))
            var done = 0
            while done < want {
                let got = job.buffer.withUnsafeMutableBytes { raw in
                    Platform.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: raw[(start + done)...]))
                }
                if got < 0 {
                    if Platform.errno == Platform.interrupted { continue }
                    throw FileSystem.error("cannot read the file to add", inputs[fileIndex].path)
                }
                if got == 0 { break }
                done += got
            }
            guard done == want else { throw reading.changed(fileIndex) }
            fileOffset += want
            let atEnd = fileOffset == size
            if atEnd {
                var extra: UInt8 = 0
                let got = withUnsafeMutableBytes(of: &extra) { Platform.read(descriptor, $0) }
                try reading.checkUnchanged(descriptor, fileIndex, bytesRead: fileOffset + Swift.max(0, got))
                Platform.close(descriptor)
                descriptor = -1
            }
            var keep = job.buffer.count
            job.buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                    guard let length = reading.chunker.nextCut(in: rest) ?? (atEnd ? rest.count : nil) else { break }
                    job.chunkFiles.append(fileIndex)
                    job.chunkStarts.append(offset)
                    job.chunkLengths.append(length)
                    offset += length
                }
                keep = offset
            }
            if atEnd {
                job.finishedFiles.append(fileIndex)
            } else {
                carry = Array(job.buffer[keep...])
                job.buffer.removeSubrange(keep...)
            }
            return job
        }
    }

    /// Reads and cuts files; shared by the producer and the jobs.
    fileprivate struct FileReading: Sendable {
        let inputs: [Input]
        let chunker: FastCDC

        func open(_ path: String) throws -> Int32 {
            let fd = Platform.open(path, [.readOnly, .noFollow])
            guard fd >= 0 else { throw FileSystem.error("cannot open the file to add", path) }
            return fd
        }

        func changed(_ index: Int) -> MLOpsError {
            MLOpsError(
                .conflict, "the file changed while it was being added; nothing was recorded for it — add it again",
                value: DisplayText.escapingControlCharacters(inputs[index].path))
        }

        func checkUnchanged(_ fd: Int32, _ index: Int, bytesRead: Int) throws {
            let before = inputs[index].status
            guard let after = Platform.status(fd), after.size == before.size, bytesRead == before.size,
                after.modificationNanoseconds == before.modificationNanoseconds,
                after.changeNanoseconds == before.changeNanoseconds
            else { throw changed(index) }
        }

        /// Reads a whole small file into the job's buffer and cuts it.
        func readSmall(_ index: Int, into job: Job) throws {
            let fd = try open(inputs[index].path)
            defer { Platform.close(fd) }
            let size = inputs[index].status.size
            let start = job.buffer.count
            // One byte more than expected, to notice a file that grew.
            job.buffer.append(contentsOf: repeatElement(0, count: size + 1))
            var done = 0
            while done <= size {
                let got = job.buffer.withUnsafeMutableBytes { raw in
                    Platform.read(fd, UnsafeMutableRawBufferPointer(rebasing: raw[(start + done)..<(start + size + 1)]))
                }
                if got < 0 {
                    if Platform.errno == Platform.interrupted { continue }
                    throw FileSystem.error("cannot read the file to add", inputs[index].path)
                }
                if got == 0 { break }
                done += got
            }
            try checkUnchanged(fd, index, bytesRead: done)
            job.buffer.removeLast()
            if size == 0 {
                job.chunkFiles.append(index)
                job.chunkStarts.append(start)
                job.chunkLengths.append(0)
            } else {
                job.buffer.withUnsafeBytes { raw in
                    var offset = start
                    let end = start + size
                    while offset < end {
                        let rest = UnsafeRawBufferPointer(rebasing: raw[offset..<end])
                        let length = chunker.nextCut(in: rest) ?? rest.count
                        job.chunkFiles.append(index)
                        job.chunkStarts.append(offset)
                        job.chunkLengths.append(length)
                        offset += length
                    }
                }
            }
            job.finishedFiles.append(index)
        }
    }

    /// Builds file outputs from hashed jobs and picks the chunks to store, in order. Used by one
    /// task at a time.
    fileprivate final class Assembler: @unchecked Sendable {
        let inputs: [Input]
        let known: [SHA256Digest: ChunkLocation]
        var added = Set<SHA256Digest>()
        var chunks: [[ChunkList.Chunk]]
        var results: [Output?]
        var finishedFileCount = 0
        var bytesDone: UInt64 = 0

        init(inputs: [Input], known: [SHA256Digest: ChunkLocation]) {
            self.inputs = inputs
            self.known = known
            chunks = Array(repeating: [], count: inputs.count)
            results = Array(repeating: nil, count: inputs.count)
        }

        /// Records the job's chunks and returns the bytes of those no pack holds yet with their
        /// (digest, offset, length) — `nil` bytes when every chunk in the job is new, so the job's
        /// own buffer is the piece — or `nil` when no chunk is new.
        func add(_ job: Job) -> ([UInt8]?, [(SHA256Digest, Int, Int)])? {
            var fresh: [(SHA256Digest, Int, Int)] = []
            var freshBytes = 0
            for index in job.chunkStarts.indices {
                let digest = job.digests[index]
                let length = job.chunkLengths[index]
                chunks[job.chunkFiles[index]].append(ChunkList.Chunk(id: ObjectID(digest), length: UInt32(length)))
                bytesDone += UInt64(length)
                if known[digest] == nil, added.insert(digest).inserted {
                    fresh.append((digest, job.chunkStarts[index], length))
                    freshBytes += length
                }
            }
            for file in job.finishedFiles {
                let list = chunks[file]
                chunks[file] = []
                if list.count == 1 {
                    results[file] = Output(kind: .file, size: UInt64(list[0].length), id: list[0].id, chunkList: nil)
                } else {
                    let chunkList = ChunkList(chunks: list)
                    results[file] = Output(
                        kind: .chunkedFile, size: chunkList.size, id: chunkList.id, chunkList: chunkList)
                }
                finishedFileCount += 1
            }
            if fresh.isEmpty { return nil }
            // The chunks of a job tile its buffer, so all-new means the buffer is the piece.
            if freshBytes == job.buffer.count { return (nil, fresh) }
            var piece: [UInt8] = []
            piece.reserveCapacity(freshBytes)
            var relocated: [(SHA256Digest, Int, Int)] = []
            relocated.reserveCapacity(fresh.count)
            job.buffer.withUnsafeBytes { raw in
                for (digest, start, length) in fresh {
                    relocated.append((digest, piece.count, length))
                    piece.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<start + length]))
                }
            }
            return (piece, relocated)
        }

        func outputs() throws -> [Output] {
            try results.enumerated().map { index, output in
                guard let output else {
                    throw MLOpsError(.invalidState, "a file was not ingested", value: inputs[index].path)
                }
                return output
            }
        }
    }
}
