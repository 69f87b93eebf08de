import Testing

@testable import MLOpsCLI

/// Options a command cannot run without: shown as required, checked by the parser.
@Suite struct RequiredOptionTests {
    static let predict = CommandSpec(
        path: ["predict"], summary: "predict",
        options: [
            .value("format", "FORMAT", "the model's format"),
            .required("model", "FILE", "the model"),
            .required("input", "CSV", "the rows"),
            .required("output", "CSV", "where to write"),
        ],
        run: { _, _ in })
    let parser = ArgumentParser(commands: [Self.predict])

    @Test func usageAndHelpShowRequiredOptionsAsRequired() {
        #expect(Self.predict.usage == "mlops predict --model FILE --input CSV --output CSV [--format FORMAT]")
        #expect(Self.predict.help.contains("\n  --model FILE          the model (required)\n"))
        #expect(Self.predict.help.contains("\n  --format FORMAT       the model's format\n"))
    }

    @Test func parsesWhenEveryRequiredOptionIsGiven() throws {
        guard
            case .run(_, let parsed) = try parser.parse([
                "predict", "--input", "in.csv", "--model=m.json", "--output", "out.csv",
            ])
        else {
            Issue.record("expected a command to run")
            return
        }
        #expect(parsed.options == ["model": "m.json", "input": "in.csv", "output": "out.csv"])
    }

    @Test(arguments: [
        (["predict"], "missing required options --model FILE, --input CSV, --output CSV"),
        (["predict", "--model", "m", "--input", "i"], "missing required option --output CSV"),
        (["predict", "--format", "onnx", "--output", "o", "--input", "i"], "missing required option --model FILE"),
    ])
    func reportsMissingRequiredOptions(_ arguments: [String], _ message: String) {
        do {
            _ = try parser.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(error.message == message)
            #expect(error.usage == Self.predict.usage)
        }
    }

    @Test func helpNeedsNoRequiredOptions() throws {
        guard case .help(let command?) = try parser.parse(["predict", "--help"]) else {
            Issue.record("expected command help")
            return
        }
        #expect(command.path == ["predict"])
    }
}

@Suite struct PredictUsageTests {
    @Test func predictShowsAndChecksItsRequiredOptions() async throws {
        let output = CapturedOutput()
        let status = await MLOpsCLI.run(["predict", "--model", "m.json"], context: output.context())
        #expect(status == 2)
        let text = output.err.joined(separator: "\n")
        #expect(text.contains("missing required options --input CSV, --output CSV"), "\(text)")
        #expect(text.contains("mlops predict --model FILE --input CSV --output CSV [--format FORMAT]"), "\(text)")
    }
}
