#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the terminal the process writes to.
public enum Terminal {
    /// True if standard output is a terminal (not a pipe or a file).
    public static var isOutputTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// True if standard error is a terminal.
    public static var isErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The width of the terminal on standard output, else `COLUMNS`, else nil.
    public static func width(environment: [String: String]) -> Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return nil
    }
}
