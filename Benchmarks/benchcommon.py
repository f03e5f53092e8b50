"""What the benchmark scripts share: timing a process and writing one section of BENCHMARKS.md."""
import os, subprocess, time


def timed(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS MB of it and its descendants, stdout, stderr, status)."""
    paths = [os.path.join("/tmp", f"bench-{os.getpid()}-{k}") for k in ("out", "err")]
    with open(paths[0], "w") as out, open(paths[1], "w") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t0
    texts = [open(f).read() for f in paths]
    for f in paths:
        os.remove(f)
    return seconds, usage.ru_maxrss / 1024, texts[0], texts[1], os.waitstatus_to_exitcode(status)


def replace_section(report_path, heading, text):
    """Puts `text` in the report in place of the section starting with `heading`, or at the end."""
    report = open(report_path).read() if os.path.exists(report_path) else "# Benchmarks\n"
    start = report.find("\n" + heading)
    if start >= 0:
        end = report.find("\n## ", start + 1)
        report = report[:start] + (report[end:] if end >= 0 else "")
    with open(report_path, "w") as f:
        f.write(report.rstrip("\n") + "\n\n" + text.strip("\n") + "\n")
