// AdvizKit: the whole library behind `adviz`, one import for a program that uses it.
//
// The layers, each a target that the compiler keeps apart, in the order the data flows:
//
// - AdvizOutput: output for people and files, below them all: aligned tables, terminal colour,
//   progress bars, atomic writes.
// - AdvizCore: the expression language (text → Program), the primitive table (`Op`), the tape
//   (`Graph`, recorded from text or from `Traced` arithmetic), the sweeps (primal, forward,
//   reverse) and the trace as data with its writers (text, Markdown, LaTeX, JSON).
// - AdvizSymbolic: the alternatives AD is compared with: symbolic differentiation (with its
//   swell) and numerical differentiation (finite differences, the complex step).
// - AdvizEngines: the many-point engines: the block interpreter with polynomial fusion, the
//   derivative as code, compiled kernels, and `GradientEngine` that chooses between them.
// - AdvizFigures: the graph drawn through Graphviz (GraphvizKit), and its step-through frames.
// - AdvizPlots: f and f′ and the error study drawn with Cairo (CairoKit).
// - AdvizLessons: lesson scripts, the terminal player and the HTML slideshow.
// - AdvizBench: `adviz bench`'s race, scaling and rendering measurements.
//
// Each layer imports only those before it; this file re-exports them all.

@_exported import AdvizBench
@_exported import AdvizCore
@_exported import AdvizOutput
@_exported import AdvizEngines
@_exported import AdvizFigures
@_exported import AdvizLessons
@_exported import AdvizPlots
@_exported import AdvizSymbolic
@_exported import TerminalKit
