"""Serve a KG over SPARQL in Freebase URI style (Oxigraph or Virtuoso), for the ``sparql`` backend.

``python -m agentbench_gym.envs.knowledge_graph.serve --engine oxigraph --port 7878`` exports the
built-in world (or ``--graph DIR``) as N-Triples, loads it and runs the server in the foreground;
it prints the endpoint URL to pass as ``sparql_url``. Tests use ``start_server`` directly.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from agentbench_gym.envs.knowledge_graph.backends.sparql import NS
from agentbench_gym.envs.knowledge_graph.store import GraphStore, format_value
from agentbench_gym.errors import BackendUnavailable

XSD = "http://www.w3.org/2001/XMLSchema#"


def _iri(name: str) -> str:
    escaped = "".join(c if c.isascii() and c.isprintable() and c not in '<>"{}|^`\\ ' else
                      "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in name)
    return f"<{NS}{escaped}>"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def ntriples(store: GraphStore, types: Iterable[tuple[str, str]] = ()) -> Iterable[str]:
    """The store as N-Triples lines: edges, numeric attributes (typed), names (``@en``) and types."""
    rel_count = max(len(store.relations), 1)
    for key, obj in zip(store._edge_key.tolist(), store._edge_obj.tolist(), strict=True):
        s, r = divmod(key, rel_count)
        yield f"{_iri(store.nodes[s])} {_iri(store.relations[r])} {_iri(store.nodes[obj])} .\n"
    attr_count = max(len(store.attributes), 1)
    for key, value in zip(store._attr_key.tolist(), store._attr_val.tolist(), strict=True):
        s, a = divmod(key, attr_count)
        datatype = store.attribute_types[a]
        lexical = format_value(value, datatype)
        yield f"{_iri(store.nodes[s])} {_iri(store.attributes[a])} \"{lexical}\"^^<{XSD}{datatype}> .\n"
    for mid, name in store.names.items():
        yield f"{_iri(mid)} {_iri('type.object.name')} {_literal(name)}@en .\n"
    for mid, type_ in types:
        yield f"{_iri(mid)} {_iri('type.object.type')} {_iri(type_)} .\n"


def write_ntriples(store: GraphStore, path: Path, types: Iterable[tuple[str, str]] = ()) -> Path:
    """Write ``ntriples(store, types)`` to ``path``."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(ntriples(store, types))
    return path


def free_port() -> int:
    """A TCP port free on localhost right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running SPARQL server: its process, endpoint URL and working folder."""

    process: subprocess.Popen
    url: str
    workdir: Path

    def stop(self) -> None:
        """Terminate the server process (and wait for it)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI (PyPI package ``oxigraph``), next to this Python or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def start_oxigraph(rdf: Path, workdir: Path, port: int | None = None) -> Server:
    """Load ``rdf`` (N-Triples) into a fresh Oxigraph store and serve it read-only."""
    binary = oxigraph_binary()
    if binary is None:
        raise BackendUnavailable("oxigraph not found: pip install 'agentbench-gym[kg-sparql]'")
    store = workdir / "oxigraph"
    subprocess.run([binary, "load", "--location", str(store), "--file", str(rdf)], check=True,
                   capture_output=True)
    port = port or free_port()
    process = subprocess.Popen([binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(process, f"http://127.0.0.1:{port}/query", workdir)
    _wait_for_port(server, port, 30)
    return server


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = {http_port}
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def start_virtuoso(rdf: Path, workdir: Path, port: int | None = None) -> Server:
    """Start Virtuoso (Debian ``virtuoso-opensource``) on a fresh database and load ``rdf`` into it."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        raise BackendUnavailable("Virtuoso not found: apt-get install virtuoso-opensource")
    sql_port, http_port = free_port(), port or free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(process, f"http://127.0.0.1:{http_port}/sparql", workdir)
    try:
        _wait_for_port(server, sql_port, 90)
        _wait_for_port(server, http_port, 90)
        load = (f"DB.DBA.TTLP_MT(file_to_string_output('{rdf}'), '', 'http://rdf.freebase.com', 0); "
                "checkpoint;")
        subprocess.run([isql, str(sql_port), "dba", "dba", f"exec={load}"], check=True, capture_output=True,
                       timeout=600)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_for_port(server: Server, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BackendUnavailable(f"SPARQL server exited with code {server.process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    server.stop()
    raise BackendUnavailable(f"SPARQL server did not listen on port {port} within {seconds}s")


ENGINES = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def start_server(engine: str, store: GraphStore, workdir: Path, *, types: Iterable[tuple[str, str]] = (),
                 port: int | None = None) -> Server:
    """Export ``store`` to ``workdir`` and serve it with ``engine`` (``oxigraph`` or ``virtuoso``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    rdf = write_ntriples(store, workdir / "graph.nt", types)
    return ENGINES[engine](rdf, workdir, port)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: serve a graph until interrupted."""
    from agentbench_gym.envs.knowledge_graph.data import builtin_graph, builtin_types, load_graph_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), default="oxigraph")
    parser.add_argument("--port", type=int, default=7878)
    parser.add_argument("--graph", type=Path, help="a graph folder (default: the built-in world)")
    parser.add_argument("--workdir", type=Path, default=Path("kg-sparql-store"))
    args = parser.parse_args(argv)
    store = load_graph_dir(args.graph)[0] if args.graph else builtin_graph()[0]
    server = start_server(args.engine, store, args.workdir, types=() if args.graph else builtin_types(),
                          port=args.port)
    print(f"SPARQL endpoint: {server.url}  (export AGENTBENCH_KG_SPARQL_URL={server.url})", flush=True)
    # SIGTERM as well as Ctrl-C must take the server process down with us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.process.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
