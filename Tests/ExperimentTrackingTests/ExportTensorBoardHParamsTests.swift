@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// The hparams plugin data of the TensorBoard export: byte-identical to what
/// tensorboard 2.21's own `summary_v2` writes, and what the exporter puts in
/// each run's event file and in the top-level experiment file.
@Suite struct ExportTensorBoardHParamsTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    static func plugin(_ tag: String, _ content: [UInt8]) -> TensorBoardEvent.Content {
        .plugin(tag: tag, pluginName: TensorBoardHParams.pluginName, content: content)
    }

    /// `Event(wall_time=1700000000.5, summary=summary_v2.hparams_pb(h, trial_id="01RUNID",
    /// start_time_secs=1700000000.5)).SerializeToString()` for one-entry `h` (tensorboard 2.21).
    @Test(arguments: [
        (
            TensorBoardHParams.Value.number(0.01),
            "0900002040fc54d9412a5c0a5a0a1c5f68706172616d735f2f73657373696f6e5f73746172745f696e666f4206080112021200"
                + "4a320a300a0768706172616d7312251a230a0f0a026c721209117b14ae47e17a843f2207303152554e49442900002040fc54d941"
        ),
        (
            .string(""),
            "0900002040fc54d9412a540a520a1c5f68706172616d735f2f73657373696f6e5f73746172745f696e666f4206080112021200"
                + "4a2a0a280a0768706172616d73121d1a1b0a070a016512021a002207303152554e49442900002040fc54d941"
        ),
        (
            .bool(false),
            "0900002040fc54d9412a570a550a1c5f68706172616d735f2f73657373696f6e5f73746172745f696e666f4206080112021200"
                + "4a2d0a2b0a0768706172616d7312201a1e0a0a0a0464656570120220002207303152554e49442900002040fc54d941"
        ),
    ])
    func sessionStartMatchesTensorBoard(_ value: TensorBoardHParams.Value, _ expected: String) {
        let key: String
        switch value {
        case .number: key = "lr"
        case .string: key = "e"
        case .bool: key = "deep"
        }
        let content = TensorBoardHParams.sessionStart(
            hparams: [key: value], groupName: "01RUNID", startTimeSeconds: 1_700_000_000.5)
        let event = TensorBoardEvent(
            wallTime: 1_700_000_000.5, content: Self.plugin(TensorBoardHParams.sessionStartTag, content))
        #expect(event.encoded() == Self.hex(expected))
    }

    @Test func sessionEndAndExperimentMatchTensorBoard() {
        let end = TensorBoardEvent(
            wallTime: 1_700_000_100.25, step: 7,
            content: Self.plugin(
                TensorBoardHParams.sessionEndTag,
                TensorBoardHParams.sessionEnd(status: .failure, endTimeSeconds: 1_700_000_100.25)))
        #expect(
            end.encoded()
                == Self.hex(
                    "0900001059fc54d94110072a420a400a1a5f68706172616d735f2f73657373696f6e5f656e645f696e666f420608"
                        + "01120212004a1a0a180a0768706172616d73120d220b08021100001059fc54d941"))
        // summary_v2.hparams_config_pb([HParam("lr", RealInterval(0.001, 0.1)), HParam("opt", Discrete(["adam",
        // "sgd"])), HParam("deep", Discrete([False, True])), HParam("free")], [Metric("loss"),
        // Metric("train/acc")], time_created_secs=1700000000.0)
        let experiment = TensorBoardHParams.experiment(
            hparams: [
                .init(name: "lr", type: .float64, domain: .interval(min: 0.001, max: 0.1)),
                .init(name: "opt", type: .string, domain: .discrete([.string("adam"), .string("sgd")])),
                .init(name: "deep", type: .bool, domain: .discrete([.bool(false), .bool(true)])),
                .init(name: "free", type: .unset),
            ],
            metrics: [.init(tag: "loss"), .init(tag: "train/acc")], timeCreatedSeconds: 1_700_000_000)
        let event = TensorBoardEvent(
            wallTime: 1_700_000_000, content: Self.plugin(TensorBoardHParams.experimentTag, experiment))
        #expect(
            event.encoded()
                == Self.hex(
                    "0900000040fc54d9412aa8010aa5010a145f68706172616d735f2f6578706572696d656e744206080112021200"
                        + "4a84010a81010a0768706172616d73127612741900000040fc54d941221a0a026c722003321209fca9f1d24d"
                        + "62503f119a9999999999b93f22180a036f707420012a0f0a061a046164616d0a051a0373676422120a0464656570"
                        + "20022a080a0220000a02200122060a04667265652a080a0612046c6f73732a0d0a0b1209747261696e2f616363"))
    }

    @Test func mapEntriesAreWrittenInKeyOrder() throws {
        let content = TensorBoardHParams.sessionStart(
            hparams: ["b": .number(2), "a": .string("x"), "c": .bool(true)], groupName: "", startTimeSeconds: 0)
        let start = try #require(try TFRecordTestReader.fields(content).first)
        #expect(start.field == 3)
        let keys = try TFRecordTestReader.fields(start.data).map { entry in
            String(decoding: try TFRecordTestReader.fields(entry.data)[0].data, as: UTF8.self)
        }
        #expect(keys == ["a", "b", "c"])
    }

    @Test(arguments: [
        ("0", true), ("-1.5", true), ("+2", true), (".5", true), ("5.", true), ("1e-3", true), ("6E+2", true),
        ("", false), ("-", false), (".", false), ("1e", false), ("e5", false), ("nan", false), ("inf", false),
        ("1e400", false), (" 1", false), ("1 ", false), ("0x10", false), ("[64, 32]", false), ("1_000", false),
    ])
    func decimalNumbers(_ text: String, _ expected: Bool) {
        #expect(TensorBoardExporter.isDecimalNumber(text) == expected, "\(text)")
    }

    /// The `Value`s of a session start's content, by key.
    static func decodeStart(_ content: [UInt8]) throws -> (hparams: [String: String], group: String, start: Double) {
        var hparams: [String: String] = [:]
        var group = ""
        var start = 0.0
        let outer = try #require(try TFRecordTestReader.fields(content).first)
        for field in try TFRecordTestReader.fields(outer.data) {
            switch field.field {
            case 1:
                let entry = try TFRecordTestReader.fields(field.data)
                let key = String(decoding: entry[0].data, as: UTF8.self)
                let value = try #require(try TFRecordTestReader.fields(entry[1].data).first)
                switch value.field {
                case 2: hparams[key] = "number \(Double(bitPattern: TFRecordTestReader.littleEndian(value.data[...])))"
                case 3: hparams[key] = "string " + String(decoding: value.data, as: UTF8.self)
                case 4: hparams[key] = "bool \(value.number == 1)"
                default: Issue.record("unexpected Value field \(value.field)")
                }
            case 4: group = String(decoding: field.data, as: UTF8.self)
            case 5: start = Double(bitPattern: TFRecordTestReader.littleEndian(field.data[...]))
            default: Issue.record("unexpected SessionStartInfo field \(field.field)")
            }
        }
        return (hparams, group, start)
    }

    @Test func theExporterWritesSessionsAndOneExperiment() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let a = try await tracker.startRun(experiment: "e1", name: "a")
        try await a.log(params: ["lr": "0.1", "opt": "adam", "deep": "true", "mixed": "1", "layers": "[64, 32]"])
        try await a.log(metric: "loss", value: 1, step: -3)
        try await a.log(metric: "loss", value: 0.5, step: 4)
        try await a.finish()
        let b = try await tracker.startRun(experiment: "e2", name: "b")
        try await b.log(params: ["lr": "1e-3", "opt": "sgd", "deep": "false", "mixed": "x"])
        try await b.log(metric: "acc", value: 0.5, step: 0)
        try await b.finish(status: .killed)
        let c = try await tracker.startRun(experiment: "e2", name: "c")
        try await c.flush()

        let directory = try #require(fixture.scratch).path + "/tb"
        try await TensorBoardExporter(tracker: tracker, options: .init(hostName: "h", processID: 1))
            .export(to: directory)
        let files = try ExportTensorBoardTests.eventFiles(directory)
        #expect(files.keys.sorted() == ["", "e1/a", "e2/b", "e2/c"])

        let runA = try await tracker.run(id: a.runID)
        let eventsA = try TFRecordTestReader.records(try #require(files["e1/a"]).bytes)
            .map(TFRecordTestReader.decodeEvent)
        #expect(
            eventsA.map { $0.plugins.first?.tag } == [
                nil, TensorBoardHParams.sessionStartTag, nil, nil, TensorBoardHParams.sessionEndTag,
            ])
        #expect(eventsA.map(\.step) == [0, -3, -3, 4, 4])
        let startA = try Self.decodeStart(eventsA[1].plugins[0].content)
        #expect(
            startA.hparams == [
                "lr": "number 0.1", "opt": "string adam", "deep": "bool true", "mixed": "string 1",
                "layers": "string [64, 32]",
            ])
        #expect(startA.group == a.runID)
        #expect(startA.start == Double(runA.info.startTime) / 1000)
        let endTime = try #require(runA.info.endTime)
        #expect(
            eventsA[4].plugins[0].content
                == TensorBoardHParams.sessionEnd(status: .success, endTimeSeconds: Double(endTime) / 1000))
        #expect(eventsA[4].wallTime == Double(endTime) / 1000)

        let eventsB = try TFRecordTestReader.records(try #require(files["e2/b"]).bytes)
            .map(TFRecordTestReader.decodeEvent)
        #expect(
            try Self.decodeStart(eventsB[1].plugins[0].content).hparams == [
                "lr": "number 0.001", "opt": "string sgd", "deep": "bool false", "mixed": "string x",
            ])
        let endB = try #require(eventsB.last?.plugins.first?.content)
        #expect(try TFRecordTestReader.fields(try TFRecordTestReader.fields(endB)[0].data)[0].number == 2)  // failure
        let eventsC = try TFRecordTestReader.records(try #require(files["e2/c"]).bytes)
            .map(TFRecordTestReader.decodeEvent)
        #expect(eventsC.count == 3)
        #expect(
            eventsC[2].plugins.first?.content == TensorBoardHParams.sessionEnd(status: .running, endTimeSeconds: nil))

        let top = try #require(files[""])
        let topEvents = try TFRecordTestReader.records(top.bytes).map(TFRecordTestReader.decodeEvent)
        #expect(topEvents.count == 2)
        #expect(topEvents[0].fileVersion == "brain.Event:2")
        let experiment = try #require(topEvents[1].plugins.first)
        #expect(experiment.tag == TensorBoardHParams.experimentTag)
        let created = Double(runA.info.startTime) / 1000
        #expect(
            experiment.content
                == TensorBoardHParams.experiment(
                    hparams: [
                        .init(name: "deep", type: .bool, domain: .discrete([.bool(false), .bool(true)])),
                        .init(name: "layers", type: .string, domain: .discrete([.string("[64, 32]")])),
                        .init(name: "lr", type: .float64, domain: .interval(min: 0.001, max: 0.1)),
                        .init(name: "mixed", type: .string, domain: .discrete([.string("1"), .string("x")])),
                        .init(name: "opt", type: .string, domain: .discrete([.string("adam"), .string("sgd")])),
                    ],
                    metrics: [.init(tag: "acc"), .init(tag: "loss")], timeCreatedSeconds: created))
        #expect(top.name == "events.out.tfevents.\(runA.info.startTime / 1000).h.1.0")
    }
}
