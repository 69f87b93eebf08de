#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsCore
import Testing

/// `Platform.directoryEntries` and `directoryEntryBytes`: every name comes back whole, and a name is read
/// in place — never by copying the fixed-size `d_name` array, which runs past an entry packed at the end
/// of the C library's buffer (a crash seen in CI: a `memcpy` into an unmapped page).
@Suite struct DirectoryEntriesTests {
    @Test func everyNameOfEveryLengthIsListedWhole() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mlops-dirents-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Lengths 1...255 and enough entries to fill several of readdir's buffers.
        var expected: Set<String> = []
        for index in 0..<3_000 {
            let length = 1 + index % 255
            let stem = String(index, radix: 36)
            let name = String((stem + String(repeating: "x", count: 255)).prefix(max(length, stem.count)))
            expected.insert(name)
        }
        for name in expected { #expect(FileManager.default.createFile(atPath: root + "/" + name, contents: nil)) }
        let descriptor = Platform.open(root, [.readOnly, .directory])
        #expect(descriptor >= 0)
        defer { Platform.close(descriptor) }
        let names = try #require(Platform.directoryEntries(descriptor))
        #expect(names.count == expected.count)
        #expect(Set(names) == expected)
        let bytes = try #require(Platform.directoryEntryBytes(descriptor))
        #expect(Set(bytes.map { String(decoding: $0, as: UTF8.self) }) == expected)
    }

    /// An entry whose name ends a few bytes before an inaccessible page is read without touching that
    /// page. Copying `d_name` as a value (256 bytes) would fault here and end the test process.
    @Test func aNameEndingAtAnInaccessiblePageIsReadInPlace() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = try #require(
            mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            "mmap failed")
        #expect(mapping != MAP_FAILED)
        defer { munmap(mapping, 2 * page) }
        #expect(mprotect(mapping + page, page, PROT_NONE) == 0)
        let name = Array("data.pack".utf8)
        let nameOffset = MemoryLayout<dirent>.offset(of: \.d_name)!
        // The record starts 8-byte aligned, and the name's zero is among the page's last bytes.
        let start = (page - nameOffset - name.count - 1) & ~7
        let record = mapping.advanced(by: start)
        let nameStart = record.advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
        for (index, byte) in name.enumerated() { nameStart[index] = byte }
        nameStart[name.count] = 0
        #expect(page - start < MemoryLayout<dirent>.size, "the record is truncated by the guard page")
        #expect(Platform.entryName(record.assumingMemoryBound(to: dirent.self)) == name)
    }
}
