#!/usr/bin/env python3
"""Drives the real `caseload` binary in a pseudo-terminal (80x24, TERM=xterm-256color) and
measures what SPEC section 8 asks for: start to first full frame, keystroke to frame (from the
front end's CASELOAD_TRACE_FILE and from the outside), bytes written for a one-row selection
move, and resident memory. Standard library only; run it through Benchmarks/run.sh."""

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

KEY_DOWN = b"j"
KEY_PGDN = b"\x1b[6~"
KEY_TAB = b"\t"
KEY_ENTER = b"\r"


def percentile(values, p):
    """Nearest-rank percentile (no interpolation: a p99 is a value that really happened)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(round(p / 100.0 * len(ordered) + 0.4999)))
    return ordered[min(rank, len(ordered)) - 1]


class App:
    """One caseload process on its own pty."""

    def __init__(self, binary, db, extra_args=(), trace_file=None, cols=80, rows=24):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ)
        env["TERM"] = "xterm-256color"
        env.pop("NO_COLOR", None)
        env.pop("CASELOAD_TRACE_FILE", None)
        if trace_file:
            env["CASELOAD_TRACE_FILE"] = trace_file

        def make_controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [binary, "--db", db, *extra_args],
            stdin=slave, stdout=slave, stderr=slave, env=env,
            preexec_fn=make_controlling_tty, close_fds=True)
        os.close(slave)
        self.fd = master
        self.total_bytes = 0

    def read_until_quiet(self, quiet, deadline, need=None, first_byte_within=None):
        """Reads until no byte arrives for `quiet` seconds (after `need` appeared, if given).
        Gives up early when nothing at all arrives within `first_byte_within` seconds (a key
        that changes nothing, e.g. j on the last row). Returns (data, time of the last byte or None)."""
        data = bytearray()
        last = None
        end = time.perf_counter() + deadline
        if first_byte_within is not None:
            end_if_silent = time.perf_counter() + first_byte_within
        while True:
            now = time.perf_counter()
            if now >= end:
                break
            satisfied = need is None or need in data
            if satisfied and last is not None:
                wait = last + quiet - now
                if wait <= 0:
                    break
            else:
                if first_byte_within is not None and last is None and now >= end_if_silent:
                    break
                wait = min(0.05, end - now)
            ready, _, _ = select.select([self.fd], [], [], wait)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                last = time.perf_counter()
                self.total_bytes += len(chunk)
        return bytes(data), last

    def drain(self, quiet=0.15, deadline=5.0):
        return self.read_until_quiet(quiet, deadline)

    def send(self, keys):
        os.write(self.fd, keys)
        return time.perf_counter()

    def memory(self):
        """VmHWM and VmRSS in KiB from /proc."""
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in ("VmHWM", "VmRSS"):
                    fields[name] = int(value.split()[0])
        return fields

    def quit(self, timeout=5.0):
        if self.proc.poll() is None:
            try:
                os.write(self.fd, b"Q")
            except OSError:
                pass
            end = time.time() + timeout
            while time.time() < end and self.proc.poll() is None:
                try:
                    self.read_until_quiet(0.05, 0.2)
                except OSError:
                    break
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        try:
            os.close(self.fd)
        except OSError:
            pass
        return self.proc.returncode


def read_trace(path):
    """Microseconds per key event from the front end's trace file: the last integer on each line."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                numbers = re.findall(r"-?\d+", line)
                if numbers:
                    out.append(int(numbers[-1]))
    except FileNotFoundError:
        pass
    return out


def trace_count(path):
    try:
        with open(path) as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def measure_start(args):
    times = []
    for _ in range(args.starts):
        app = App(args.bin, args.db, args.app_args)
        marker = args.frame_marker.encode()
        data, last = app.read_until_quiet(0.1, 15.0, need=marker)
        if marker not in data or last is None:
            app.quit()
            sys.exit(f"no frame with '{args.frame_marker}' within 15 s; got:\n{data[-2000:]!r}")
        times.append((last - app.started) * 1000.0)
        app.quit()
    return times


def keystrokes(app, key, count, trace_file, quiet):
    """Sends `key` `count` times, each after the previous frame settled. Returns
    (outside latencies ms: key written -> last byte before quiet, trace µs for these keys)."""
    outside = []
    before = trace_count(trace_file)
    for _ in range(count):
        sent = app.send(key)
        _, last = app.read_until_quiet(quiet, 2.0, first_byte_within=0.5)
        if last is not None:
            outside.append((last - sent) * 1000.0)
    # The front end may write its trace line just after the frame: give it a moment to land.
    deadline = time.time() + 2.0
    while trace_count(trace_file) < before + count and time.time() < deadline:
        time.sleep(0.01)
    traced = read_trace(trace_file)[before:before + count]
    return outside, traced


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="as_user", default=None,
                        help="staff member for the start-up runs (default: the OS user)")
    parser.add_argument("--nav-as", default=None,
                        help="staff member for the navigation runs, e.g. the demo's supervisor")
    parser.add_argument("--scope-presses", type=int, default=0,
                        help="how many times to press v (mine -> team -> all) before moving")
    parser.add_argument("--frame-marker", default="quit",
                        help="text of the status bar that marks a complete frame")
    parser.add_argument("--caseload-key", default="c")
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--moves", type=int, default=500)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--tabs", type=int, default=200)
    parser.add_argument("--typing", type=int, default=300,
                        help="characters typed into a 2,000-word note (0 skips the editor run)")
    parser.add_argument("--note-key", default="n", help="the chart key that starts a new note")
    parser.add_argument("--section-tabs", type=int, default=0,
                        help="Tab presses from where a new note opens (its first section) to the section to type in")
    parser.add_argument("--quiet-ms", type=float, default=15.0)
    parser.add_argument("--demo-seconds", default="")
    parser.add_argument("--demo-bytes", default="")
    parser.add_argument("--demo-label", default="demo")
    args = parser.parse_args()
    args.app_args = ["--as", args.as_user] if args.as_user else []
    quiet = args.quiet_ms / 1000.0

    print(f"start-up: {args.starts} runs ...", flush=True)
    starts = measure_start(args)

    trace = tempfile.NamedTemporaryFile(prefix="caseload-trace-", suffix=".log", delete=False).name
    nav_args = ["--as", args.nav_as] if args.nav_as else args.app_args
    app = App(args.bin, args.db, nav_args, trace_file=trace)
    app.read_until_quiet(0.2, 15.0, need=args.frame_marker.encode())

    # Caseload: move the selection, one row and one page at a time (through the whole program's
    # clients when a supervisor widens the view).
    app.send(args.caseload_key.encode())
    app.drain()
    for _ in range(args.scope_presses):
        app.send(b"v")
        app.drain(0.3)
    print(f"caseload: {args.moves} x j, {args.pages} x PgDn ...", flush=True)
    move_out, move_trace = keystrokes(app, KEY_DOWN, args.moves, trace, quiet)
    page_out, page_trace = keystrokes(app, KEY_PGDN, args.pages, trace, quiet)

    # Bytes for one row: back to the top so the move stays inside the visible page (no scroll).
    app.send(b"g")
    app.drain(0.3)
    row_bytes = []
    for _ in range(5):
        app.send(KEY_DOWN)
        data, _ = app.drain(0.3)
        row_bytes.append(len(data))

    # Chart: open the selected client and cycle the tabs.
    app.send(KEY_ENTER)
    app.drain(0.3)
    print(f"chart: {args.tabs} x Tab ...", flush=True)
    tab_out, tab_trace = keystrokes(app, KEY_TAB, args.tabs, trace, quiet)

    memory = app.memory()
    status = app.quit()

    # Typing: a new note on a chart, a 2,000-word text pasted into its first section, then keys typed
    # at the end of it. The process is killed afterwards (no hang-up save), so the store gets no draft.
    type_out, type_trace = [], []
    if args.typing > 0:
        app = App(args.bin, args.db, args.app_args, trace_file=trace)
        app.read_until_quiet(0.2, 15.0, need=args.frame_marker.encode())
        app.send(args.caseload_key.encode()); app.drain()
        app.send(KEY_ENTER); app.drain(0.3)
        app.send(args.note_key.encode()); app.drain(0.3)
        words = ["client", "reports", "Zoë", "cravings", "李", "naloxone", "steady", "dosing", "and", "sleep"]
        text = "\r".join(" ".join(words[(i + j) % len(words)] for j in range(10)) for i in range(0, 2000, 10))
        # Tab past the header fields to the first section, then paste (bracketed) and type.
        for _ in range(args.section_tabs):
            app.send(KEY_TAB); app.drain(0.1)
        app.send(b"\x1b[200~" + text.encode() + b"\x1b[201~")
        pasted, _ = app.drain(0.5, 10.0)
        # The section shows "N lines" once it holds more than fits: without it the paste went elsewhere
        # (a header field), and the typing figures would not be of a long note.
        if b" lines" not in pasted:
            sys.exit("error: the 2,000-word paste did not land in a note section (no 'N lines' marker); check --section-tabs")
        print(f"editor: {args.typing} characters typed into a 2,000-word note ...", flush=True)
        sample = "steady progress with naloxone training "
        for i in range(args.typing):
            o, t = keystrokes(app, sample[i % len(sample)].encode(), 1, trace, quiet)
            type_out += o; type_trace += t
        app.proc.kill()
        app.proc.wait()
        os.close(app.fd)
    os.unlink(trace)

    nav_trace = move_trace + page_trace
    nav_out = move_out + page_out

    def us_to_ms(v):
        return v / 1000.0

    rows = []
    if args.demo_seconds:
        rows.append((f"{args.demo_label}: build time", f"{float(args.demo_seconds):.1f} s", "minutes at most"))
    if args.demo_bytes:
        rows.append(("demo store file size", f"{int(args.demo_bytes) / 2**20:.0f} MiB", "about 1-2 GB"))
    rows += [
        ("start to first full frame, median", f"{statistics.median(starts):.1f} ms", "<= 150 ms"),
        ("start to first full frame, worst", f"{max(starts):.1f} ms", "<= 150 ms"),
        ("key to frame, caseload moves (trace) p50", f"{us_to_ms(percentile(nav_trace, 50)):.2f} ms", ""),
        ("key to frame, caseload moves (trace) p99", f"{us_to_ms(percentile(nav_trace, 99)):.2f} ms", "p99 <= 10 ms"),
        ("key to frame, chart tabs (trace) p50", f"{us_to_ms(percentile(tab_trace, 50)):.2f} ms", ""),
        ("key to frame, chart tabs (trace) p99", f"{us_to_ms(percentile(tab_trace, 99)):.2f} ms", "p99 <= 10 ms"),
        ("key to last byte, caseload moves (pty) p50", f"{percentile(nav_out, 50):.2f} ms", ""),
        ("key to last byte, caseload moves (pty) p99", f"{percentile(nav_out, 99):.2f} ms", "p99 <= 10 ms"),
        ("key to last byte, chart tabs (pty) p50", f"{percentile(tab_out, 50):.2f} ms", ""),
        ("key to last byte, chart tabs (pty) p99", f"{percentile(tab_out, 99):.2f} ms", "p99 <= 10 ms"),
        ("key to frame, typing in a 2,000-word note (trace) p50",
         f"{us_to_ms(percentile(type_trace, 50)):.2f} ms" if type_trace else "not run", ""),
        ("key to frame, typing in a 2,000-word note (trace) p99",
         f"{us_to_ms(percentile(type_trace, 99)):.2f} ms" if type_trace else "not run", "p99 <= 10 ms"),
        ("key to last byte, typing (pty) p99",
         f"{percentile(type_out, 99):.2f} ms" if type_out else "not run", "p99 <= 10 ms"),
        ("bytes to move the selection one row (max of 5)", f"{max(row_bytes)} B  {row_bytes}", "<= 150 B"),
        ("resident memory, peak (VmHWM)", f"{memory.get('VmHWM', 0) / 1024:.1f} MiB", "<= 64 MiB"),
        ("resident memory, at the end (VmRSS)", f"{memory.get('VmRSS', 0) / 1024:.1f} MiB", "<= 64 MiB"),
    ]
    print()
    print(f"navigation as {args.nav_as or args.as_user or 'the OS user'} with {args.scope_presses} scope change(s); "
          f"trace lines: {len(nav_trace)} navigation, {len(tab_trace)} tab switches; exit status {status}")
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result'.ljust(vwidth)}  SPEC 8 target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value.ljust(vwidth)}  {target}")
    if not nav_trace or not tab_trace:
        print("\nwarning: the trace file had fewer lines than keys sent; is CASELOAD_TRACE_FILE supported?")


if __name__ == "__main__":
    main()
