import MLOpsCore

// Streaming readers and writers, aborted writes and concurrent puts.
extension BlobStoreConformance {
    /// Writes `data` through a writer in chunks of the given (cycled) sizes, without committing.
    static func writeChunks(_ writer: any BlobWriter, _ data: [UInt8], sizes: [Int]) async throws {
        var offset = 0
        var index = 0
        while offset < data.count {
            let end = Swift.min(data.count, offset + sizes[index % sizes.count])
            try await writer.write(Array(data[offset..<end]))
            offset = end
            index += 1
        }
    }

    /// Reads a whole object through a reader in chunks of the given (cycled) sizes.
    static func readChunks(_ reader: any BlobReader, sizes: [Int]) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(reader.size)
        var index = 0
        while true {
            let want = sizes[index % sizes.count]
            let chunk = try await reader.read(upTo: want)
            if chunk.isEmpty { break }
            try Expect.that(chunk.count <= want, "read(upTo: \(want)) returned \(chunk.count) bytes")
            bytes += chunk
            index += 1
            try Expect.that(bytes.count <= reader.size, "the reader returned more than its size \(reader.size)")
        }
        return bytes
    }

    static func checkLargeStreaming(_ store: any BlobStore, size: Int) async throws {
        let k = try key("large/object.bin")
        let data = TestBytes.pattern(seed: 32, count: size)
        let writer = try await Expect.noThrow("openWriter") { try await store.openWriter(k) }
        try await Expect.noThrow("writing \(size) bytes in odd chunks") {
            try await writeChunks(writer, data, sizes: [65_537, 1, 1_048_573, 12_345, 3, 4_194_319])
        }
        try Expect.that(!(try await exists(store, k)), "a streamed object is visible before commit")
        try await Expect.noThrow("commit of a \(size)-byte streamed object") { try await writer.commit() }
        try Expect.that(try await exists(store, k), "a committed streamed object does not exist")

        let reader = try await Expect.noThrow("openReader") { try await store.openReader(k) }
        try Expect.equal(reader.size, size, "reader size of the streamed object")
        let read = try await Expect.noThrow("reading in odd chunks") {
            try await readChunks(reader, sizes: [100_003, 7, 1_000_001, 65_536, 2_097_169])
        }
        try Expect.bytes(read, data, "bytes streamed back through a reader")
        let after = try await Expect.noThrow("read at the end") { try await reader.read(upTo: 10) }
        try Expect.equal(after.count, 0, "bytes read after the end")
        try await Expect.noThrow("close") { try await reader.close() }
        var readAfterCloseThrew = false
        do {
            _ = try await reader.read(upTo: 10)
        } catch {
            readAfterCloseThrew = true
        }
        try Expect.that(readAfterCloseThrew, "reading from a closed reader did not throw")
        try Expect.bytes(try await get(store, k), data, "get of the streamed object")

        // The same object put in one piece is a no-op; a reader over a put object streams it back.
        try await put(store, k, data)
        let small = try key("large/small.bin")
        let smallData = TestBytes.pattern(seed: 5, count: 300_001)
        try await put(store, small, smallData)
        let smallReader = try await Expect.noThrow("openReader") { try await store.openReader(small) }
        let smallRead = try await Expect.noThrow("reading in one-byte and odd chunks") {
            try await readChunks(smallReader, sizes: [1, 4_093, 99_991])
        }
        try Expect.bytes(smallRead, smallData, "a put object read through a reader")
        try await Expect.noThrow("close") { try await smallReader.close() }
    }

    static func checkWriterVisibility(_ store: any BlobStore) async throws {
        let k = try key("pending/object")
        let data = TestBytes.pattern(seed: 9, count: 1 << 20)
        let writer = try await Expect.noThrow("openWriter") { try await store.openWriter(k) }
        try await Expect.noThrow("write") { try await writeChunks(writer, data, sizes: [77_777]) }
        try Expect.that(!(try await exists(store, k)), "an uncommitted object exists")
        try Expect.equal(try await list(store, ""), [], "list while a write is in progress")
        try await Expect.throwsError(.notFound, "get of an uncommitted object") { _ = try await store.get(k) }
        try await Expect.noThrow("abort") { try await writer.abort() }
        try Expect.that(!(try await exists(store, k)), "an aborted object exists")
        try Expect.equal(try await list(store, ""), [], "list after abort")
        try await Expect.throwsError(.notFound, "get of an aborted object") { _ = try await store.get(k) }

        // After an abort the key is free: new, different bytes may be written.
        let second = try await Expect.noThrow("openWriter after abort") { try await store.openWriter(k) }
        try await Expect.noThrow("write") { try await second.write(Array("second".utf8)) }
        try await Expect.noThrow("commit after an earlier abort") { try await second.commit() }
        try Expect.bytes(try await get(store, k), Array("second".utf8), "the object committed after an abort")

        // A writer that is dropped without commit or abort leaves nothing visible.
        let dropped = try key("pending/dropped")
        do {
            let writer = try await Expect.noThrow("openWriter") { try await store.openWriter(dropped) }
            try await Expect.noThrow("write") { try await writer.write(data) }
        }
        try Expect.that(!(try await exists(store, dropped)), "a dropped, uncommitted writer's object exists")

        // Two writers for one key: both commit the same bytes, or one conflicts.
        let twin = try key("pending/twin")
        let w1 = try await Expect.noThrow("openWriter") { try await store.openWriter(twin) }
        let w2 = try await Expect.noThrow("openWriter") { try await store.openWriter(twin) }
        try await Expect.noThrow("write") { try await w1.write([1, 2, 3]) }
        try await Expect.noThrow("write") { try await w2.write([9, 9]) }
        try await Expect.noThrow("commit of the first of two writers") { try await w1.commit() }
        try await Expect.throwsError(.conflict, "commit of a second writer with different bytes") {
            try await w2.commit()
        }
        try Expect.bytes(try await get(store, twin), [1, 2, 3], "the object after two writers")
        try Expect.equal(
            try await list(store, "pending"), ["pending/object", "pending/twin"], "keys after the writers")
    }

    static func checkConcurrentSamePuts(_ store: any BlobStore, tasks: Int) async throws {
        let tasks = Swift.max(2, tasks)
        for round in 0..<3 {
            let k = try key("same/\(round)")
            let data = TestBytes.pattern(seed: UInt64(round), count: 100_000 * round + 17)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        try await Expect.noThrow("concurrent put of identical bytes by task \(task)") {
                            if task % 2 == 0 {
                                try await store.put(k, data: data)
                            } else {
                                let writer = try await store.openWriter(k)
                                try await writeChunks(writer, data, sizes: [33_333])
                                try await writer.commit()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            try Expect.bytes(try await get(store, k), data, "the object after \(tasks) identical concurrent puts")
        }
        try Expect.equal(try await list(store, ""), ["same/0", "same/1", "same/2"], "keys after identical puts")
    }

    static func checkConcurrentConflictingPuts(_ store: any BlobStore, tasks: Int) async throws {
        let tasks = Swift.max(2, tasks)
        for round in 0..<3 {
            let k = try key("race/\(round)")
            func data(_ task: Int) -> [UInt8] {
                TestBytes.pattern(seed: UInt64(task + 1000 * round), count: 50_000 + task)
            }
            let won = try await withThrowingTaskGroup(of: Int?.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        do {
                            if task % 2 == 0 {
                                try await store.put(k, data: data(task))
                            } else {
                                let writer = try await store.openWriter(k)
                                try await writeChunks(writer, data(task), sizes: [16_411])
                                try await writer.commit()
                            }
                            return task
                        } catch let error as MLOpsError where error.code == .conflict {
                            return nil  // Lost the race: expected for all but one task.
                        } catch {
                            throw ConformanceFailure(
                                message:
                                    "a concurrent put of different bytes failed with something other than conflict",
                                underlying: error)
                        }
                    }
                }
                var winners: [Int] = []
                for try await winner in group { if let winner { winners.append(winner) } }
                return winners
            }
            try Expect.equal(won.count, 1, "puts that succeeded among \(tasks) concurrent puts of different bytes")
            try Expect.bytes(try await get(store, k), data(won[0]), "the object after the race (the winner's bytes)")
        }
    }
}
