"""Problem templates on users, permissions, processes, archives and small commands (see ``datagen``)."""

from __future__ import annotations

import numpy as np

from agentbench_gym.envs.os_shell.datagen_templates import (
    NAMES,
    WORDS,
    Record,
    _count,
    _match,
    _operation,
    _pick,
)


# ------------------------------------------------------------------ users and permissions
def bash_users(rng: np.random.Generator) -> Record:
    names = _pick(rng, NAMES, int(rng.integers(2, 7)))
    lines = [f"useradd -m -s {rng.choice(['/bin/bash', '/bin/sh', '/usr/sbin/nologin'])} {n}" for n in names]
    return _count("How many user accounts have /bin/bash as their login shell?", "\n".join(lines),
                  "awk -F: '$7==\"/bin/bash\"' /etc/passwd | wc -l", ["user", "count"])


def file_owner(rng: np.random.Generator) -> Record:
    names = _pick(rng, NAMES, 3)
    owner = names[int(rng.integers(3))]
    lines = [f"useradd -m {n}" for n in names] + [
        "mkdir -p /srv/vault", "echo token > /srv/vault/secret.txt", f"chown {owner} /srv/vault/secret.txt"]
    return _match("Which user owns the file /srv/vault/secret.txt? Answer with the user name only.",
                  "\n".join(lines), owner, ["stat -c %U /srv/vault/secret.txt"], ["user", "permission"])


def create_user(rng: np.random.Generator) -> Record:
    name = str(rng.choice(NAMES))
    check = (f"getent passwd {name} | awk -F: '$6==\"/home/{name}\" && $7==\"/bin/bash\" {{ok=1}} "
             f"END {{exit !ok}}' && [ -d /home/{name} ] && [ \"$(stat -c %U /home/{name})\" = {name} ]")
    return _operation(f"Create a user named {name} with the home directory /home/{name} (it must exist and "
                      "belong to the user) and /bin/bash as the login shell.", "true", check,
                      [f"useradd -m -d /home/{name} -s /bin/bash {name}"], ["user"])


def private_key(rng: np.random.Generator) -> Record:
    name = f"{rng.choice(WORDS)}.key"
    init = f"mkdir -p /etc/app && echo secret > /etc/app/{name} && chmod 666 /etc/app/{name}"
    return _operation(f"Make /etc/app/{name} readable and writable by its owner only, with no permissions "
                      "at all for the group and others.", init,
                      f"[ \"$(stat -c %a /etc/app/{name})\" = 600 ]", [f"chmod 600 /etc/app/{name}"],
                      ["permission", "file"])


def give_ownership(rng: np.random.Generator) -> Record:
    name = str(rng.choice(NAMES))
    init = (f"useradd -m {name}\nmkdir -p /srv/www/assets\n"
            "touch /srv/www/index.html /srv/www/assets/app.js /srv/www/assets/.keep")
    return _operation(f"Give the user {name} ownership of /srv/www and of everything inside it.", init,
                      f"[ -z \"$(find /srv/www ! -user {name})\" ]", [f"chown -R {name} /srv/www"],
                      ["user", "permission"])


def add_to_group(rng: np.random.Generator) -> Record:
    name, group = str(rng.choice(NAMES)), f"{rng.choice(WORDS)}s"
    init = f"groupadd {group}\nuseradd -m -G users {name}"
    check = (f"id -nG {name} | tr ' ' '\\n' | grep -qx {group} && "
             f"id -nG {name} | tr ' ' '\\n' | grep -qx users")
    return _operation(f"Add the user {name} to the group {group}, keeping the groups {name} is already in.",
                      init, check, [f"usermod -aG {group} {name}"], ["user", "group"])


def count_executables(rng: np.random.Generator) -> Record:
    lines = ["mkdir -p /usr/local/tools/lib"]
    for i in range(int(rng.integers(3, 10))):
        mode = str(rng.choice(["755", "644", "700", "600", "744"]))
        lines.append(f"echo 'echo {i}' > /usr/local/tools/t{i} && chmod {mode} /usr/local/tools/t{i}")
    return _count("How many regular files directly in /usr/local/tools are executable by their owner?",
                  "\n".join(lines), "find /usr/local/tools -maxdepth 1 -type f -perm -u+x | wc -l",
                  ["permission", "count"])


# -------------------------------------------------------------------------------- processes
def _until(condition: str) -> str:
    """Shell code that waits (at most 5 s) until ``condition`` holds: a start script's
    background jobs must have exec'd before the agent's first command, which a scripted agent
    sends at once (an LLM takes seconds, so AgentBench's data need not wait)."""
    return f"for _ in $(seq 500); do {condition} && break; sleep 0.01; done"


def count_sleepers(rng: np.random.Generator) -> Record:
    n = int(rng.integers(2, 7))
    start = " ".join(["sleep 100000 &"] * n) + " " + _until(f'[ "$(pgrep -cx sleep)" -ge {n} ]')
    return _count("Some background jobs are running in this system. How many processes named sleep "
                  "are running right now?", "true", "pgrep -x sleep | wc -l", ["process", "count"],
                  start=start)


def stop_spinners(rng: np.random.Generator) -> Record:
    n = int(rng.integers(1, 4))
    start = ("cp /bin/sleep /usr/local/bin/spinner; " + " ".join(["spinner 100000 &"] * n) + " "
             + _until(f'[ "$(pgrep -cx spinner)" -ge {n} ]'))
    return _operation("Some processes named spinner are running. Stop all of them.", "true",
                      "sleep 0.3; ! pgrep -x spinner >/dev/null", ["sleep 0.5; pkill -x spinner; sleep 0.3"],
                      ["process"], start=start)


def writer_file(rng: np.random.Generator) -> Record:
    target, decoys = str(rng.choice(WORDS)), _pick(rng, WORDS, 4)
    init = "mkdir -p /var/tmp/feed\n" + "\n".join(
        f"echo old > /var/tmp/feed/{d}.log; touch -d '2 hours ago' /var/tmp/feed/{d}.log"
        for d in decoys if d != target)
    start = (f"python3 -c 'import time\nwhile True:\n\topen(\"/var/tmp/feed/{target}.log\", \"a\")"
             ".write(\"tick\\n\")\n\ttime.sleep(1)' &")
    return _match("A background program appends a line to a file in /var/tmp/feed every second. Which "
                  "file is it? Answer with the file name only.", init, f"{target}.log",
                  ["sleep 1.5; ls -t /var/tmp/feed | head -n 1"], ["process", "file", "background"],
                  start=start)


def pid_of(rng: np.random.Generator) -> Record:
    name = f"{rng.choice(WORDS)}d"
    start = f"cp /bin/sleep /usr/local/bin/{name}; {name} 100000 & {_until(f'pgrep -x {name} >/dev/null')}"
    return _count(f"A daemon named {name} is running. What is its process ID?", "true",
                  f"pgrep -x {name}", ["process"], start=start)


# ---------------------------------------------------------------------------------- archives
def tar_count(rng: np.random.Generator) -> Record:
    n = int(rng.integers(3, 12))
    lines = ["mkdir -p /tmp/src/docs /data"] + [f"echo {i} > /tmp/src/{'docs/' if i % 2 else ''}f{i}.txt"
                                                  for i in range(n)]
    lines += ["tar -czf /data/bundle.tar.gz -C /tmp/src .", "rm -rf /tmp/src"]
    return _count("How many regular files does the archive /data/bundle.tar.gz contain?", "\n".join(lines),
                  "tar -tzvf /data/bundle.tar.gz | grep -c '^-'", ["archive", "count"])


def make_tarball(rng: np.random.Generator) -> Record:
    files = _pick(rng, WORDS, 3)
    init = "mkdir -p /srv/project/src\n" + "\n".join(f"echo '# {f}' > /srv/project/src/{f}.py" for f in files)
    check = ("tar -tzf /backup/project.tar.gz > /tmp/.list 2>/dev/null && "
             + " && ".join(f"grep -q 'project/src/{f}.py$' /tmp/.list" for f in files))
    return _operation("Create a gzip-compressed tar archive /backup/project.tar.gz that contains the "
                      "directory /srv/project with all its files.", init, check,
                      ["mkdir -p /backup && tar -czf /backup/project.tar.gz -C /srv project"], ["archive"])


def extract_tar(rng: np.random.Generator) -> Record:
    page = str(rng.choice(WORDS))
    init = ("mkdir -p /tmp/site/css /data\n"
            f"echo '<h1>{page}</h1>' > /tmp/site/index.html\necho 'body{{}}' > /tmp/site/css/style.css\n"
            "tar -cf /data/site.tar -C /tmp/site .\nrm -rf /tmp/site")
    check = (f"grep -q '{page}' /var/www/site/index.html && [ -f /var/www/site/css/style.css ]")
    return _operation("Extract the archive /data/site.tar into /var/www/site, so that its index.html ends up "
                      "at /var/www/site/index.html.", init, check,
                      ["mkdir -p /var/www/site && tar -xf /data/site.tar -C /var/www/site"], ["archive"])


def zip_count(rng: np.random.Generator) -> Record:
    n = int(rng.integers(2, 9))
    lines = ["mkdir -p /tmp/docs/img /data"] + [f"echo {i} > /tmp/docs/{'img/' if i % 3 == 0 else ''}d{i}.txt"
                                                 for i in range(n)]
    lines += ["cd /tmp && zip -qr /data/docs.zip docs", "rm -rf /tmp/docs"]
    return _count("How many files (not directories) are inside the zip archive /data/docs.zip?",
                  "\n".join(lines), "unzip -Z1 /data/docs.zip | grep -vc '/$'", ["archive", "count"])


# ---------------------------------------------------------------------- editing and commands
def replace_text(rng: np.random.Generator) -> Record:
    n = int(rng.integers(2, 6))
    body = [f"host{i}=localhost:{5400 + i}" for i in range(n)] + ["mode=prod"]
    init = "mkdir -p /etc/app\ncat > /etc/app/config.ini <<'EOF'\n" + "\n".join(body) + "\nEOF"
    check = ("! grep -q localhost /etc/app/config.ini && "
             f"[ \"$(grep -c 'db.internal:' /etc/app/config.ini)\" = {n} ] && "
             "grep -qx mode=prod /etc/app/config.ini")
    return _operation("In /etc/app/config.ini, replace every occurrence of 'localhost' with 'db.internal' "
                      "and change nothing else.", init, check,
                      ["sed -i 's/localhost/db.internal/g' /etc/app/config.ini"], ["text", "file"])


def sort_names(rng: np.random.Generator) -> Record:
    names = [str(n) for n in rng.permutation(NAMES)[: int(rng.integers(5, 12))]]
    init = "mkdir -p /data\nprintf '%s\\n' " + " ".join(names) + " > /data/names.txt"
    return _operation("Sort the lines of /data/names.txt alphabetically and write the result to "
                      "/data/names.sorted (leave names.txt as it is).", init,
                      "sort /data/names.txt | cmp -s - /data/names.sorted",
                      ["sort /data/names.txt > /data/names.sorted"], ["text", "file"])


def greet_command(rng: np.random.Generator) -> Record:
    word = str(rng.choice(["Hello", "Hi", "Welcome"]))
    check = " && ".join(f"[ \"$(greet {n})\" = \"{word}, {n}!\" ]" for n in ("Ada", "Linus", "Grace"))
    solution = (f"printf '#!/bin/bash\\necho \"{word}, $1!\"\\n' > /usr/local/bin/greet && "
                "chmod +x /usr/local/bin/greet")
    return _operation(f"Create a command greet, available on the PATH, so that 'greet NAME' prints "
                      f"'{word}, NAME!'. For example 'greet Ada' prints '{word}, Ada!'.", "true", check,
                      [solution], ["command", "script"])


def addup_command(rng: np.random.Generator) -> Record:
    cases = [[int(x) for x in rng.integers(-50, 100, size=int(rng.integers(1, 5)))] for _ in range(3)]
    check = " && ".join(f"[ \"$(addup {' '.join(map(str, c))})\" = {sum(c)} ]" for c in cases)
    solution = ("printf '#!/bin/bash\\ns=0\\nfor x in \"$@\"; do s=$((s + x)); done\\necho $s\\n' "
                "> /usr/local/bin/addup && chmod +x /usr/local/bin/addup")
    return _operation("Create a command addup, available on the PATH, that prints the sum of its integer "
                      "arguments (which may be negative). For example 'addup 2 -5 10' prints 7.", "true",
                      check, [solution], ["command", "script"])


def make_symlink(rng: np.random.Generator) -> Record:
    name = str(rng.choice(["py", "python", "py3"]))
    return _operation(f"Create a symbolic link /usr/local/bin/{name} that points to /usr/bin/python3.",
                      "true", f"[ \"$(readlink /usr/local/bin/{name})\" = /usr/bin/python3 ]",
                      [f"ln -s /usr/bin/python3 /usr/local/bin/{name}"], ["file", "command"])


def dedupe_lines(rng: np.random.Generator) -> Record:
    base = [f"{n}@example.org" for n in _pick(rng, NAMES, int(rng.integers(4, 9)))]
    lines = [str(x) for x in rng.choice(base, size=len(base) * 2)]
    expected = list(dict.fromkeys(lines))
    init = "mkdir -p /data\nprintf '%s\\n' " + " ".join(lines) + " > /data/emails.txt"
    check = "printf '%s\\n' " + " ".join(expected) + " | cmp -s - /data/emails.txt"
    return _operation("Remove the duplicate lines of /data/emails.txt in place, keeping the first "
                      "occurrence of each line and the original order.", init, check,
                      ["awk '!seen[$0]++' /data/emails.txt > /tmp/e && cat /tmp/e > /data/emails.txt"],
                      ["text", "file"])


SYSTEM_TEMPLATES = (bash_users, file_owner, create_user, private_key, give_ownership, add_to_group,
                    count_executables, count_sleepers, stop_spinners, writer_file, pid_of, tar_count,
                    make_tarball, extract_tar, zip_count, replace_text, sort_names, greet_command,
                    addup_command, make_symlink, dedupe_lines)
