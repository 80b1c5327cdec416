"""DOCX → PDF/A-3b through LibreOffice kept warm as an ``unoserver`` process.

``unoserver`` needs Debian's ``python3-uno``, so it runs from its own virtual environment made with
the system Python (``.venv-uno``, see ``.ci/setup``); this module talks to it over XML-RPC with the
standard library only. The :class:`Converter` starts the server (or reuses one already listening on
its port), gives every conversion a time limit, and on a failure — server down, LibreOffice hung or
crashed — restarts the server it owns and retries until the overall limit; then it raises
:class:`ConversionError` with a Russian message. A worker never waits forever.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import logging
import os
import signal
import subprocess
import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

from service.config import env_int, env_path, env_str
from service.errors import EXIT_INTERNAL, UserError

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
PDFA_FILTER = "writer_pdf_Export"
PDFA_OPTIONS = (
    "SelectPdfVersion=3",  # PDF/A-3b
    "ExportBookmarksToPDFDestination=true",  # signature boxes are bookmarks → named destinations
    "UseTaggedPDF=true",
    "ExportFormFields=false",
)


class ConversionError(UserError):
    """A document could not be converted; the message is in Russian and names no personal data."""

    exit_code = EXIT_INTERNAL  # the converter failed, not the input


def _default_executable() -> str:
    local = REPO / ".venv-uno" / "bin" / "unoserver"
    return str(local) if local.exists() else "unoserver"


@dataclass(frozen=True)
class ConverterConfig:
    """Where the server listens, how it is started and how long a conversion may take."""

    executable: str = field(default_factory=_default_executable)
    host: str = "127.0.0.1"
    port: int = 2003
    uno_port: int = 2002
    profile_dir: Path = Path("var/lo-profile")  # made absolute at start
    conversion_timeout: float = 30.0  # one attempt
    total_timeout: float = 120.0  # all attempts together, including restarts
    start_timeout: float = 60.0
    attempts: int = 3

    @classmethod
    def from_env(cls) -> ConverterConfig:
        """Settings from ``VEDOMOST_UNOSERVER*``; the profile lives in the data directory."""
        data_dir = env_path("DATA_DIR", Path.cwd() / "var")
        port = env_int("UNOSERVER_PORT", 2003, minimum=1, maximum=65535)
        return cls(
            executable=env_str("UNOSERVER", _default_executable()) or _default_executable(),
            port=port,
            uno_port=env_int("UNOSERVER_UNO_PORT", port - 1, minimum=1, maximum=65535),
            profile_dir=data_dir / f"lo-profile-{port}",
            conversion_timeout=float(env_int("UNOSERVER_TIMEOUT", 30, minimum=1)),
        )


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: object) -> http.client.HTTPConnection:  # type: ignore[override]
        conn = super().make_connection(host)  # type: ignore[arg-type]
        conn.timeout = self._timeout
        return conn


class Converter:
    """A warm LibreOffice converter; thread-safe, one conversion at a time per server."""

    def __init__(self, config: ConverterConfig | None = None) -> None:
        self.config = config or ConverterConfig.from_env()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.restarts = 0
        self.starts = 0  # servers launched by this converter (first start and every restart)

    # --- lifecycle -----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The PID of the unoserver process this converter started (its process group leader)."""
        return self._proc.pid if self._proc else None

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        url = f"http://{self.config.host}:{self.config.port}"
        return xmlrpc.client.ServerProxy(url, allow_none=True, transport=_TimeoutTransport(timeout))

    def alive(self, timeout: float = 5.0) -> bool:
        """Whether a server answers ``info()`` on the port."""
        try:
            self._proxy(timeout).info()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return False
        return True

    def start(self) -> None:
        """Start the server unless one already answers; wait until it is ready."""
        if self.alive(2.0):
            return
        if self._proc is not None:
            self.stop()
        profile = self.config.profile_dir.resolve()
        profile.mkdir(parents=True, exist_ok=True)
        cmd = [
            self.config.executable,
            "--interface",
            self.config.host,
            "--port",
            str(self.config.port),
            "--uno-interface",
            self.config.host,
            "--uno-port",
            str(self.config.uno_port),
            "--user-installation",
            str(profile),  # absolute; unoserver makes it a file:// URL
            "--conversion-timeout",
            str(int(self.config.conversion_timeout)),
        ]
        log_path = profile.parent / f"{profile.name}.log"
        self.starts += 1
        try:
            with open(log_path, "ab") as log_file:
                self._proc = subprocess.Popen(
                    cmd,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
        except OSError as exc:
            raise ConversionError(
                f"не удалось запустить сервер LibreOffice (unoserver): {exc.strerror}"
            ) from None
        deadline = time.monotonic() + self.config.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if self.alive(2.0):
                log.info("unoserver started on port %s (pid %s)", self.config.port, self._proc.pid)
                return
            time.sleep(0.5)
        self.stop()
        raise ConversionError(
            f"сервер LibreOffice (unoserver) не запустился; см. журнал {log_path}"
        )

    def stop(self) -> None:
        """Stop the server this converter started (its whole process group), by PID."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
            os.killpg(proc.pid, signal.SIGCONT)  # a frozen LibreOffice must wake to die
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        # LibreOffice may outlive unoserver if it ignored SIGTERM; the group kill covers it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    @property
    def pid_file(self) -> Path:
        """Where a detached server's PID is kept (beside its profile)."""
        return self.config.profile_dir.resolve().parent / f"unoserver-{self.config.port}.pid"

    def detach(self) -> int | None:
        """Leave the started server running after this process exits; write and return its PID."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def stop_detached(self) -> bool:
        """Stop a server left running by :meth:`detach` (by the PID in its file)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return False
        self.pid_file.unlink(missing_ok=True)
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
        for _ in range(50):
            time.sleep(0.2)
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        return True

    def restart(self) -> None:
        """Kill the server this converter owns and start a fresh one."""
        self.restarts += 1
        self.stop()
        self.start()

    # --- conversion ----------------------------------------------------------------------------
    def docx_to_pdfa(self, docx: bytes) -> bytes:
        """Convert DOCX bytes to PDF/A-3b bytes; retries with restarts, raises ConversionError."""
        with self._lock:
            return self._convert(docx)

    def _convert(self, docx: bytes) -> bytes:
        deadline = time.monotonic() + self.config.total_timeout
        last = "неизвестная ошибка"
        for attempt in range(1, self.config.attempts + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                if attempt == 1:
                    self.start()  # returns at once when the server answers
                else:
                    self.restart()
                proxy = self._proxy(min(self.config.conversion_timeout, remaining))
                result = proxy.convert(
                    None,
                    xmlrpc.client.Binary(docx),
                    None,
                    "pdf",
                    PDFA_FILTER,
                    list(PDFA_OPTIONS),
                    False,
                    None,
                    None,
                )
                data = (
                    result.data
                    if isinstance(result, xmlrpc.client.Binary)
                    else bytes(result or b"")
                )
                if not data.startswith(b"%PDF-"):
                    raise ConversionError("LibreOffice вернул не PDF")
                return data
            except TimeoutError:
                last = f"LibreOffice не ответил за {self.config.conversion_timeout:.0f} с"
            except (OSError, http.client.HTTPException) as exc:
                last = f"нет связи с сервером LibreOffice ({type(exc).__name__})"
            except xmlrpc.client.Fault as exc:
                detail = exc.faultString.strip().splitlines()[-1][:200]
                last = f"LibreOffice сообщил об ошибке: {detail}"
            except xmlrpc.client.ProtocolError as exc:
                last = f"ошибка протокола сервера LibreOffice: {exc.errcode}"
            except ConversionError as exc:
                last = str(exc)
            log.warning("conversion attempt %s failed: %s", attempt, last)
        raise ConversionError(f"не удалось преобразовать документ в PDF/A: {last}")


_default: Converter | None = None
_default_lock = threading.Lock()


def default_converter() -> Converter:
    """The process-wide converter (started on first use, stopped at exit)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Converter()
            atexit.register(_default.stop)
        return _default
