import Dispatch
import Foundation
import AdvizCore

/// While the C compiler runs: an interrupt (SIGINT, SIGTERM, SIGHUP) to adviz kills the compiler
/// and removes the half-written kernel files before adviz ends, and files left by an adviz that
/// was killed outright (SIGKILL) are removed by the next compile.
///
/// Without it, `clang -O3` went on for minutes after adviz was killed, and its partial `.c` and
/// `.so` files stayed in the cache.
final class CompilerGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var child: pid_t = 0
    /// Set by a signal: the compile is being stopped, and whether the signal then ends adviz.
    private var interrupted = false
    private var ending = false
    private var signalNumber: Int32 = 0
    private let temporaries: [String]
    private var sources: [DispatchSourceSignal] = []
    /// Each signal's disposition before: restored afterwards (a server's own handlers stay).
    private var previous: [Int32: sighandler_t?] = [:]
    private static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Guards `temporaries` (removed if adviz is interrupted) from now until ``finish()``.
    init(temporaries: [String]) {
        self.temporaries = temporaries
        for number in CompilerGuard.signals {
            // The default action would end adviz at once; the source handles the signal instead.
            let before = signal(number, SIG_IGN)
            // A signal adviz was told to ignore (`nohup`) stays ignored, and needs no guard.
            if unsafeBitCast(before, to: Int.self) == 1 { continue }
            previous[number] = before
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in stop(by: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// The compiler's process id, once it runs.
    func started(_ pid: pid_t) {
        lock.withLock { child = pid }
    }

    /// Called when the compiler has ended: if a signal ended it, adviz waits here for the
    /// signal's handler to end the process (it must not store or report a kernel meanwhile);
    /// in a process that handles the signal itself, the compile throws instead.
    func checkInterrupted() throws(AdvizError) {
        let (stopped, ends, number) = lock.withLock { (interrupted, ending, signalNumber) }
        guard stopped else { return }
        if ends {
            // The signal is pending for the process; a thread that has it blocked (a parent's
            // mask is inherited) would never take it, so this one unblocks it, then ends anyway.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, number)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            kill(getpid(), number)
            _exit(128 + number)
        }
        throw .limit("the compile was interrupted")
    }

    /// Stops guarding: the signals act as before.
    func finish() {
        for source in sources { source.cancel() }
        for (number, before) in previous { signal(number, before) }
    }

    /// Kills the compiler, removes the temporary files, and ends adviz as the signal would have.
    private func stop(by number: Int32) {
        let ends = (previous[number] ?? nil) == nil
        let pid = lock.withLock {
            interrupted = true
            ending = ends
            signalNumber = number
            return child
        }
        // The driver first, so it starts nothing more, then what it started (`clang -cc1`, the linker).
        if pid > 0 { CompilerGuard.killTree(pid) }
        for path in temporaries { unlink(path) }
        // A process that handles the signal itself (the server shuts down gracefully) goes on
        // to do so; otherwise adviz ends as the signal's default action would have ended it.
        guard ends else { return }
        signal(number, SIG_DFL)
        kill(getpid(), number)  // to the process: this dispatch thread blocks signals, so raise() would never arrive
    }

    /// Kills `pid` and every process it started (`clang -cc1`, the linker): the driver first,
    /// so it starts nothing more.
    static func killTree(_ pid: pid_t) {
        let started = descendants(of: pid)
        kill(pid, SIGKILL)
        for process in started { kill(process, SIGKILL) }
    }

    /// The processes `pid` started, and theirs, from /proc (empty where there is no /proc).
    static func descendants(of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        for entry in entries {
            guard let process = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // `pid (name) state ppid …`: the name may hold spaces, so the fields start after its `)`.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(process) }
        }
        var found: [pid_t] = []
        var queue = [pid]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where !found.contains(child) {
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }

    /// Removes temporary kernel files (`.NAME.PID-RANDOM.c`, `.so`) whose adviz no longer runs.
    static func removeAbandoned(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(".") && (name.hasSuffix(".c") || name.hasSuffix(".so")) {
            let parts = name.split(separator: ".")
            guard parts.count == 3, let dash = parts[1].firstIndex(of: "-"), let pid = pid_t(parts[1][..<dash]) else { continue }
            if pid != getpid(), kill(pid, 0) == -1, errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}
