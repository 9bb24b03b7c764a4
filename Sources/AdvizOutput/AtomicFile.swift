import Foundation

/// Why a file or folder could not be written: the folder is missing or not writable (the file
/// cannot be created), or writing its bytes failed. The message names the path and the reason.
public enum FileWriteError: Error, Sendable, Equatable {
    /// The file or folder cannot be created (a missing folder, a file where a folder should be, no permission).
    case cannotCreate(String)
    /// The file was created but its bytes could not be written (a full disk, a closed pipe).
    case cannotWrite(String)

    /// The message, naming the path and the reason.
    public var message: String {
        switch self {
        case .cannotCreate(let message), .cannotWrite(let message): message
        }
    }
}

/// Writes files whole or not at all: to a temporary file beside the target, then renamed
/// over it, so an interrupted or failed run never leaves a truncated SVG or slideshow.
public enum AtomicFile {
    /// Writes `bytes` to `path`. Throws ``FileWriteError/cannotCreate(_:)`` when the folder is missing or not writable,
    /// ``FileWriteError/cannotWrite(_:)`` when writing fails.
    ///
    /// A symbolic link is followed (the file it names is replaced, the link stays). Something
    /// that is not a regular file — `/dev/stdout`, a pipe, a device — is written to as it is:
    /// renaming over it would replace it with a plain file.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        var path = path
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            if target != path { path = target }
        }
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG, info.st_mode & S_IFMT != S_IFDIR {
            return try writeInPlace(bytes, to: path)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            throw .cannotCreate("cannot create `\(path)`: the folder `\(folder.path)` does not exist")
        }
        guard isDirectory.boolValue else { throw .cannotCreate("cannot create `\(path)`: `\(folder.path)` is not a folder") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotCreate("cannot create `\(path)`: it is a folder")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw .cannotCreate("cannot create `\(path)`: permission denied in `\(folder.path)`")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite("cannot write `\(path)`: \(error.localizedDescription)")
        }
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite("cannot write `\(path)`: \(reason)")
        }
    }

    /// Writes to a device or a pipe directly: there is no file to replace.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw .cannotWrite("cannot write `\(path)`: it cannot be opened for writing") }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw .cannotWrite("cannot write `\(path)`: \(error.localizedDescription)")
        }
    }

    /// Writes text as UTF-8.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// Makes `path` a folder (and its parents); ``FileWriteError/cannotCreate(_:)`` if that is impossible.
    public static func makeFolder(_ path: String) throws(FileWriteError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotCreate("cannot create the folder `\(path)`: a file has that name") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate("cannot create the folder `\(path)`: \(error.localizedDescription)")
        }
    }
}
