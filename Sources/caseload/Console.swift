// Writing to stdout / stderr without C stdio globals (not concurrency-safe in Swift 6) and with
// large exports in mind: output is buffered and written with write(2), retrying short writes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import CaseloadCore
import CaseloadStore

/// Temporary copies left by killed commands, removed and said on stderr.
enum StaleCopies {
    static func remove(beside path: String) {
        for copy in SQLiteStore.removeStaleTemporaryFiles(beside: path) {
            Console.note("Removed '\(copy)', a temporary copy left by a Caseload command that was stopped before it finished.")
        }
    }
}

enum Console {
    /// A line for a person, on stderr.
    static func note(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        _ = try? writeAll(fd: 2, &bytes)
    }

    /// An error sentence on stderr, prefixed so it is clear which program speaks.
    static func error(_ text: String) {
        note("caseload: \(text)")
    }

    /// Plain output on stdout, unbuffered (for short listings).
    static func out(_ text: String) throws {
        var bytes = Array((text + "\n").utf8)
        try writeAll(fd: 1, &bytes)
    }

    static func writeAll(fd: Int32, _ bytes: inout [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                // A closed pipe (`caseload export | head`) is not a store problem: say what happened.
                throw CaseloadError.refused(errno == EPIPE
                    ? "The output was closed before everything was written."
                    : "Could not write the output: \(String(cString: strerror(errno))).")
            }
            offset += n
        }
    }
}

/// Buffers many small writes (streamed JSON) into few system calls.
final class BufferedOutput {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let limit: Int

    init(fd: Int32, limit: Int = 1 << 16) {
        self.fd = fd
        self.limit = limit
        buffer.reserveCapacity(limit + 4096)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try Console.writeAll(fd: fd, &buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
