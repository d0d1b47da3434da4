"""Warm processes that answer commands without paying for Python's imports again.

A read command (`pantau docs`, `show`, `facts`, `search`, `subjects`, `subject`, `runs`,
`xref`) spends nearly all of its time importing SQLAlchemy, SQLModel, pydantic and the
table definitions (about 0.8 s on two cores), not querying. The first read command of a
Pantau home therefore starts, in the background, a small server that imports them once and
waits on a Unix socket; the following read commands connect to it and it forks a child per
command, as Mercurial's command server does for `chg`. The child takes over the caller's
standard input, output and error (passed over the socket), its working folder, environment,
umask and limits, runs the command exactly as `pantau` would in its own process, and sends
back the exit code. Nothing is shared between two commands but the imported code.

- Only the same user can connect (peer credentials, checked both ways).
- The server stops after PANTAU_COMMAND_SERVER_IDLE_SECONDS (default 600) without a command,
  when its home folder is removed, or when Pantau's code or its installed packages change
  (the command is then run in-process and the next one starts a fresh server).
  PANTAU_COMMAND_SERVER_IDLE_SECONDS=0 turns it off.
- Anything unexpected (no socket, a limit the server cannot take on) falls back to running
  the command in the caller's own process: the server only ever saves time.

A second kind of server, the batch server, answers `pantau run` and `pantau extract`. A
one-page run spends about 6 s importing Prefect, OpenCV and the flow and building the NLP
pipeline, and 1.5 s reading, extracting and storing the page. The batch server does the
first part once: it imports all that and builds the pipeline before it forks, so each
child starts with the pipeline in memory (shared with the server until written). It holds
about 360 MiB while it waits. Prefect reads its settings when it is imported, so a command
is answered only when its PREFECT_* variables are those the server was started with; any
other runs in-process (and the server stays as it is). Before it reports its exit code, a
served batch command runs the exit handlers the interpreter would run (Prefect's among them).

This module is imported by every `pantau` command before anything else, so the client side
uses the standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

SERVED_COMMANDS = frozenset(
    {"docs", "show", "facts", "search", "subjects", "subject", "runs", "xref", "corrections"}
)
BATCH_COMMANDS = frozenset({"run", "extract"})
READ, BATCH = "read", "batch"
IDLE_VARIABLE = "PANTAU_COMMAND_SERVER_IDLE_SECONDS"
DEFAULT_IDLE_SECONDS = 600.0
LOG_NAME = "command-server.log"
# How often an idle server looks whether its home folder still exists.
HOME_CHECK_SECONDS = 5.0
MAX_REQUEST_BYTES = 4 * 1024 * 1024
LIMITS = ("RLIMIT_FSIZE", "RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_NOFILE", "RLIMIT_CPU")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pantau", "storage", "models", "extractors", "web", "flows")
# Imported by the server before it forks: the costly part of every read command. Not
# pantau.cli itself, whose consoles look at the terminal when they are made.
PRELOAD = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "sqlmodel",
    "pydantic_settings",
    "typer",
    "rich.console",
    "rich.table",
    "rich.markup",
    "models.records",
    "models.tables",
    "pantau.settings",
    "storage.engine",
    "storage.migrate",
    "storage.repository",
    "storage.search",
    "storage.dossier",
    "storage.facets",
    "storage.identity",
    "storage.audit",
    "storage.xref",
    "pantau.report",
    "pantau.subjects",
)
# Imported by the batch server on top of PRELOAD, after Prefect's environment is set; the
# NLP pipeline is then built (`_warm_batch`).
BATCH_PRELOAD = (
    "prefect",
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.task_engine",
    "fastapi.encoders",
    "graphviz",
    "alembic.command",
    "alembic.config",
    "alembic.runtime.migration",
    "alembic.script",
    "sqlite3",
    "flows.batch",
    "extractors.pipeline",
    "extractors.preprocess",
    "extractors.ocr",
    "extractors.ocr_mrz",
    "extractors.ocr_tables",
    "extractors.ocr_recheck",
    "extractors.facts",
    "extractors.roots",
    "extractors.nlp.pipeline",
    "cv2",
    "pantau.prefect_server",
)
# Files besides modules whose change stops a batch server: the shipped model and data.
BATCH_DATA = ("extractors",)
# Where tesseract's language models may live: a batch server knows which are installed
# (asked once, as it warms), so one added or removed there stops it.
TESSDATA_FOLDERS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)

# Messages from the server: P<pid> (the child running the command), X<exit code>, or S
# (stale or unable: run the command in-process).
_INT = struct.Struct("!i")


def idle_seconds() -> float:
    """PANTAU_COMMAND_SERVER_IDLE_SECONDS; 0 (or a value that is not a number) is off."""
    try:
        return max(0.0, float(os.environ.get(IDLE_VARIABLE, DEFAULT_IDLE_SECONDS)))
    except ValueError:
        return 0.0


def home_folder() -> Path:
    """PANTAU_HOME as pantau.settings reads it, without importing pydantic."""
    home = os.environ.get("PANTAU_HOME")
    if home:
        return Path(os.path.abspath(os.path.expanduser(home)))
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(os.path.abspath(base)) / "pantau"


def kind_of(command: str) -> str | None:
    """Which server answers `command`: READ, BATCH, or None (always in-process)."""
    if command in SERVED_COMMANDS:
        return READ
    if command in BATCH_COMMANDS:
        return BATCH
    return None


def address(home: Path, kind: str = READ) -> bytes:
    """A server's abstract socket name: one per user, home, interpreter, installation and
    kind."""
    key = "\0".join((str(home), sys.executable, str(PROJECT_ROOT)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    name = "commands" if kind == READ else kind
    return f"\0pantau-{name}-{os.getuid()}-{digest}".encode()


def prefect_environment(env: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The PREFECT_* variables of `env`: what Prefect's settings are made of at import."""
    return {name: value for name, value in env.items() if name.startswith("PREFECT_")}


def code_fingerprint(kind: str = READ) -> str:
    """Changes whenever a module or message catalogue of Pantau, or the set of installed
    packages, changes; for the batch server, any file of the extractors too (the NER model,
    gazetteers, glyph shapes)."""
    parts = []
    for package in PACKAGES:
        folder = PROJECT_ROOT / package
        if not folder.is_dir():
            found = []
        elif kind == BATCH and package in BATCH_DATA:
            found = [
                path
                for path in folder.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts
            ]
        else:
            found = [*folder.rglob("*.py"), *folder.rglob("*.po")]
        for path in sorted(found):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
    if kind == BATCH:
        prefix = os.environ.get("TESSDATA_PREFIX")
        for tessdata in (*TESSDATA_FOLDERS, *([prefix] if prefix else [])):
            if os.path.isdir(tessdata):
                parts.append(f"{tessdata}:{os.stat(tessdata).st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    return int(struct.unpack("3i", credentials)[1])


def _limits() -> dict[str, list[int]]:
    import resource

    return {name: list(resource.getrlimit(getattr(resource, name))) for name in LIMITS}


# --------------------------------------------------------------------------- client


def forward(argv: list[str]) -> int | None:
    """Run `pantau ARGV` in the home's command server; its exit code, or None to run it here.

    None when no server answers the command, the server is off or unreachable, or it
    declined; a server is then started in the background for the next command.
    """
    kind = kind_of(argv[0]) if argv else None
    if kind is None or not sys.platform.startswith("linux"):
        return None
    idle = idle_seconds()
    if idle <= 0:
        return None
    home = home_folder()
    name = address(home, kind)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(name)
        if _peer_uid(client) != os.getuid():
            return None
        return _converse(client, argv)
    except OSError:
        _start_server(home, idle, kind)
        return None
    finally:
        client.close()


def _converse(client: socket.socket, argv: list[str]) -> int | None:
    umask = os.umask(0)
    os.umask(umask)
    request = json.dumps(
        {
            "argv": argv,
            "program": sys.argv[0],
            "package": getattr(sys.modules["__main__"], "__package__", None),
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": umask,
            "limits": _limits(),
        }
    ).encode("utf-8", "surrogateescape")
    socket.send_fds(client, [_INT.pack(len(request)) + request], [0, 1, 2])
    child = 0
    interrupted = 0

    def relay(signum: int, _frame: object) -> None:
        nonlocal interrupted
        interrupted = signum
        if child:
            os.kill(child, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, relay)
    stream = client.makefile("rb")
    while True:
        kind = stream.read(1)
        if kind == b"P":
            child = _INT.unpack(stream.read(_INT.size))[0]
            if interrupted:
                os.kill(child, interrupted)
        elif kind == b"X":
            return int(_INT.unpack(stream.read(_INT.size))[0])
        elif kind == b"S" or (kind == b"" and not child):
            return None
        else:  # the child ended without saying how: killed
            os.write(2, f"{_ended_unexpectedly()}\n".encode(errors="replace"))
            return 128 + interrupted if interrupted else 1


def _ended_unexpectedly() -> str:
    """The message for a command that ended without an exit code, in the caller's language
    (PANTAU_LANGUAGE; the catalogue is only read on this rare path)."""
    english = "error: the command ended unexpectedly"
    try:
        from models import i18n
        from models.i18n import _

        language = os.environ.get("PANTAU_LANGUAGE", i18n.DEFAULT_LANGUAGE)
        with i18n.using(language if language in i18n.LANGUAGES else None):
            return _("error: the command ended unexpectedly")
    except Exception:  # noqa: BLE001 - the message must get out whatever happens
        return english


def _start_server(home: Path, idle: float, kind: str) -> None:
    """Start the server in its own session, detached from this command's terminal."""
    import subprocess

    log = home / "logs" / LOG_NAME
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        errors = open(log, "ab")  # noqa: SIM115 - handed to the child
    except OSError:
        return
    with errors:
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "pantau.cmdserver",
                "--home",
                str(home),
                "--idle",
                str(idle),
                "--kind",
                kind,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
            close_fds=True,
            cwd="/",
        )


# --------------------------------------------------------------------------- server


def serve(home: Path, idle: float, kind: str = READ) -> None:
    """Bind the home's address, import the commands' code, answer until idle."""
    import importlib
    import time

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address(home, kind))
    except OSError:  # another server of this home is up
        return
    prefect_env = prefect_environment(os.environ)
    for module in PRELOAD:
        importlib.import_module(module)
    from models import i18n

    for language in i18n.LANGUAGES:  # compiled once here, not in every command's child
        i18n.translations(language)
    able = _warm_batch(home) if kind == BATCH else True
    settle_heap()
    fingerprint = code_fingerprint(kind)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, _reap)
    last = time.monotonic()
    _log(f"serving {home} ({kind} commands, pid {os.getpid()})")
    while True:
        listener.settimeout(min(idle, HOME_CHECK_SECONDS))
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if time.monotonic() - last >= idle or not home.is_dir():
                break
            continue
        last = time.monotonic()
        with connection:
            if _peer_uid(connection) != os.getuid():
                continue
            if code_fingerprint(kind) != fingerprint:
                connection.sendall(b"S")
                break
            _answer(listener, connection, kind, prefect_env if able else None)
    listener.close()
    _log("stopped")


def settle_heap() -> None:
    """Take what a long-running process has loaded so far out of the cyclic garbage
    collector's sight (`gc.freeze`), once its code is imported and built.

    Each full collection walks every tracked object. At 100,000 documents the row lists of
    a search set one off every few queries, and walking the imported modules' objects cost
    40 ms of a 60 ms query (`benchmarks/search_latency.py`: p95 twice the p50). In a forked
    child a collection also writes to every object it walks, so the pages it shares with
    its server (the batch server's pipeline) are copied; frozen objects are not walked.
    """
    import gc

    gc.collect()
    gc.freeze()


def _warm_batch(home: Path) -> bool:
    """Import the batch commands' code and build the NLP pipeline, as `pantau run` would;
    False if that left a thread running (a fork would copy it half-way): nothing is then
    answered."""
    import importlib
    import threading

    os.environ["PANTAU_HOME"] = str(home)
    from models.settings import Settings, prepare_prefect

    prepare_prefect(Settings())  # Prefect reads its environment when it is imported
    for module in BATCH_PRELOAD:
        importlib.import_module(module)
    from extractors.nlp.pipeline import load_pipeline
    from extractors.roots import root

    load_pipeline()
    root("penangkapan")  # builds the stemmer and its dictionary
    from extractors.tesseract import check_tesseract
    from models.errors import SetupError

    with contextlib.suppress(SetupError):  # a command reports it, as in its own process
        check_tesseract()  # asks tesseract for its languages once, for every command
    running = [thread.name for thread in threading.enumerate() if thread.is_alive()]
    if len(running) > 1:
        _log(f"not answering: threads running after the imports ({', '.join(running)})")
        return False
    return True


def _log(line: str) -> None:
    """One line in the server's log (the command's name only: no arguments, no data)."""
    import time

    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}", file=sys.stderr, flush=True)


def _reap(_signum: int, _frame: object) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _receive(connection: socket.socket) -> tuple[dict, list[int]] | None:
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, 3)
    if len(data) < _INT.size or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    size = _INT.unpack(data[: _INT.size])[0]
    body = bytearray(data[_INT.size :])
    while len(body) < size <= MAX_REQUEST_BYTES:
        more = connection.recv(size - len(body))
        if not more:
            break
        body += more
    if len(body) != size:
        for fd in fds:
            os.close(fd)
        return None
    return json.loads(body.decode("utf-8", "surrogateescape")), fds


def _answer(
    listener: socket.socket,
    connection: socket.socket,
    kind: str,
    prefect_env: dict[str, str] | None,
) -> None:
    """Fork a child that runs the request, unless the server cannot take it on: the caller
    then runs the command itself. `prefect_env` is the batch server's PREFECT_* variables
    (None: it answers nothing)."""
    received = _receive(connection)
    if received is None:
        return
    request, fds = received
    refused = kind == BATCH and (
        prefect_env is None or prefect_environment(request["env"]) != prefect_env
    )
    if refused or not _can_take_limits(request["limits"]):
        connection.sendall(b"S")
        for fd in fds:
            os.close(fd)
        return
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        _log(f"{request['argv'][0]} (pid {pid})")
        return
    listener.close()
    code = 1
    try:
        _become(request, fds)
        if kind == BATCH:
            # What importing the OCR module does to the environment, which the caller's
            # replaced: every tesseract it starts is single-threaded.
            from extractors.tesseract import limit_threads

            limit_threads()
        connection.sendall(b"P" + _INT.pack(os.getpid()))
        code = _run(request["argv"])
        if kind == BATCH:
            _exit_handlers()
    finally:
        try:
            connection.sendall(b"X" + _INT.pack(code))
        finally:
            os._exit(code)


def _can_take_limits(limits: dict[str, list[int]]) -> bool:
    import resource

    for name, (_soft, hard) in limits.items():
        _, own_hard = resource.getrlimit(getattr(resource, name))
        if own_hard != resource.RLIM_INFINITY and (
            hard == resource.RLIM_INFINITY or hard > own_hard
        ):
            return False
    return True


def _become(request: dict, fds: list[int]) -> None:
    """Turn the forked child into the caller's process: descriptors, folder, environment."""
    import io
    import resource
    import time

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    for name, (soft, hard) in request["limits"].items():
        resource.setrlimit(getattr(resource, name), (soft, hard))
    encoding = os.environ.get("PYTHONIOENCODING", "utf-8").split(":")[0] or "utf-8"
    streams = [open(fd, "rb" if fd == 0 else "wb", closefd=False) for fd in (0, 1, 2)]  # noqa: SIM115
    sys.stdin = io.TextIOWrapper(streams[0], encoding=encoding)
    sys.stdout = io.TextIOWrapper(streams[1], encoding=encoding, line_buffering=os.isatty(1))
    sys.stderr = io.TextIOWrapper(
        streams[2], encoding=encoding, errors="backslashreplace", line_buffering=True
    )
    # Usage lines name the program as the caller ran it (`pantau` or `python -m pantau`).
    sys.argv = [request["program"], *request["argv"]]
    sys.modules["__main__"].__package__ = request["package"]


def _run(argv: list[str]) -> int:
    """Run the command as the `pantau` entry point would; its exit code."""
    code = 0
    try:
        from pantau.cli import main

        main()
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - the caller must get an exit code, whatever happens
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError):
                stream.flush()
    return code


def _exit_handlers() -> None:
    """What the interpreter runs at exit and `os._exit` skips: the exit handlers (Prefect's
    flush its events and logs), then the streams."""
    import atexit

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()


def main(argv: list[str] | None = None) -> None:
    """`python -m pantau.cmdserver --home HOME --idle SECONDS [--kind read|batch]` (started
    by the client)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pantau.cmdserver")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--idle", type=float, default=DEFAULT_IDLE_SECONDS)
    parser.add_argument("--kind", choices=(READ, BATCH), default=READ)
    args = parser.parse_args(argv)
    if args.idle > 0:
        serve(args.home, args.idle, args.kind)


if __name__ == "__main__":
    main()
