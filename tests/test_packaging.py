"""The built wheel maps wrappers/ and baselines/ into the package, as the editable install does."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import agentbench_gym

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (found,) = out.glob("agentbench_gym-*.whl")
    return found


def test_wheel_installs_and_imports_every_subpackage(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    # Dependencies come from the test's own environment, which holds no agentbench_gym files.
    deps = sysconfig.get_paths()["purelib"]
    modules = sorted({ep.rpartition(":")[0].rsplit(".", 1)[0] for _, ep in
                      agentbench_gym.registration.ENV_ENTRY_POINTS.values()})
    script = (
        "import importlib, gymnasium as gym, agentbench_gym, agentbench_gym.wrappers, agentbench_gym.baselines\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "assert 'site-packages' in agentbench_gym.__file__, agentbench_gym.__file__\n"
        "assert agentbench_gym.wrappers.__file__.startswith(agentbench_gym.__path__[0])\n"
        "from agentbench_gym.errors import MissingExtra\n"
        "for env_id in agentbench_gym.TASKS.values():\n"
        "    try:\n"
        "        env = gym.make(env_id)\n"
        "    except MissingExtra:\n"
        "        continue\n"
        "    env.reset(seed=0); env.close()  # built-in data files made it into the wheel\n"
        "print('ok', agentbench_gym.__version__)\n"
    )
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": deps})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok 0.1.0")
