import MLOpsCore

/// The assertions the conformance suites use: each throws ``ConformanceFailure``
/// with a message naming what was expected and what the store did.
enum Expect {
    /// Fails with `message` unless `condition` holds.
    static func that(
        _ condition: Bool,
        _ message: @autoclosure () -> String,
        fileID: String = #fileID,
        line: Int = #line
    ) throws {
        if !condition { throw ConformanceFailure(message: message(), fileID: fileID, line: line) }
    }

    /// Fails unless `actual == expected`, quoting both.
    static func equal<T: Equatable>(
        _ actual: T,
        _ expected: T,
        _ what: @autoclosure () -> String,
        fileID: String = #fileID,
        line: Int = #line
    ) throws {
        if actual != expected {
            throw ConformanceFailure(
                message: "\(what()): expected \(expected), got \(actual)", fileID: fileID, line: line)
        }
    }

    /// Fails unless two byte arrays are equal, describing the first difference
    /// rather than printing megabytes.
    static func bytes(
        _ actual: [UInt8]?,
        _ expected: [UInt8]?,
        _ what: @autoclosure () -> String,
        fileID: String = #fileID,
        line: Int = #line
    ) throws {
        if actual == expected { return }
        let detail: String
        switch (actual, expected) {
        case (nil, _): detail = "expected \(describeBytes(expected)), got nothing"
        case (_, nil): detail = "expected nothing, got \(describeBytes(actual))"
        case (let actual?, let expected?):
            let firstDifference =
                zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? Swift.min(actual.count, expected.count)
            detail =
                "expected \(expected.count) bytes, got \(actual.count) bytes; first difference at offset "
                + "\(firstDifference) (expected \(describeBytes(expected)), got \(describeBytes(actual)))"
        }
        throw ConformanceFailure(message: "\(what()): \(detail)", fileID: fileID, line: line)
    }

    /// Runs `body` and fails unless it throws `MLOpsError` with `code`.
    static func throwsError(
        _ code: MLOpsError.Code,
        _ what: @autoclosure () -> String,
        fileID: String = #fileID,
        line: Int = #line,
        _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as MLOpsError where error.code == code {
            return
        } catch {
            throw ConformanceFailure(
                message: "\(what()): expected MLOpsError \(code), got a different error",
                underlying: error, fileID: fileID, line: line)
        }
        throw ConformanceFailure(
            message: "\(what()): expected MLOpsError \(code), but nothing was thrown", fileID: fileID, line: line)
    }

    /// Runs `body`, turning any error into a failure that says what was being done.
    @discardableResult
    static func noThrow<T>(
        _ what: @autoclosure () -> String,
        fileID: String = #fileID,
        line: Int = #line,
        _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let failure as ConformanceFailure {
            throw failure
        } catch {
            throw ConformanceFailure(
                message: "\(what()) threw unexpectedly", underlying: error, fileID: fileID, line: line)
        }
    }
}

/// Renders bytes for a failure message: printable ASCII as text, the rest as
/// `\xNN`, cut after 48 bytes.
func describeBytes(_ bytes: [UInt8]?) -> String {
    guard let bytes else { return "nil" }
    var text = "\""
    for byte in bytes.prefix(48) {
        if (0x20..<0x7F).contains(byte), byte != 0x22, byte != 0x5C {
            text.unicodeScalars.append(UnicodeScalar(byte))
        } else {
            let digits = Array("0123456789abcdef")
            text += "\\x" + String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
    }
    text += bytes.count > 48 ? "\"… (\(bytes.count) bytes)" : "\""
    return text
}

/// Renders a list of keys for a failure message, cut after 16 keys.
func describeKeys(_ keys: [[UInt8]]) -> String {
    let shown = keys.prefix(16).map { describeBytes($0) }.joined(separator: ", ")
    return "[" + shown + (keys.count > 16 ? ", … (\(keys.count) keys)]" : "]")
}
