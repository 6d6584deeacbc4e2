"""Problem templates of the built-in OS data (see ``datagen``); each takes a numpy Generator."""

from __future__ import annotations

from typing import Any

import numpy as np

Record = dict[str, Any]
INTEGER = {"language": "python", "file": "check/integer-match.py"}
STRING = {"language": "python", "file": "check/string-match.py"}
WORDS = ("alpha", "bravo", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper",
         "kepler", "lumen", "maple", "nectar", "onyx", "pepper", "quartz", "raven", "saffron", "tundra",
         "umber", "velvet", "willow", "xenon", "yarrow", "zephyr")
NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
         "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter")


def _pick(rng: np.random.Generator, items: tuple[str, ...], k: int) -> list[str]:
    return [items[i] for i in rng.choice(len(items), size=k, replace=False)]


def _count(description: str, init: str, reference: str, labels: list[str],
           start: str | None = None) -> Record:
    """A question judged against a reference command run after the episode (integer-match)."""
    record: Record = {"description": description, "create": {"init": init},
                      "evaluation": {"check": [None, INTEGER], "example": {"code": reference}},
                      "labels": labels, "solution": [reference]}
    if start:
        record["start"] = start
    return record


def _match(description: str, init: str, answer: str, solution: list[str], labels: list[str],
           start: str | None = None) -> Record:
    record: Record = {"description": description, "create": {"init": init},
                      "evaluation": {"match": answer}, "labels": labels, "solution": solution}
    if start:
        record["start"] = start
    return record


def _operation(description: str, init: str, check: str, solution: list[str], labels: list[str],
               start: str | None = None) -> Record:
    record: Record = {"description": description, "create": {"init": init},
                      "evaluation": {"check": {"code": check}}, "labels": labels, "solution": solution}
    if start:
        record["start"] = start
    return record


# ------------------------------------------------------------------ file system / counting
def count_extension(rng: np.random.Generator) -> Record:
    ext = str(rng.choice(["log", "csv", "bak", "conf", "md"]))
    lines = ["mkdir -p /data/a/b /data/c"]
    for i in range(int(rng.integers(3, 12))):
        folder = str(rng.choice(["/data", "/data/a", "/data/a/b", "/data/c"]))
        lines.append(f"echo {i} > {folder}/file{i}.{ext}")
    for i in range(int(rng.integers(2, 6))):
        lines.append(f"echo x > /data/c/other{i}.{ext}.old; echo y > /data/a/.hidden{i}.txt")
    lines.append(f"mkdir -p /data/dir.{ext}")
    return _count(f"How many regular files with the extension .{ext} are there under /data, "
                  "including its subdirectories?", "\n".join(lines),
                  f"find /data -type f -name '*.{ext}' | wc -l", ["file", "count"])


def count_hidden(rng: np.random.Generator) -> Record:
    lines = ["mkdir -p /srv/share/sub"]
    for i in range(int(rng.integers(2, 9))):
        lines.append(f"touch /srv/share/.cfg{i}")
    for i in range(int(rng.integers(1, 5))):
        lines.append(f"touch /srv/share/sub/.deep{i} /srv/share/visible{i}")
    lines.append("mkdir -p /srv/share/.cachedir")
    return _count("How many hidden regular files are directly in /srv/share (not in its subdirectories)?",
                  "\n".join(lines), "find /srv/share -maxdepth 1 -type f -name '.*' | wc -l",
                  ["file", "count"])


def count_empty(rng: np.random.Generator) -> Record:
    lines = ["mkdir -p /var/spool/jobs/done /var/spool/jobs/new"]
    for i in range(int(rng.integers(2, 10))):
        folder = str(rng.choice(["done", "new", "."]))
        if rng.random() < 0.5:
            lines.append(f"touch /var/spool/jobs/{folder}/job{i}")
        else:
            lines.append(f"echo payload{i} > /var/spool/jobs/{folder}/job{i}")
    lines.append("touch /var/spool/jobs/new/.empty-marker")
    return _count("How many empty regular files are in /var/spool/jobs and all of its subdirectories?",
                  "\n".join(lines), "find /var/spool/jobs -type f -empty | wc -l", ["file", "count"])


def largest_file(rng: np.random.Generator) -> Record:
    names = _pick(rng, WORDS, 5)
    sizes = rng.choice(np.arange(100, 5000), size=5, replace=False)
    lines = ["mkdir -p /data/blobs"] + [f"head -c {int(s)} /dev/zero > /data/blobs/{n}.bin"
                                         for n, s in zip(names, sizes, strict=True)]
    answer = f"{names[int(np.argmax(sizes))]}.bin"
    return _match("Which file in /data/blobs is the largest? Answer with the file name only.",
                  "\n".join(lines), answer, ["ls -S /data/blobs | head -n 1"], ["file", "size"])


def total_bytes(rng: np.random.Generator) -> Record:
    lines = ["mkdir -p /data/reports/q1 /data/reports/q2"]
    for i in range(int(rng.integers(3, 8))):
        folder = str(rng.choice(["q1", "q2", "."]))
        lines.append(f"head -c {int(rng.integers(10, 3000))} /dev/zero > /data/reports/{folder}/r{i}.dat")
    return _count("What is the total size in bytes of all regular files under /data/reports (file contents "
                  "only, not directories)?", "\n".join(lines),
                  "find /data/reports -type f -printf '%s\\n' | awk '{s+=$1} END {print s+0}'",
                  ["file", "size", "count"])


def count_dirs(rng: np.random.Generator) -> Record:
    depth, width = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    paths = ["/opt/tree"]
    for _ in range(depth):
        paths = [f"{p}/n{j}" for p in paths for j in range(width)][: 12]
    lines = [f"mkdir -p {p}" for p in paths] + ["touch /opt/tree/n0/file.txt"]
    return _count("How many directories are there under /opt/tree, counting /opt/tree itself?",
                  "\n".join(lines), "find /opt/tree -type d | wc -l", ["file", "count"])


def newest_file(rng: np.random.Generator) -> Record:
    names = _pick(rng, WORDS, 5)
    ages = rng.choice(np.arange(2, 90), size=5, replace=False)
    lines = ["mkdir -p /data/inbox"] + [f"touch -d '{int(a)} hours ago' /data/inbox/{n}.msg"
                                          for n, a in zip(names, ages, strict=True)]
    answer = f"{names[int(np.argmin(ages))]}.msg"
    return _match("Which file in /data/inbox was modified most recently? Answer with the file name only.",
                  "\n".join(lines), answer, ["ls -t /data/inbox | head -n 1"], ["file", "time"])


def old_files(rng: np.random.Generator) -> Record:
    lines = ["mkdir -p /data/archive"]
    for i in range(int(rng.integers(4, 12))):
        lines.append(f"echo {i} > /data/archive/f{i}; touch -d '{int(rng.integers(1, 80))} days ago' "
                     f"/data/archive/f{i}")
    return _count("How many files in /data/archive were last modified more than 30 days ago?",
                  "\n".join(lines), "find /data/archive -type f -mtime +30 | wc -l", ["file", "time"])


# ------------------------------------------------------------------------ text processing
def grep_count(rng: np.random.Generator) -> Record:
    levels = ["INFO", "WARN", "ERROR", "DEBUG"]
    rows = [f"2024-05-{int(rng.integers(1, 28)):02d} {levels[int(rng.integers(4))]} "
            f"worker-{int(rng.integers(9))} step {i}" for i in range(int(rng.integers(30, 80)))]
    level = str(rng.choice(["ERROR", "WARN"]))
    init = "mkdir -p /var/log/app\ncat > /var/log/app/app.log <<'EOF'\n" + "\n".join(rows) + "\nEOF"
    return _count(f"How many lines of /var/log/app/app.log have the level {level}?", init,
                  f"grep -c ' {level} ' /var/log/app/app.log", ["text", "log", "count"])


def top_ip(rng: np.random.Generator) -> Record:
    ips = [f"10.0.{int(rng.integers(256))}.{int(rng.integers(1, 255))}" for _ in range(5)]
    counts = rng.choice(np.arange(1, 30), size=5, replace=False)
    rows = [f"{ip} - - \"GET /page{j} HTTP/1.1\" 200" for ip, c in zip(ips, counts, strict=True)
            for j in range(int(c))]
    order = rng.permutation(len(rows))
    init = "mkdir -p /var/log/web\ncat > /var/log/web/access.log <<'EOF'\n" + \
        "\n".join(rows[int(i)] for i in order) + "\nEOF"
    answer = ips[int(np.argmax(counts))]
    return _match("Which IP address appears most often in /var/log/web/access.log? Answer with the IP "
                  "address only.", init, answer,
                  ["awk '{print $1}' /var/log/web/access.log | sort | uniq -c | sort -rn | head -n 1 "
                   "| awk '{print $2}'"], ["text", "log"])


def csv_sum(rng: np.random.Generator) -> Record:
    regions = ["north", "south", "east", "west"]
    count = int(rng.integers(15, 40))
    rows = ["region,product,units"] + [f"{regions[int(rng.integers(4))]},{rng.choice(WORDS)},"
                                        f"{int(rng.integers(1, 500))}" for _ in range(count)]
    region = regions[int(rng.integers(4))]
    init = "mkdir -p /data\ncat > /data/sales.csv <<'EOF'\n" + "\n".join(rows) + "\nEOF"
    return _count(f"/data/sales.csv has a header line and the columns region,product,units. How many units "
                  f"were sold in total in the region {region}?", init,
                  f"awk -F, 'NR>1 && $1==\"{region}\" {{s+=$3}} END {{print s+0}}' /data/sales.csv",
                  ["text", "csv", "count"])


def unique_words(rng: np.random.Generator) -> Record:
    words = [str(w) for w in rng.choice(WORDS, size=int(rng.integers(20, 60)))]
    init = "mkdir -p /data\nprintf '%s\\n' " + " ".join(words) + " > /data/words.txt"
    return _count("/data/words.txt has one word per line. How many distinct words does it contain?",
                  init, "sort -u /data/words.txt | wc -l", ["text", "count"])


def nth_line(rng: np.random.Generator) -> Record:
    lines = [" ".join(str(w) for w in rng.choice(WORDS, size=4)) for _ in range(30)]
    n = int(rng.integers(5, 30))
    init = "mkdir -p /data\ncat > /data/poem.txt <<'EOF'\n" + "\n".join(lines) + "\nEOF"
    return _match(f"What is line {n} of /data/poem.txt? Answer with the line exactly.", init,
                  lines[n - 1], [f"sed -n '{n}p' /data/poem.txt"], ["text"])


def word_frequency(rng: np.random.Generator) -> Record:
    word = str(rng.choice(WORDS))
    body = [" ".join(str(w) for w in rng.choice(WORDS, size=8)) for _ in range(25)]
    init = "mkdir -p /data\ncat > /data/story.txt <<'EOF'\n" + "\n".join(body) + "\nEOF"
    return _count(f"How many times does the word '{word}' occur in /data/story.txt (whole words, "
                  "case-sensitive)?", init, f"grep -ow '{word}' /data/story.txt | wc -l", ["text", "count"])


def config_value(rng: np.random.Generator) -> Record:
    keys = ["API_PORT", "CACHE_TTL", "MAX_WORKERS", "RETRY_LIMIT"]
    values = {k: str(int(rng.integers(2, 9000))) for k in keys}
    key = keys[int(rng.integers(4))]
    body = [f"# generated {rng.choice(WORDS)}"] + [f"{k}={v}" for k, v in values.items()]
    init = "mkdir -p /etc/app\ncat > /etc/app/env.conf <<'EOF'\n" + "\n".join(body) + "\nEOF"
    return _match(f"What value does /etc/app/env.conf assign to {key}? Answer with the value only.", init,
                  values[key], [f"grep '^{key}=' /etc/app/env.conf | cut -d= -f2"], ["text", "config"])


FILE_TEMPLATES = (count_extension, count_hidden, count_empty, largest_file, total_bytes, count_dirs,
                  newest_file, old_files, grep_count, top_ip, csv_sum, unique_words, nth_line,
                  word_frequency, config_value)
