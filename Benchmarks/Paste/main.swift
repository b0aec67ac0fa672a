// Benchmarks/paste.sh: a bracketed paste of N characters (lines of 64, CR between them) fed to InputDecoder
// one read at a time, as the TUI loop does; the median and worst of 5 runs.
import Foundation
let sizeArg = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1 << 20
let line = Array("The client reports a calm week; attended all groups and dosing. ".unicodeScalars)
var reads: [RawInput] = "\u{1B}[200~".unicodeScalars.map { .char($0.value) }
var n = 0
while n < sizeArg - 6 {
    for s in line where n < sizeArg - 6 { reads.append(.char(s.value)); n += 1 }
    if n < sizeArg - 6 { reads.append(.char(13)); n += 1 }
}
reads += "\u{1B}[201~".unicodeScalars.map { .char($0.value) }
var times: [Double] = []
for _ in 0..<5 {
    var d = InputDecoder()
    var count = 0
    let t0 = DispatchTime.now().uptimeNanoseconds
    for r in reads { for e in d.feed(r, size: Size(width: 80, height: 24)) { if case .key(.paste(let s)) = e { count += s.unicodeScalars.count } } }
    let t1 = DispatchTime.now().uptimeNanoseconds
    precondition(count == sizeArg - 6)
    times.append(Double(t1 - t0) / 1e6)
}
times.sort()
print("paste of \(sizeArg) characters: median \(times[2]) ms, worst \(times[4]) ms")
