import Foundation
import Testing

@testable import AdvizEngines

/// Generated C compiled with the machine's compiler (`-std=c99 -Wall -Werror`) and run: what it
/// printed. For the tests that hold `codegen`'s C to the trace.
enum CProgram {
    /// Writes `sources` (file name to text) into a scratch folder, compiles them into one program
    /// with `flags` besides the strict ones, runs it and returns its standard output.
    static func run(_ sources: [String: String], flags: [String] = []) throws -> String {
        let compiler = try #require(KernelCompiler.shared.compiler)
        let folder = NSTemporaryDirectory() + "/adviz-c-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in sources { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let build = Process()
        build.executableURL = URL(fileURLWithPath: compiler)
        build.arguments = ["-std=c99", "-Wall", "-Werror"] + flags + ["-o", folder + "/run"] + sources.keys.sorted().map { folder + "/" + $0 } + ["-lm"]
        try build.run()
        build.waitUntilExit()
        #expect(build.terminationStatus == 0, "the generated C compiles without warnings")
        let run = Process()
        run.executableURL = URL(fileURLWithPath: folder + "/run")
        let pipe = Pipe()
        run.standardOutput = pipe
        try run.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        return output
    }
}
