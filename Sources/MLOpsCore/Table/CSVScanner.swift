/// Where one field of a record lies in the byte buffer.
struct CSVFieldSpan {
    /// First byte of the content (after an opening quote).
    var start: Int
    /// One past the last byte of the content (before a closing quote).
    var end: Int
    /// Whether the field was enclosed in double quotes.
    var quoted: Bool
    /// Whether the content holds doubled quotes (`""`) that must be unescaped.
    var escaped: Bool
    /// Lines between the record's first line and the line where this field starts.
    var lineOffset: Int
}

/// The result of scanning for one record.
enum CSVScanResult {
    /// A complete record: the next record starts at `next`; `lines` line ends were consumed.
    case record(next: Int, fieldCount: Int, lines: Int)
    /// The buffer ends inside the record; scan again from the same start with more bytes.
    case needMore
    /// No bytes left and the input is complete.
    case end
}

/// The RFC 4180 state machine: finds the fields of one record in a byte buffer.
///
/// The scanner is restartable rather than resumable: when the buffer ends inside a record it returns
/// ``CSVScanResult/needMore`` and the caller scans the record again once more bytes are in. Records are
/// small next to the read size, so the rescans cost little; the caller grows the read size with the
/// record, so a huge record is rescanned only a logarithmic number of times.
///
/// The field-count and field-size limits are checked while scanning, on the bytes buffered so far, so a hostile
/// record fails after at most about ``maxFieldBytes`` bytes (or ``maxFields`` fields) rather than once it is
/// all in memory.
struct CSVScanner {
    static let quote = UInt8(ascii: "\"")
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let lowBits: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The field separator.
    let delimiter: UInt8
    /// The largest special byte; any byte above it is ordinary content (one compare on the fast path).
    /// The delimiter is ASCII, so this is below 0x80, which the eight-byte scan relies on.
    let maxSpecial: UInt8
    /// The most fields a record may have.
    let maxFields: Int
    /// The largest field, in bytes between its first and last byte as written (quotes excluded).
    let maxFieldBytes: Int

    init(delimiter: UInt8, maxFields: Int = .max, maxFieldBytes: Int = .max) {
        self.delimiter = delimiter
        self.maxSpecial = max(delimiter, CSVScanner.quote)
        self.maxFields = maxFields
        self.maxFieldBytes = maxFieldBytes
    }

    /// Scans the record that starts at `from`.
    ///
    /// Spans are written to `spans` while `fieldCount < capacity`; a result with a larger `fieldCount` means the
    /// caller must grow `spans` and scan again.
    /// - Parameters:
    ///   - isFinal: no more bytes will follow `bytes`.
    ///   - line: the 1-based line the record starts on, for error messages.
    ///   - names: column names for error messages (may be empty).
    func scanRecord(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from: Int,
        isFinal: Bool,
        spans: UnsafeMutablePointer<CSVFieldSpan>,
        capacity: Int,
        line: Int,
        names: [String]
    ) throws -> CSVScanResult {
        let count = bytes.count
        guard from < count, let base = bytes.baseAddress else { return isFinal ? .end : .needMore }
        let delimiter = self.delimiter
        let maxSpecial = self.maxSpecial
        let belowSpecial = CSVScanner.lowBits &* UInt64(maxSpecial + 1)
        let quote = CSVScanner.quote
        let lineFeed = CSVScanner.lineFeed
        let carriageReturn = CSVScanner.carriageReturn
        var index = from
        var field = 0
        var newlines = 0
        while true {
            let span: CSVFieldSpan
            if index < count && base[index] == quote {
                let quoteLine = newlines
                let quoteColumn = field
                index += 1
                let start = index
                var end = index
                var escaped = false
                while true {
                    while index < count {
                        let byte = base[index]
                        if byte == quote { break }
                        if byte == lineFeed {
                            newlines += 1
                        } else if byte == carriageReturn && (index + 1 >= count || base[index + 1] != lineFeed) {
                            newlines += 1
                        }
                        index += 1
                    }
                    if index - start > maxFieldBytes {
                        throw fieldTooLong(bytes, start, line: line + quoteLine, field: quoteColumn, names: names)
                    }
                    if index >= count {
                        if isFinal {
                            throw CSVScanner.error(
                                line: line + quoteLine, field: quoteColumn, names: names,
                                "the quoted field that starts here is never closed; end it with a double quote, "
                                    + "and double any quote inside it (\"\")",
                                value: CSVScanner.snippet(bytes, start, start + 40)
                            )
                        }
                        return .needMore
                    }
                    if index + 1 < count {
                        if base[index + 1] == quote {
                            escaped = true
                            index += 2
                            continue
                        }
                    } else if !isFinal {
                        return .needMore
                    }
                    end = index
                    index += 1
                    break
                }
                if index < count {
                    let byte = base[index]
                    if byte != delimiter && byte != lineFeed && byte != carriageReturn {
                        let found = CSVScanner.snippet(bytes, index, index + 4).unicodeScalars.first ?? "?"
                        throw CSVScanner.error(
                            line: line + newlines, field: quoteColumn, names: names,
                            "unexpected character '\(CSVScanner.escaped(String(found)))' after the closing quote "
                                + "of a quoted field; a quoted field must be followed by the delimiter or a line end "
                                + "(double any quote inside it)",
                            value: CSVScanner.snippet(bytes, index, index + 1)
                        )
                    }
                } else if !isFinal {
                    return .needMore
                }
                span = CSVFieldSpan(start: start, end: end, quoted: true, escaped: escaped, lineOffset: quoteLine)
            } else {
                let start = index
                // Eight bytes at a time: flag the bytes below `maxSpecial + 1` (the lowest flag is exact), then
                // look at that byte; most fields end at the first flagged byte.
                while index + 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    let flagged = (word &- belowSpecial) & ~word & CSVScanner.highBits
                    if flagged == 0 {
                        index += 8
                        continue
                    }
                    index += flagged.trailingZeroBitCount >> 3
                    let byte = base[index]
                    if byte == delimiter || byte == lineFeed || byte == carriageReturn || byte == quote { break }
                    index += 1
                }
                while index < count {
                    let byte = base[index]
                    if byte > maxSpecial {
                        index += 1
                        continue
                    }
                    if byte == delimiter || byte == lineFeed || byte == carriageReturn || byte == quote { break }
                    index += 1
                }
                if index - start > maxFieldBytes {
                    throw fieldTooLong(bytes, start, line: line + newlines, field: field, names: names)
                }
                if index >= count {
                    if !isFinal { return .needMore }
                } else if base[index] == quote {
                    throw CSVScanner.error(
                        line: line + newlines, field: field, names: names,
                        "a double quote inside an unquoted field; enclose the whole field in double quotes and "
                            + "double the quotes inside it (\"\")",
                        value: CSVScanner.snippet(bytes, start, index + 20)
                    )
                }
                span = CSVFieldSpan(start: start, end: index, quoted: false, escaped: false, lineOffset: newlines)
            }
            if field < capacity { spans[field] = span }
            field += 1
            if index >= count {
                return .record(next: count, fieldCount: field, lines: newlines)
            }
            let byte = base[index]
            if byte == delimiter {
                if field >= maxFields {
                    throw MLOpsError(
                        .limitExceeded,
                        "\(CSVScanner.position(line: line + newlines, field: field, names: names)): the record has "
                            + "more than \(maxFields) fields (CSVReadOptions.maxColumns); check the delimiter, or "
                            + "raise the limit for a wider file",
                        value: CSVScanner.snippet(bytes, index - 40, index)
                    )
                }
                index += 1
                continue
            }
            if byte == lineFeed {
                return .record(next: index + 1, fieldCount: field, lines: newlines + 1)
            }
            // A carriage return: swallow a following line feed, which may still be unread.
            if index + 1 < count {
                return .record(
                    next: base[index + 1] == lineFeed ? index + 2 : index + 1, fieldCount: field, lines: newlines + 1)
            }
            if !isFinal { return .needMore }
            return .record(next: index + 1, fieldCount: field, lines: newlines + 1)
        }
    }

    /// The `limitExceeded` error for a field that grew past ``maxFieldBytes``.
    private func fieldTooLong(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, line: Int, field: Int, names: [String]
    ) -> MLOpsError {
        MLOpsError(
            .limitExceeded,
            "\(CSVScanner.position(line: line, field: field, names: names)): the field is longer than "
                + "\(maxFieldBytes) bytes (CSVReadOptions.maxFieldBytes); check for an unterminated quote, or "
                + "raise the limit",
            value: CSVScanner.snippet(bytes, start, start + 40)
        )
    }

    /// A `parseError` that names the line and the 1-based column (and its name when known).
    static func error(
        line: Int, field: Int, names: [String], _ message: String, value: String?, fileID: String = #fileID,
        sourceLine: Int = #line
    ) -> MLOpsError {
        MLOpsError(
            .parseError, "\(position(line: line, field: field, names: names)): \(message)", value: value,
            fileID: fileID, line: sourceLine)
    }

    /// Up to `end - start` bytes from `start` as text (invalid UTF-8 repaired), for error values.
    static func snippet(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let lower = min(max(start, 0), bytes.count)
        let upper = min(max(end, lower), bytes.count)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
    }

    /// `line L, column C ('name')` for messages; `field` is 0-based.
    static func position(line: Int, field: Int, names: [String]) -> String {
        if field < names.count {
            return "line \(line), column \(field + 1) ('\(escaped(names[field]))')"
        }
        return "line \(line), column \(field + 1)"
    }

    /// `text` for an error message, control characters escaped (`DisplayText`).
    static func escaped(_ text: String) -> String { DisplayText.escapingControlCharacters(text) }
}
