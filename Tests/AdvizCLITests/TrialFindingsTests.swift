import Foundation
import Testing

/// What a stranger's trial of the command line found, one test per finding, and the library's
/// notes as the command line prints them (with its own flags).
@Suite struct TrialFindingsTests {
    /// `render`'s notes on a big figure name `--max-nodes` and `--edge-labels`: the library holds
    /// them as settings, and the command line names them as its flags.
    @Test func renderNotesNameTheFlags() throws {
        let folder = try RobustCLITests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let statements = (1...30).map { "h\($0) = sin(x*\($0)) + \($0)" }
        let program = (statements + ["y = " + (1...30).map { "h\($0)" }.joined(separator: " + ")]).joined(separator: "; ")
        let run = try AdvizRun(["render", program, "--at", "0.5", "--max-nodes", "100", "-o", folder.appendingPathComponent("big.svg").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("more than --max-nodes 100: folded"), "\(run.stderr)")
        #expect(run.stderr.contains("(ask for them with --edge-labels partials)"), "\(run.stderr)")
        #expect(!run.stderr.contains("`max-nodes`") && !run.stderr.contains("`edge-labels`"), "\(run.stderr)")
    }
}

extension TrialFindingsTests {
    /// `a = x*` then `y = a+1` on the next line: the dangling `*` made the second line part of the
    /// first statement; the error at its `=` says so instead of only "assignments start a statement".
    @Test func aDanglingOperatorIsNamedWhereTheNextLineFails() throws {
        let run = try AdvizRun(["trace", "-", "--at", "1"], stdin: "a = x*\ny = a+1\n")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("the line before ends in `*`, so this line went on with that statement"), "\(run.stderr)")
    }
}
