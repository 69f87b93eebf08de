@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// CRC32C, TFRecord framing, the hand-written Event encoder, and the
/// TensorBoard exporter — checked with a reader written here, independently
/// of the code under test, and against an event file TensorBoard wrote.
@Suite struct ExportTensorBoardTests {
    // MARK: CRC32C

    @Test func crc32cMatchesPublishedVectors() {
        // The check value of the CRC-32C catalogue entry and the RFC 3720 (iSCSI) B.4 vectors.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("a".utf8)) == 0xC1D0_4330)
    }

    @Test func crc32cAgreesWithABitwiseReferenceAtEveryLengthAndSplit() {
        var random = SeededRandom(seed: 11)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for length in 0...data.count {
            let slice = Array(data[0..<length])
            let expected = TFRecordTestReader.bitwiseCRC32C(slice)
            #expect(CRC32C.checksum(slice) == expected, "length \(length)")
            let split = length / 3
            let parts = CRC32C.update(CRC32C.checksum(Array(slice[0..<split])), Array(slice[split...]))
            #expect(parts == expected, "length \(length) split at \(split)")
        }
    }

    @Test func maskRoundTripsAndMatchesTheFormula() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        var random = SeededRandom(seed: 3)
        for _ in 0..<1_000 {
            let crc = UInt32(truncatingIfNeeded: random.next())
            let rotated = (crc >> 15) | (crc << 17)
            #expect(CRC32C.masked(crc) == rotated &+ 0xA282_EAD8)
            #expect(CRC32C.unmasked(CRC32C.masked(crc)) == crc)
        }
    }

    // MARK: Framing and events

    @Test func framedRecordsDecodeBack() throws {
        var file: [UInt8] = []
        let payloads: [[UInt8]] = [[], [1], Array("hello".utf8), [UInt8](repeating: 7, count: 70_000)]
        for payload in payloads { TFRecord.append(payload, to: &file) }
        #expect(file.count == payloads.map { $0.count + TFRecord.overhead }.reduce(0, +))
        #expect(try TFRecordTestReader.records(file) == payloads)
        #expect(TFRecord.frame(Array("hello".utf8)) == Array(file[33..<(33 + 5 + 16)]))
    }

    @Test func theReaderRejectsDamagedFiles() throws {
        let file = TFRecord.frame(Array("payload".utf8))
        var badLength = file
        badLength[8] ^= 1
        #expect(throws: TFRecordTestReader.Failure.lengthChecksum(offset: 0)) {
            try TFRecordTestReader.records(badLength)
        }
        var badData = file
        badData[13] ^= 0x40
        #expect(throws: TFRecordTestReader.Failure.dataChecksum(offset: 0)) { try TFRecordTestReader.records(badData) }
        #expect(throws: TFRecordTestReader.Failure.truncated(offset: 0)) {
            try TFRecordTestReader.records(Array(file.dropLast()))
        }
        #expect(throws: TFRecordTestReader.Failure.truncated(offset: 0)) { try TFRecordTestReader.records([1, 2, 3]) }
    }

    @Test func theGoldenTensorBoardFileDecodes() throws {
        let records = try TFRecordTestReader.records(Self.golden)
        let events = try records.map(TFRecordTestReader.decodeEvent)
        #expect(events.count == 6)
        #expect(events[0].fileVersion == "brain.Event:2")
        #expect(events[0].writer == "tensorboard.summary.writer.event_file_writer")
        #expect(events[0].values.isEmpty)
        let loss: [Float] = [1, 0.5, 1 / 3, 0.25, 0.2]
        let accuracy: [Float] = [0.5, 0.6, 0.7, 0.8, 0.9]
        for step in 0..<5 {
            let event = events[step + 1]
            #expect(event.step == Int64(step))
            #expect(event.fileVersion == nil)
            #expect(event.values.map(\.tag) == ["loss", "accuracy"])
            #expect(event.values.map(\.value) == [loss[step], accuracy[step]])
            #expect((event.wallTime ?? 0) == 1_700_000_000 + Double(step))
        }
    }

    @Test func reEncodingTheGoldenEventsGivesTheGoldenBytes() throws {
        let events = try TFRecordTestReader.records(Self.golden).map(TFRecordTestReader.decodeEvent)
        var file: [UInt8] = []
        for event in events {
            let encoded: TensorBoardEvent
            if let version = event.fileVersion {
                encoded = TensorBoardEvent(
                    wallTime: try #require(event.wallTime), step: event.step,
                    content: .fileVersion(version, writer: event.writer))
            } else {
                encoded = TensorBoardEvent(
                    wallTime: try #require(event.wallTime), step: event.step,
                    scalars: event.values.map { TensorBoardEvent.Scalar(tag: $0.tag, value: $0.value) })
            }
            TFRecord.append(encoded.encoded(), to: &file)
        }
        #expect(file == Self.golden)
    }

    @Test func eventsRoundTripThroughTheTestReader() throws {
        let header = TensorBoardEvent.fileVersion(wallTime: 1_700_000_000.5, writer: nil)
        let scalars = TensorBoardEvent(
            wallTime: 1_700_000_001.25, step: -3,
            scalars: [
                .init(tag: "train/loss", value: .nan), .init(tag: "é", value: -.infinity),
                .init(tag: "x", value: Float(bitPattern: 0x0001_16C2)),
            ])
        let decodedHeader = try TFRecordTestReader.decodeEvent(header.encoded())
        #expect(decodedHeader.fileVersion == "brain.Event:2")
        #expect(decodedHeader.writer == nil)
        #expect(decodedHeader.wallTime == 1_700_000_000.5)
        let decoded = try TFRecordTestReader.decodeEvent(scalars.encoded())
        #expect(decoded.step == -3)
        #expect(decoded.wallTime == 1_700_000_001.25)
        #expect(decoded.values.map(\.tag) == ["train/loss", "é", "x"])
        #expect(decoded.values[0].value.isNaN)
        #expect(decoded.values[1].value == -.infinity)
        #expect(decoded.values[2].value.bitPattern == 0x0001_16C2)
    }

    // MARK: Exporter

    @Test func exportWritesOneEventFilePerRunWithEveryPoint() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let first = try await tracker.startRun(experiment: "vision", name: "resnet")
        for step in 0..<50 {
            try await first.log(
                metrics: ["loss": 1 / Double(step + 1), "train/acc": Double(step) / 50], step: Int64(step))
        }
        try await first.log(metric: "loss", value: .nan, step: 50, timestamp: 1_800_000_000_000)
        try await first.log(metric: "loss", value: .infinity, step: 51, timestamp: 1_800_000_000_001)
        try await first.finish()
        let second = try await tracker.startRun(experiment: "vision", name: "resnet")  // the same name
        try await second.log(metric: "loss", value: 0.6, step: 0)
        try await second.finish()
        let other = try await tracker.startRun(experiment: "nlp/bert", name: "../escape")
        try await other.log(metric: "f1", value: 0.5, step: 7)
        try await other.finish()
        let deleted = try await tracker.startRun(experiment: "vision", name: "gone")
        try await deleted.finish()
        try await tracker.deleteRun(id: deleted.runID)

        let directory = try #require(fixture.scratch).path + "/tb"
        let exporter = TensorBoardExporter(tracker: tracker, options: .init(hostName: "host", processID: 42))
        let summary = try await exporter.export(to: directory)
        #expect(summary.runs == 3)
        #expect(summary.experiments == 2)
        #expect(summary.metricPoints == 50 * 2 + 2 + 1 + 1)

        let files = try Self.eventFiles(directory)
        #expect(
            files.keys.sorted() == [
                "", "nlp_bert/_._escape", "vision/resnet-\(first.runID)", "vision/resnet-\(second.runID)",
            ])
        let firstFile = try #require(files["vision/resnet-\(first.runID)"])
        let seconds = try await tracker.run(id: first.runID).info.startTime / 1000
        #expect(firstFile.name == "events.out.tfevents.\(seconds).host.42.0")
        let events = try TFRecordTestReader.records(firstFile.bytes).map(TFRecordTestReader.decodeEvent)
        #expect(events[0].fileVersion == "brain.Event:2")
        #expect(events[0].writer == "swift-mlops")
        var series: [String: [(step: Int64, value: Float)]] = [:]
        for event in events.dropFirst() {
            for value in event.values { series[value.tag, default: []].append((event.step, value.value)) }
        }
        let loss = try #require(series["loss"])
        #expect(loss.count == 52)
        let expectedLoss: [Float] = (0..<50).map { (step: Int) -> Float in Float(1 / Double(step + 1)) }
        let lossValues: [Float] = loss.prefix(50).map(\.value)
        #expect(lossValues == expectedLoss)
        let expectedSteps: [Int64] = (0..<52).map { (step: Int) -> Int64 in Int64(step) }
        let lossSteps: [Int64] = loss.map(\.step)
        #expect(lossSteps == expectedSteps)
        #expect(loss[50].value.isNaN)
        #expect(loss[51].value == .infinity)
        let expectedAccuracy: [Float] = (0..<50).map { (step: Int) -> Float in Float(Double(step) / 50) }
        let accuracy: [Float] = series["train/acc"]?.map(\.value) ?? []
        #expect(accuracy == expectedAccuracy)
        // Both metrics of a step share one event, stamped with the points' time.
        #expect(events[2].values.map(\.tag) == ["loss", "train/acc"])
        let history = try await tracker.metricHistory(runID: first.runID, key: "loss")
        #expect(events[2].wallTime == Double(history[0].timestamp) / 1000)
        #expect(events.dropLast().last?.wallTime == 1_800_000_000.001)
        // The hparams session wraps the scalars: start after the header, end last.
        #expect(events[1].plugins.map(\.tag) == [TensorBoardHParams.sessionStartTag])
        #expect(events[1].step == 0)
        #expect(events.last?.plugins.map(\.tag) == [TensorBoardHParams.sessionEndTag])
        #expect(events.last?.step == 51)

        // Exporting again (from another host and process) replaces the files, under their first names,
        // instead of adding more.
        let again = TensorBoardExporter(tracker: tracker, options: .init(hostName: "other", processID: 7))
        try await again.export(to: directory)
        let rewritten = try Self.eventFiles(directory)
        #expect(rewritten.count == 4)
        #expect(rewritten[""]?.name.hasSuffix(".host.42.0") == true)
        #expect(rewritten["vision/resnet-\(first.runID)"]?.name.hasSuffix(".host.42.0") == true)
        #expect(rewritten["vision/resnet-\(first.runID)"]?.bytes == files["vision/resnet-\(first.runID)"]?.bytes)
    }

    @Test func exportHonoursTheSelection() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let a = try await tracker.startRun(experiment: "a", name: "one")
        try await a.log(metric: "m", value: 1)
        try await a.finish()
        let b = try await tracker.startRun(experiment: "b", name: "two")
        try await b.log(metric: "m", value: 2)
        try await b.finish()
        let root = try #require(fixture.scratch).path
        let exporter = TensorBoardExporter(tracker: tracker, options: .init(hostName: "h", processID: 1))
        try await exporter.export(to: root + "/by-name", selection: ExportSelection(experimentNames: ["b"]))
        #expect(try Self.eventFiles(root + "/by-name").keys.sorted() == ["", "b/two"])
        try await exporter.export(to: root + "/by-run", selection: ExportSelection(runIDs: [a.runID]))
        #expect(try Self.eventFiles(root + "/by-run").keys.sorted() == ["", "a/one"])
        #expect(
            await mlopsError { try await exporter.export(to: root + "/x", selection: .init(experimentNames: ["zz"])) }?
                .code == .notFound)
        #expect(
            await mlopsError { try await exporter.export(to: root + "/x", selection: .init(runIDs: ["nope"])) }?.code
                == .notFound)
        #expect(
            await mlopsError {
                try await exporter.export(to: root + "/x", selection: .init(experimentNames: ["b"], runIDs: [a.runID]))
            }?.code == .invalidArgument)
    }

    @Test func directoryNamesAreSafeAndUnique() {
        #expect(TensorBoardExporter.sanitize("a/b") == "a_b")
        #expect(TensorBoardExporter.sanitize("..") == "_.")
        #expect(TensorBoardExporter.sanitize("") == "_")
        #expect(TensorBoardExporter.sanitize("résumé 2") == "résumé 2")
        #expect(TensorBoardExporter.sanitize("a\u{0}b:c") == "a_b_c")
        #expect(TensorBoardExporter.sanitize(String(repeating: "é", count: 300)).utf8.count == 200)
        let names = TensorBoardExporter.uniqueNames([("x", "1"), ("x", "2"), ("y", "3"), ("x-1", "4")])
        #expect(names == ["x-1", "x-2", "y", "x-1-2"])
    }

    /// Event files under `directory`, by their directory relative to it.
    static func eventFiles(_ directory: String) throws -> [String: (name: String, bytes: [UInt8])] {
        var result: [String: (name: String, bytes: [UInt8])] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let url = URL(fileURLWithPath: directory + "/" + relative)
            guard url.lastPathComponent.contains("tfevents") else { continue }
            let parent = (relative as NSString).deletingLastPathComponent
            #expect(result[parent] == nil, "two event files in \(parent)")
            result[parent] = (url.lastPathComponent, Array(try Data(contentsOf: url)))
        }
        return result
    }

    /// `events.out.tfevents.1795338123.vm.21330.0`, written by tensorboard 2.21's
    /// EventFileWriter: 5 steps of `loss` and `accuracy`.
    static let golden: [UInt8] = [
        0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFE, 0x92, 0x48, 0x9D, 0x09, 0x55, 0x77, 0xE4,
        0xE2, 0xAB, 0xC0, 0xDA, 0x41, 0x1A, 0x0D, 0x62, 0x72, 0x61, 0x69, 0x6E, 0x2E, 0x45, 0x76, 0x65,
        0x6E, 0x74, 0x3A, 0x32, 0x52, 0x2E, 0x0A, 0x2C, 0x74, 0x65, 0x6E, 0x73, 0x6F, 0x72, 0x62, 0x6F,
        0x61, 0x72, 0x64, 0x2E, 0x73, 0x75, 0x6D, 0x6D, 0x61, 0x72, 0x79, 0x2E, 0x77, 0x72, 0x69, 0x74,
        0x65, 0x72, 0x2E, 0x65, 0x76, 0x65, 0x6E, 0x74, 0x5F, 0x66, 0x69, 0x6C, 0x65, 0x5F, 0x77, 0x72,
        0x69, 0x74, 0x65, 0x72, 0xFE, 0x27, 0xB8, 0x92, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x37, 0xFF, 0x5F, 0x00, 0x09, 0x00, 0x00, 0x00, 0x40, 0xFC, 0x54, 0xD9, 0x41, 0x2A, 0x1E, 0x0A,
        0x0B, 0x0A, 0x04, 0x6C, 0x6F, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3F, 0x0A, 0x0F, 0x0A, 0x08,
        0x61, 0x63, 0x63, 0x75, 0x72, 0x61, 0x63, 0x79, 0x15, 0x00, 0x00, 0x00, 0x3F, 0x9F, 0x73, 0xA7,
        0x99, 0x2B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0x1B, 0xC3, 0x4B, 0x09, 0x00, 0x00,
        0x40, 0x40, 0xFC, 0x54, 0xD9, 0x41, 0x10, 0x01, 0x2A, 0x1E, 0x0A, 0x0B, 0x0A, 0x04, 0x6C, 0x6F,
        0x73, 0x73, 0x15, 0x00, 0x00, 0x00, 0x3F, 0x0A, 0x0F, 0x0A, 0x08, 0x61, 0x63, 0x63, 0x75, 0x72,
        0x61, 0x63, 0x79, 0x15, 0x9A, 0x99, 0x19, 0x3F, 0x1F, 0x3A, 0x4B, 0xA0, 0x2B, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x86, 0x1B, 0xC3, 0x4B, 0x09, 0x00, 0x00, 0x80, 0x40, 0xFC, 0x54, 0xD9,
        0x41, 0x10, 0x02, 0x2A, 0x1E, 0x0A, 0x0B, 0x0A, 0x04, 0x6C, 0x6F, 0x73, 0x73, 0x15, 0xAB, 0xAA,
        0xAA, 0x3E, 0x0A, 0x0F, 0x0A, 0x08, 0x61, 0x63, 0x63, 0x75, 0x72, 0x61, 0x63, 0x79, 0x15, 0x33,
        0x33, 0x33, 0x3F, 0xBB, 0xA0, 0xF6, 0x72, 0x2B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86,
        0x1B, 0xC3, 0x4B, 0x09, 0x00, 0x00, 0xC0, 0x40, 0xFC, 0x54, 0xD9, 0x41, 0x10, 0x03, 0x2A, 0x1E,
        0x0A, 0x0B, 0x0A, 0x04, 0x6C, 0x6F, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3E, 0x0A, 0x0F, 0x0A,
        0x08, 0x61, 0x63, 0x63, 0x75, 0x72, 0x61, 0x63, 0x79, 0x15, 0xCD, 0xCC, 0x4C, 0x3F, 0xA2, 0x72,
        0x17, 0x29, 0x2B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0x1B, 0xC3, 0x4B, 0x09, 0x00,
        0x00, 0x00, 0x41, 0xFC, 0x54, 0xD9, 0x41, 0x10, 0x04, 0x2A, 0x1E, 0x0A, 0x0B, 0x0A, 0x04, 0x6C,
        0x6F, 0x73, 0x73, 0x15, 0xCD, 0xCC, 0x4C, 0x3E, 0x0A, 0x0F, 0x0A, 0x08, 0x61, 0x63, 0x63, 0x75,
        0x72, 0x61, 0x63, 0x79, 0x15, 0x66, 0x66, 0x66, 0x3F, 0xC2, 0x1A, 0x01, 0x76,
    ]
}

/// A TFRecord and Event reader independent of the code under test: bitwise
/// CRC32C, and a protobuf decoder for the fields TensorBoard's scalars use.
enum TFRecordTestReader {
    enum Failure: Error, Equatable {
        case truncated(offset: Int)
        case lengthChecksum(offset: Int)
        case dataChecksum(offset: Int)
        case badProtobuf(String)
    }

    struct Event {
        var wallTime: Double?
        var step: Int64 = 0
        var fileVersion: String?
        var writer: String?
        var values: [(tag: String, value: Float)] = []
        /// Summary values with plugin metadata instead of a `simple_value`.
        var plugins: [(tag: String, plugin: String, content: [UInt8])] = []
    }

    static func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    static func masked(_ bytes: some Collection<UInt8>) -> UInt32 {
        let crc = bitwiseCRC32C(Array(bytes))
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func records(_ file: [UInt8]) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < file.count {
            guard file.count - offset >= 12 else { throw Failure.truncated(offset: offset) }
            let length = littleEndian(file[offset..<(offset + 8)])
            guard UInt32(littleEndian(file[(offset + 8)..<(offset + 12)])) == masked(file[offset..<(offset + 8)]) else {
                throw Failure.lengthChecksum(offset: offset)
            }
            guard length <= UInt64(file.count - offset - 16) else { throw Failure.truncated(offset: offset) }
            let start = offset + 12
            let end = start + Int(length)
            guard UInt32(littleEndian(file[end..<(end + 4)])) == masked(file[start..<end]) else {
                throw Failure.dataChecksum(offset: offset)
            }
            records.append(Array(file[start..<end]))
            offset = end + 4
        }
        return records
    }

    /// (field, wire type, value bytes or varint) triples of one message.
    static func fields(_ bytes: [UInt8]) throws -> [(field: UInt64, wireType: UInt64, data: [UInt8], number: UInt64)] {
        var result: [(field: UInt64, wireType: UInt64, data: [UInt8], number: UInt64)] = []
        var p = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard p < bytes.count, shift < 64 else { throw Failure.badProtobuf("varint at \(p)") }
                let byte = bytes[p]
                p += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while p < bytes.count {
            let key = try varint()
            let field = key >> 3
            let wireType = key & 7
            switch wireType {
            case 0: result.append((field, wireType, [], try varint()))
            case 1, 5:
                let size = wireType == 1 ? 8 : 4
                guard p + size <= bytes.count else { throw Failure.badProtobuf("fixed field at \(p)") }
                result.append((field, wireType, Array(bytes[p..<(p + size)]), 0))
                p += size
            case 2:
                let size = Int(try varint())
                guard size <= bytes.count - p else { throw Failure.badProtobuf("length at \(p)") }
                result.append((field, wireType, Array(bytes[p..<(p + size)]), 0))
                p += size
            default: throw Failure.badProtobuf("wire type \(wireType)")
            }
        }
        return result
    }

    static func decodeEvent(_ bytes: [UInt8]) throws -> Event {
        var event = Event()
        for item in try fields(bytes) {
            switch (item.field, item.wireType) {
            case (1, 1): event.wallTime = Double(bitPattern: littleEndian(item.data[...]))
            case (2, 0): event.step = Int64(bitPattern: item.number)
            case (3, 2): event.fileVersion = String(decoding: item.data, as: UTF8.self)
            case (10, 2):
                for source in try fields(item.data) where source.field == 1 {
                    event.writer = String(decoding: source.data, as: UTF8.self)
                }
            case (5, 2):
                for value in try fields(item.data) where value.field == 1 {
                    var tag = ""
                    var number: Float?
                    var plugin: (name: String, content: [UInt8])?
                    for part in try fields(value.data) {
                        if part.field == 1 { tag = String(decoding: part.data, as: UTF8.self) }
                        if part.field == 2, part.wireType == 5 {
                            number = Float(bitPattern: UInt32(littleEndian(part.data[...])))
                        }
                        if part.field == 9 {
                            for data in try fields(part.data) where data.field == 1 {
                                var found = (name: "", content: [UInt8]())
                                for item in try fields(data.data) {
                                    if item.field == 1 { found.name = String(decoding: item.data, as: UTF8.self) }
                                    if item.field == 2 { found.content = item.data }
                                }
                                plugin = found
                            }
                        }
                    }
                    if let number {
                        event.values.append((tag, number))
                    } else if let plugin {
                        event.plugins.append((tag, plugin.name, plugin.content))
                    } else {
                        throw Failure.badProtobuf("a summary value without simple_value or plugin data")
                    }
                }
            default: throw Failure.badProtobuf("unexpected field \(item.field)")
            }
        }
        return event
    }
}
