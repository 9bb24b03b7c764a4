import Foundation

/// Reads input files as people have them: regular files, pipes, FIFOs, `/dev/stdin`,
/// process substitutions (`<(…)`), `-` for standard input; and says why when it cannot.
public enum InputFile {
    /// Every byte of `path` (`-`: standard input), read by streaming, so that a pipe or a device
    /// reads as a file does. Errors (exit 66) give the system's reason: no such file, a folder,
    /// permission denied, an input/output error.
    public static func read(_ path: String, what: String = "") throws(AdvizError) -> Data {
        let label = what.isEmpty ? "`\(path)`" : "\(what) `\(path)`"
        if path == "-" { return try readAll(FileHandle.standardInput, label: "standard input") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .missingInput("cannot read \(label): \(reason(errno))") }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw .missingInput("cannot read \(label): it is a folder")
        }
        return try readAll(FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), label: label)
    }

    /// UTF-8 text of `data`; bytes that are not UTF-8 are an error (exit 65) pointing at the first
    /// of them, by byte offset, line and column. A leading byte-order mark is kept (callers that
    /// accept one, as the CSV reader does, drop it).
    public static func text(_ data: Data, name: String) throws(AdvizError) -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        let offset = firstInvalidByte(data)
        let byte = offset < data.count ? String(format: "0x%02x", data[data.startIndex + offset]) : "the end"
        // The bytes before the first bad one are valid UTF-8, so the lossy text has the same
        // offsets up to it: the caret lands on the bad byte.
        let source = SourceText(String(decoding: data, as: UTF8.self), name: name.trimmingCharacters(in: CharacterSet(charactersIn: "`")))
        throw .input(Diagnostic("\(name) is not UTF-8 text: byte \(offset) (\(byte)) is not valid UTF-8", at: SourceSpan(start: offset, length: 1)), source)
    }

    /// The offset of the first byte that does not begin or continue a valid UTF-8 sequence.
    static func firstInvalidByte(_ data: Data) -> Int {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: return offset
            }
        }
    }

    private static func readAll(_ handle: FileHandle, label: String) throws(AdvizError) -> Data {
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            let code = (error as NSError).code
            throw .missingInput("cannot read \(label): \(code > 0 && code < 200 ? reason(Int32(code)) : error.localizedDescription.lowercased())")
        }
    }

    /// The system's reason for `code`, lowercase: `no such file`, `permission denied`.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a folder"
        case ENOTDIR: return "a part of the path is not a folder"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}
