"""Where Ringside keeps its files: `RINGSIDE_HOME` (or --home) holds everything; otherwise the
platform's standard config and data folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Ringside"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "ringside.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "ringside.log"

    @property
    def instance_file(self) -> Path:
        """Address and token of the running instance, for `ringside event` and friends."""
        return self.data_dir / "instance.json"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir):
            folder.mkdir(parents=True, exist_ok=True)
            # Owner-only: the instance token and the database live here.
            if os.name == "posix":
                folder.chmod(0o700)


def resolve(home: str | os.PathLike[str] | None = None) -> Paths:
    chosen = home or os.environ.get("RINGSIDE_HOME")
    if chosen:
        base = Path(chosen).expanduser().resolve()
        return Paths(config_dir=base, data_dir=base)
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )
