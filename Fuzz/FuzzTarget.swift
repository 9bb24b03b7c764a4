// libFuzzer entry point for adviz's parser and trace pipeline.
//
// Built by Fuzz/run: the engine by SwiftPM with `-sanitize=fuzzer,address`, this file linked to
// it by swiftc. Each input is split at the first byte 0x01 into a program and a point; the
// program is parsed, built, traced in every mode and written in every format. Any trap,
// sanitizer report or timeout is a bug: bad input must end in a result or an AdvizError.
// An input starting with `# ` is a lesson script instead, read and played as text.

import AdvizKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 1) ?? bytes.count
    let program = String(decoding: bytes[..<split], as: UTF8.self)
    let point = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
    if program.hasPrefix("# ") {
        exercise(lesson: program)
    } else {
        exercise(program: program, point: point)
    }
    return 0
}

/// An input that starts with `# ` is a lesson: read, checked and played (text only).
func exercise(lesson text: String) {
    guard let lesson = try? Lesson.parse(text, name: "fuzz.md"), let player = try? LessonPlayer(lesson) else { return }
    guard player.frames.allSatisfy({ ($0.graph?.nodes.count ?? 0) < 2_000 }) else { return }
    _ = player.transcript(width: 60)
}

func exercise(program: String, point: String) {
    guard let graph = try? Graph(parsing: program) else { return }
    // Bound the work per input: the fuzzer looks for crashes, not slow big inputs.
    guard graph.nodes.count < 5_000 else { return }
    let values: [Double]
    if let bound = try? PointBinding.bind(point, to: graph.inputNames) {
        values = bound
    } else {
        values = graph.inputNames.indices.map { Double($0) - 1.5 }
    }
    for mode in TraceMode.allCases {
        guard let trace = try? Trace(graph, at: values, options: TraceOptions(mode: mode)) else { continue }
        for format in ReportFormat.allCases { _ = TraceReport(trace, source: program).render(format, width: 80) }
        _ = trace.warningMessages()
    }
    if let seeds = try? PointBinding.bind(point, to: graph.inputNames, what: "--seed") {
        _ = try? Trace(graph, at: values, options: TraceOptions(seed: seeds))
    }
}
