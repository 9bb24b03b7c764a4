import Foundation
import Testing

@testable import AdvizCore

/// The library says what is wrong; the front end says which flag: a message holds the settings
/// it names, and each front end spells them its own way.
@Suite struct ErrorMessageTests {
    @Test func aSettingIsNamedByWhoeverPrintsTheMessage() {
        let error = AdvizError.invalidArgument("\(Setting.order) \(3): a trace shows order 1 or 2")
        #expect(error.description == "error: `order` 3: a trace shows order 1 or 2")
        #expect(error.rendered(naming: { "--\($0.rawValue)" }) == "error: --order 3: a trace shows order 1 or 2\n")
        #expect(error.message(naming: { "?\($0.rawValue)=" }) == "?order= 3: a trace shows order 1 or 2")
    }

    /// A message spliced into another keeps its settings.
    @Test func messagesKeepTheirSettingsWhenSpliced() {
        let what: ErrorMessage = "\(Setting.at)"
        let message: ErrorMessage = "\(what) has 3 values"
        #expect(message.pieces == [.setting(.at), .text(" has 3 values")])
        #expect(message.text(naming: { _ in "--at" }) == "--at has 3 values")
    }

    /// The trace's own check names the setting, not a flag.
    @Test func theTraceNamesTheOrderAsASetting() throws {
        let graph = try Graph(parsing: "x1*x2")
        var options = TraceOptions()
        options.order = 3
        do {
            _ = try Trace(graph, at: [2, 5], options: options)
            Issue.record("order 3 should be refused")
        } catch {
            if case .invalidArgument(let message) = error {
                #expect(message.pieces.first == .setting(.order))
            } else {
                Issue.record("an order out of range is an invalid argument, not \(error)")
            }
            #expect(!error.description.contains("--"), "the library names no flag: \(error)")
        }
    }
}
