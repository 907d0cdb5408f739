"""Judge a conformance report.

Every step must pass, except the ones listed in the known-failures file: those are gaps of
the demo server that are tracked openly (each line names the step and why it still fails).
A step that fails and is not listed fails CI; a listed step that now passes is reported so
the list only ever shrinks.
"""
import re
import sys

report_path, known_path = sys.argv[1], sys.argv[2]
report = open(report_path, encoding="utf-8").read().splitlines()
known = set()
for line in open(known_path, encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if line:
        known.add(line)

failed = set()
passed = set()
summary = None
for line in report:
    m = re.match(r"^(PASS|FAIL) (\S+?):", line)
    if m:
        (passed if m.group(1) == "PASS" else failed).add(m.group(2))
    if re.match(r"^\d+ passed, \d+ failed$", line):
        summary = line

if summary is None:
    print("conformance: the kit printed no summary line (did the server start?)")
    sys.exit(1)

unexpected = sorted(failed - known)
fixed = sorted(known & passed)
print(f"conformance: {summary}; {len(failed & known)} known gaps listed in {known_path}")
if fixed:
    print("conformance: these listed steps pass now; remove them from the list:")
    for s in fixed:
        print("  " + s)
if unexpected:
    print("conformance: unexpected failures:")
    for s in unexpected:
        print("  " + s)
    sys.exit(1)
