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

    /// The height of the terminal on standard output in lines, else `LINES`, else nil.
    public static func height(environment: [String: String]) -> Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { return lines }
        return nil
    }
}

/// The terminal on standard input in raw mode: keys arrive one byte at a time, unechoed.
public enum RawTerminal {
    /// Runs `body` with standard input in raw mode (no echo, no line buffering, no signals from
    /// keys), restoring the previous mode afterwards; false, and `body` not run, if standard
    /// input is not a terminal.
    public static func withRawMode(_ body: () -> Void) -> Bool {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return false }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        body()
        return true
    }

    /// The next byte from standard input, or nil at its end.
    public static func readByte() -> UInt8? {
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    /// The next byte if one arrives within `milliseconds`, else nil: an arrow key's escape
    /// sequence arrives at once, a lone Esc is followed by nothing.
    public static func readByte(within milliseconds: Int32) -> UInt8? {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) == 1 else { return nil }
        return readByte()
    }
}
