"""``agentbench-gym setup os``: prepare this machine for the OS env, once.

Adds root's subordinate id range if missing, builds the local sandbox's base filesystem
(about a minute, with a progress bar), and, when a Docker engine answers, imports the
docker backend's image from it. Run as ``python -m agentbench_gym.envs.os_shell.setup``
(the CLI's ``setup os`` calls ``main``). Idempotent: a second run only checks.
"""

from __future__ import annotations

import argparse
import sys

from agentbench_gym.envs.os_shell.backends import rootfs
from agentbench_gym.envs.os_shell.backends.docker_backend import DockerBackend, ensure_image
from agentbench_gym.envs.os_shell.backends.local import LocalBackend


def setup(docker: bool = True, progress: bool = True) -> dict[str, str]:
    """Prepare both backends as far as this machine allows; return backend -> status line."""
    report: dict[str, str] = {}
    problem = LocalBackend.status()
    if problem is None:
        rootfs.ensure_subids()
        path = rootfs.ensure_rootfs(progress=progress)
        report["local"] = f"ready (base filesystem at {path})"
    else:
        report["local"] = f"unavailable: {problem}"
    if docker:
        problem = DockerBackend.status()
        if problem is None and report["local"].startswith("ready"):
            import docker as sdk

            client = sdk.from_env()
            report["docker"] = f"ready (image {ensure_image(client)})"
            client.close()
        else:
            report["docker"] = f"unavailable: {problem or 'needs the local base filesystem first'}"
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit status 0 when the default (local) backend is ready."""
    parser = argparse.ArgumentParser(prog="agentbench-gym setup os", description=__doc__)
    parser.add_argument("--no-docker", action="store_true", help="skip the docker image")
    args = parser.parse_args(argv)
    report = setup(docker=not args.no_docker, progress=sys.stderr.isatty())
    for name, line in report.items():
        print(f"OS backend {name}: {line}")
    return 0 if report["local"].startswith("ready") else 1


if __name__ == "__main__":
    sys.exit(main())
