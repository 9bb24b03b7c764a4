import AdvizServe
import ArgumentParser
import Foundation

/// `adviz serve`: the live classroom in a browser.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live classroom: explore any program in a browser, practise, descend, play lessons, present to a class.",
        discussion: """
            Open the printed address in a browser. The Explore page takes any program: step through \
            the sweeps with ←/→, click a node to see its chain-rule sum, practise the adjoints, run \
            gradient descent. The presenter's address (with its token) drives a room whose code \
            students type at /follow: their pages move with the teacher's steps.

            Everything the pages need is in the binary, the course's lessons too: no network, no CDN. \
            --lessons adds a folder of lessons (one of a shipped lesson's name replaces it); \
            --lessons-only serves that folder alone. The server binds the loopback address unless \
            --host says otherwise (0, 0.0.0.0, :: or [::]: every interface); Ctrl-C stops it.

            Examples:
              adviz serve
              adviz serve --lessons my-lessons/ --open
              adviz serve --host 0.0.0.0 --port 8080
                (a classroom: students on the same network open http://<this machine>:8080)
            """
    )

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Option(help: ArgumentHelp("The address to bind: 127.0.0.1 (this machine only) or 0.0.0.0 (the classroom's network).", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("A folder of lessons to serve under /lessons/ besides the shipped course.", valueName: "folder"))
    var lessons: String?

    @Option(help: ArgumentHelp("A folder of lessons to serve instead of the shipped course.", valueName: "folder"))
    var lessonsOnly: String?

    @Option(help: ArgumentHelp("The presenter token (default: a new random one, printed at start).", valueName: "token"))
    var token: String?

    @Flag(help: "Open the Explore page in the default browser.")
    var open = false

    @Flag(help: "Log every request to standard error.")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if lessons != nil, lessonsOnly != nil { throw ValidationError("give --lessons (added to the course) or --lessons-only (instead of it), not both") }
        for (flag, folder) in [("--lessons", lessons), ("--lessons-only", lessonsOnly)] {
            guard let folder else { continue }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("\(flag) `\(folder)` is not a folder")
            }
        }
        if let token, token.count < 4 || !token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("--token must be at least 4 letters, digits, - or _")
        }
    }

    func run() throws {
        var options = ServeOptions()
        let host = ServeOptions.boundAddress(self.host)
        options.host = host
        options.port = port
        options.lessons = lessonsOnly ?? lessons
        options.shippedLessons = lessonsOnly == nil
        options.token = token
        options.verbose = verbose
        let server = ClassroomServer(options: options)
        let open = self.open, everyInterface = ServeOptions.isEveryInterface(host)
        let application = server.application { port in
            let shown = everyInterface ? Self.networkAddress() : host
            let base = "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
            var lines = [
                "adviz serve: the classroom is at \(base)/",
                "  explore   \(base)/",
                "  present   \(base)/present?token=\(server.rooms.token)   (keep this one to yourself)",
                "  follow    \(base)/follow   (students type the room's code)",
            ]
            lines.append("  lessons   \(base)/lessons/")
            if everyInterface {
                lines.append("note: listening on every network interface: anyone on this network can open the pages (the presenter's token guards presenting only)")
            }
            lines.append("Ctrl-C stops the server.")
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            if open { Self.openBrowser("\(base)/") }
        }
        // Ctrl-C stops the server gracefully (answers in flight finish); a connection that never
        // finishes its request (a phone asleep mid-request) must not hold the teacher's terminal:
        // after 3 s, or at a second Ctrl-C, the server stops anyway.
        let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        nonisolated(unsafe) var interrupted = 0
        interrupts.setEventHandler {
            interrupted += 1
            if interrupted > 1 { Self.stopNow() }
            DispatchQueue.global().asyncAfter(deadline: .now() + 3) { Self.stopNow() }
        }
        interrupts.resume()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do {
                try await application.runService()
            } catch {
                failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure {
            let text = "\(failure)"
            if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
                printError("error: cannot listen on \(host):\(port): the port is in use (another `adviz serve`?); try --port \(port + 1)")
            } else {
                printError("error: cannot serve on \(host):\(port): \(text)")
            }
            throw ExitCode(74)
        }
        printError("adviz serve: stopped")
    }

    /// Stops the process now, saying so (graceful shutdown waited long enough).
    @Sendable static func stopNow() {
        printError("adviz serve: stopped (a connection was still open)")
        Foundation.exit(0)
    }

    /// This machine's first IPv4 address on a network (not loopback), for students to type; its name where it has none.
    static func networkAddress() -> String {
        let addresses = Host.current().addresses.filter { address in
            let parts = address.split(separator: ".")
            return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil } && !address.hasPrefix("127.")
        }
        return addresses.first ?? ProcessInfo.processInfo.hostName
    }

    /// Opens `url` in the desktop's browser (xdg-open on Linux, open on macOS), quietly.
    static func openBrowser(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        #if os(macOS)
        process.arguments = ["open", url]
        #else
        process.arguments = ["xdg-open", url]
        #endif
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { printError("note: could not open a browser (\(error)); open \(url) yourself") }
    }
}
