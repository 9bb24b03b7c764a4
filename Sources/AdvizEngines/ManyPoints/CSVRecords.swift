import AdvizCore

/// The records of CSV text as RFC 4180 writes them: fields separated by commas, records by
/// CRLF or LF, a field in double quotes may hold commas, line breaks and `""` for a quote;
/// a leading UTF-8 byte-order mark is skipped. Every field keeps its byte offset, so messages
/// point at the place.
struct CSVRecords {
    /// One field: its text (quotes removed, unquoted fields trimmed of blanks) and where it starts.
    struct Field {
        var text: String
        var offset: Int
        var quoted: Bool
    }

    /// One record: its fields, its first byte, its length in bytes and the line it starts on.
    struct Record {
        var fields: [Field]
        var offset: Int
        var length: Int
        var line: Int
    }

    /// The records, blank lines and `#` comment lines left out.
    var records: [Record] = []

    /// Splits `text`; an unclosed quote or text after a closing quote is an error at its place.
    init(_ text: String, fail: (String, Int, Int) -> AdvizError) throws(AdvizError) {
        let bytes = Array(text.utf8)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 }
        while i < bytes.count {
            let recordStart = i, recordLine = line
            var fields: [Field] = []
            var atRecordEnd = false
            while !atRecordEnd {
                var start = i
                while start < bytes.count, isBlank(bytes[start]) { start += 1 }
                var value: [UInt8] = []
                var quoted = false
                if start < bytes.count, bytes[start] == quote {
                    quoted = true
                    var j = start + 1
                    while true {
                        guard j < bytes.count else { throw fail("this quoted field is never closed (a `\"` is missing)", start, 1) }
                        if bytes[j] == quote {
                            if j + 1 < bytes.count, bytes[j + 1] == quote { value.append(quote); j += 2; continue }
                            j += 1
                            break
                        }
                        if bytes[j] == newline { line += 1 }
                        value.append(bytes[j])
                        j += 1
                    }
                    while j < bytes.count, isBlank(bytes[j]) { j += 1 }
                    if j < bytes.count, ![comma, newline, carriageReturn].contains(bytes[j]) {
                        throw fail("text after a quoted field's closing quote (a field in quotes ends at its comma)", j, 1)
                    }
                    i = j
                } else {
                    var j = start
                    while j < bytes.count, ![comma, newline, carriageReturn].contains(bytes[j]) { j += 1 }
                    var end = j
                    while end > start, isBlank(bytes[end - 1]) { end -= 1 }
                    value = Array(bytes[start..<end])
                    i = j
                }
                fields.append(Field(text: String(decoding: value, as: UTF8.self), offset: start, quoted: quoted))
                if i < bytes.count, bytes[i] == comma {
                    i += 1
                    continue
                }
                atRecordEnd = true
            }
            let recordEnd = i
            // CRLF, LF or a lone CR ends the record.
            if i < bytes.count, bytes[i] == carriageReturn { i += 1 }
            if i < bytes.count, bytes[i] == newline { i += 1 }
            line += 1
            let first = fields[0]
            let blank = fields.count == 1 && first.text.isEmpty && !first.quoted
            let comment = !first.quoted && first.text.hasPrefix("#")
            if !blank && !comment {
                records.append(Record(fields: fields, offset: recordStart, length: recordEnd - recordStart, line: recordLine))
            }
        }
    }
}
