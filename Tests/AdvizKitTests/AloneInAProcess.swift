import Foundation
import Testing

/// One test of this test binary, run again in a process of its own: for the tests that measure
/// the whole process (its resident memory), which the other suites running beside them in the
/// test run would disturb (a fresh clone's run once grew the process by 21 MB in each of eight
/// rounds of a test that itself allocates nothing).
///
/// Such a test begins with `guard try AloneInAProcess.measuresHere("name()") else { return }`.
/// In the test run, that starts this binary again with only that test selected, and expects the
/// test to have run there and passed (with its output in the failure if not); the test then has
/// nothing more to do in the shared process. In that process of its own, it measures.
enum AloneInAProcess {
    /// Set in the process of its own.
    static let variable = "ADVIZ_TEST_ALONE"

    /// True in the process of its own; in the test run, runs `test` (a test function's name, as
    /// `--filter` reads it) in one and checks that it ran and passed, then returns false.
    static func measuresHere(_ test: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        if ProcessInfo.processInfo.environment[variable] == test { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--testing-library", "swift-testing", "--filter", test]
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = test
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Exactly this test ran, and passed (a filter that matched nothing would pass too).
        let ran = text.contains("Test run with 1 test") && text.contains("Test \(test) passed")
        #expect(process.terminationStatus == 0 && ran, "\(test) in a process of its own:\n\(text.suffix(4000))", sourceLocation: sourceLocation)
        return false
    }
}
