"""DB env: episode setup/teardown and per-query latency on each backend (median over N episodes).

Usage: python benchmarks/bench_database.py [--episodes 200] [--mysql-url URL] [--no-private]

Backends: ``sqlite`` (in-memory), ``mysql`` on the server at ``--mysql-url`` (default
``$AGENTBENCH_MYSQL_URL`` or root@127.0.0.1:3306) and ``mysql`` on a private MariaDB on tmpfs.
Reset = ``env.reset()``; ready = until the database can take the first statement (on MySQL the
database, tables and rows are built on a worker thread while the agent thinks, so reset returns
first); teardown = releasing the episode (close the connection; on MySQL the drop is queued). Per query = ``env.step``
with one ``SELECT`` (parse + execute + format), against the same statement through the raw
driver cursor on the same connection; the difference is the env's overhead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import gymnasium as gym

import agentbench_gym  # noqa: F401  (registers the ids)


def q(values: list[float], quantile: float) -> float:
    """Nearest-rank quantile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def raw_query(env, sql: str) -> None:
    """The same statement through the driver alone, on the episode's own connection."""
    conn = env._session.driver_connection()
    cursor = conn.cursor()
    cursor.execute(sql)
    cursor.fetchall()
    cursor.close()
    conn.commit()


def measure(label: str, episodes: int, **kwargs) -> dict[str, float]:
    """Latencies in ms for one backend configuration."""
    t0 = time.perf_counter()
    env = gym.make("AgentBench/DB-v0", **kwargs).unwrapped
    make_ms = (time.perf_counter() - t0) * 1e3
    setup, ready, teardown, step, raw = [], [], [], [], []
    try:
        for i in range(episodes):
            t0 = time.perf_counter()
            env._release()  # the previous episode's teardown (reset would do it first)
            teardown.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            env.reset(options={"sample": i % len(env.samples)})
            setup.append(time.perf_counter() - t0)
            env._session.driver_connection()  # MySQL builds in the background: wait until usable
            ready.append(time.perf_counter() - t0)
            table = env.sample.target
            sql = f"SELECT * FROM `{table.name}` WHERE `{table.heads[0]}` = '{table.rows[0][0]}'"
            env.step(f"Action: Operation\n```sql\n{sql}\n```")  # warm: opens the agent connection
            for _ in range(3):
                t0 = time.perf_counter()
                env.step(f"Action: Operation\n```sql\n{sql}\n```")
                step.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                raw_query(env, sql)
                raw.append(time.perf_counter() - t0)
    finally:
        env.close()
    ms = 1e3
    return {"label": label, "make": make_ms, "setup": statistics.median(setup) * ms, "setup95": q(setup, .95) * ms,
            "ready": statistics.median(ready) * ms, "ready95": q(ready, .95) * ms,
            "teardown": statistics.median(teardown[1:]) * ms, "teardown95": q(teardown[1:], .95) * ms,
            "step": statistics.median(step) * ms, "raw": statistics.median(raw) * ms,
            "overhead": (statistics.median(step) - statistics.median(raw)) * ms}


def main() -> None:
    """Measure and print a Markdown table for benchmarks/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--mysql-url", default=os.environ.get("AGENTBENCH_MYSQL_URL",
                                                                "mysql+pymysql://root@127.0.0.1:3306/"))
    parser.add_argument("--no-private", action="store_true", help="skip the private tmpfs MariaDB")
    args = parser.parse_args()
    runs = [measure("sqlite (in-memory)", args.episodes, backend="sqlite"),
            measure("mysql (machine's MariaDB, disk)", args.episodes, backend="mysql", mysql_url=args.mysql_url)]
    if not args.no_private:
        runs.append(measure("mysql (private MariaDB, tmpfs)", args.episodes, backend="mysql", mysql_url="private"))
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| backend | make | reset median (p95) | ready median (p95) | teardown median (p95) | query via env "
          "| query via driver | env overhead |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        print(f"| {r['label']} | {r['make']:.0f} ms | {r['setup']:.2f} ms ({r['setup95']:.2f}) "
              f"| {r['ready']:.2f} ms ({r['ready95']:.2f}) "
              f"| {r['teardown']:.2f} ms ({r['teardown95']:.2f}) | {r['step']:.3f} ms | {r['raw']:.3f} ms "
              f"| {r['overhead']:.3f} ms |")


if __name__ == "__main__":
    main()
