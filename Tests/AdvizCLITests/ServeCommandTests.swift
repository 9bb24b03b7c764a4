import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `adviz serve` as a teacher starts it: the addresses printed, a page answered, Ctrl-C stops it.
@Suite(.serialized) struct ServeCommandTests {
    /// Starts `adviz serve` with `arguments`, waits for its addresses, and returns the process and the base URL.
    static func start(_ arguments: [String]) throws -> (Process, Pipe, String, String) {
        let process = Process()
        process.executableURL = AdvizRun.executable
        process.arguments = ["serve"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !text.contains("Ctrl-C") {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.contains("explore") }),
              let url = line.split(separator: " ").last(where: { $0.hasPrefix("http://") }) else {
            process.terminate()
            throw ServeFailure(description: "no address printed: \(text)")
        }
        return (process, err, String(url).trimmingCharacters(in: CharacterSet(charactersIn: "/")), text)
    }

    struct ServeFailure: Error, CustomStringConvertible { var description: String }

    @Test func startsAnswersAndStopsOnCtrlC() throws {
        let (process, err, base, printed) = try Self.start(["--port", "0", "--token", "classroom1"])
        #expect(printed.contains("/present?token=classroom1"))
        #expect(!printed.contains("every network interface"))
        let data = try Data(contentsOf: URL(string: base + "/api/trace?program=x1*x2&at=2,5")!)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(body["value"] as? Double == 10)
        let page = try String(contentsOf: URL(string: base + "/")!, encoding: .utf8)
        #expect(page.contains("adviz"))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let rest = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(rest.contains("stopped"))
    }

    @Test func printsThePresenterAddressAndANoteForTheNetwork() throws {
        let (process, _, base, printed) = try Self.start(["--port", "0", "--host", "0.0.0.0", "--token", "classroom2"])
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.contains("/present?token=classroom2"))
        #expect(printed.contains("note: listening on every network interface"))
        // The address printed is one a student's machine can open, not 0.0.0.0.
        #expect(!base.contains("0.0.0.0"))
    }

    /// A phone asleep mid-request does not hold the teacher's terminal: Ctrl-C stops within seconds.
    @Test func ctrlCStopsDespiteAHalfSentRequest() throws {
        let (process, err, base, _) = try Self.start(["--port", "0"])
        let port = base.split(separator: ":").last.map(String.init)!
        let half = Process()
        half.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        half.arguments = ["python3", "-c", "import socket,time; s=socket.create_connection(('127.0.0.1', \(port))); s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n'); time.sleep(30)"]
        try half.run()
        defer { half.terminate() }
        Thread.sleep(forTimeInterval: 0.5)
        let start = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("stopped"))
    }

    @Test func aBusyPortIsAnErrorThatSaysSo() throws {
        let (first, _, base, _) = try Self.start(["--port", "0"])
        defer {
            kill(first.processIdentifier, SIGINT)
            first.waitUntilExit()
        }
        let port = base.split(separator: ":").last.map(String.init)!
        let second = try AdvizRun(["serve", "--port", port])
        #expect(second.status == 74)
        #expect(second.stderr.contains("in use"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        for arguments in [["serve", "--port", "70000"], ["serve", "--lessons", "/no/such/folder"], ["serve", "--token", "a b"]] {
            let run = try AdvizRun(arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
        }
    }
}

/// `adviz serve` as #24 and #29 asked: the course built in, `--host 0` as every interface.
extension ServeCommandTests {
    @Test func withNoFlagsTheCourseIsServed() throws {
        let (process, _, base, printed) = try Self.start(["--port", "0"])
        defer {
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
        }
        #expect(printed.contains("/lessons/"))
        let data = try Data(contentsOf: URL(string: base + "/api/lessons")!)
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(list.count >= 10)
        #expect(list.contains { $0["name"] as? String == "03-reverse-mode" })
    }

    @Test func hostZeroIsEveryInterfaceAndSaysSo() throws {
        for host in ["0", "[::]"] {
            let (process, _, base, printed) = try Self.start(["--port", "0", "--host", host])
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            #expect(printed.contains("note: listening on every network interface"), "\(host): \(printed)")
            #expect(!base.contains("//0:") && !base.contains("[::]"), "\(host): \(base)")
        }
    }

    @Test func lessonsAndLessonsOnlyAreExclusive() throws {
        let run = try AdvizRun(["serve", "--lessons", "lessons", "--lessons-only", "lessons"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--lessons-only"))
    }
}
