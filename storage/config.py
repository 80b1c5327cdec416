"""Store configuration parsed from store URLs (no environment access, no Django).

``file:///path`` or ``s3://ACCESS:SECRET@host:port/bucket?secure=false&region=…``; credentials not
in the URL are passed in by the caller. ``variable`` names the setting the URL came from, so
errors can say which one is wrong; the application reads the settings and calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from storage.stores.base import Store
from storage.stores.file import FileStore
from storage.stores.s3 import S3Store


class StoreConfigError(ValueError):
    """A store variable is wrong; ``variable`` names it."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


@dataclass(frozen=True)
class StoreConfig:
    """One store: ``kind`` is ``file`` or ``s3``. Secrets are excluded from ``repr``."""

    variable: str
    kind: str
    path: Path | None = None
    endpoint: str = ""
    bucket: str = ""
    region: str = "us-east-1"
    secure: bool = True
    access_key: str = ""
    secret_key: str = ""

    def __repr__(self) -> str:
        where = str(self.path) if self.kind == "file" else f"{self.endpoint}/{self.bucket}"
        return f"StoreConfig({self.variable}, {self.kind}, {where})"

    def identity(self) -> str:
        """What makes two configurations the same place."""
        if self.kind == "file":
            return f"file://{Path(self.path or '.').resolve()}"
        return f"s3://{self.endpoint.lower()}/{self.bucket}"

    def build(self, name: str) -> Store:
        """Create the store object (no network access yet)."""
        if self.kind == "file":
            assert self.path is not None
            return FileStore(self.path, name=name)
        return S3Store(
            self.endpoint,
            self.access_key,
            self.secret_key,
            self.bucket,
            region=self.region,
            secure=self.secure,
            name=name,
        )


def _bool(value: str, variable: str) -> bool:
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise StoreConfigError(variable, f"secure: ожидается true или false, получено {value!r}")


def parse_store_url(
    url: str, variable: str, *, access_key: str = "", secret_key: str = ""
) -> StoreConfig:
    """Parse one store URL; credentials in the URL win over ``access_key`` / ``secret_key``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            raise StoreConfigError(variable, "пишите путь как file:///абсолютный/путь")
        path = unquote(parts.path)
        if not path:
            raise StoreConfigError(variable, "не указан каталог хранилища")
        return StoreConfig(variable=variable, kind="file", path=Path(path).resolve())
    if scheme != "s3":
        raise StoreConfigError(
            variable, f"неизвестная схема {parts.scheme!r} (нужно file:// или s3://)"
        )
    host = parts.hostname or ""
    if not host:
        raise StoreConfigError(variable, "не указан адрес сервера S3")
    try:
        port = parts.port
    except ValueError:
        raise StoreConfigError(variable, "порт должен быть числом") from None
    bucket = unquote(parts.path.strip("/"))
    if not bucket or "/" in bucket:
        raise StoreConfigError(variable, "укажите одну корзину: s3://…@host:port/bucket")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    access = unquote(parts.username or "") or access_key.strip()
    secret = unquote(parts.password or "") or secret_key.strip()
    if not access or not secret:
        raise StoreConfigError(
            variable,
            "нет ключей доступа: укажите их в адресе или в "
            f"{variable}_ACCESS_KEY и {variable}_SECRET_KEY",
        )
    return StoreConfig(
        variable=variable,
        kind="s3",
        endpoint=f"{host}:{port}" if port else host,
        bucket=bucket,
        region=query.get("region", "us-east-1"),
        secure=_bool(query.get("secure", "true"), variable),
        access_key=access,
        secret_key=secret,
    )


def default_store_url(data_dir: Path, letter: str) -> str:
    """The embedded default: a directory ``archive-a`` / ``archive-b`` under ``data_dir``."""
    return f"file://{(data_dir / f'archive-{letter.lower()}').resolve()}"


def separate(a: StoreConfig, b: StoreConfig) -> tuple[StoreConfig, StoreConfig]:
    """Return ``(a, b)``; refuse the same store twice or nested directories, naming both."""
    if a.identity() == b.identity():
        raise StoreConfigError(
            f"{a.variable}, {b.variable}",
            f"оба хранилища указывают на одно место ({a.identity()}); "
            "копии должны храниться раздельно",
        )
    if a.kind == b.kind == "file" and a.path and b.path:
        pa, pb = a.path.resolve(), b.path.resolve()
        if pa.is_relative_to(pb) or pb.is_relative_to(pa):
            raise StoreConfigError(
                f"{a.variable}, {b.variable}",
                "каталог одного хранилища вложен в каталог другого",
            )
    return a, b
