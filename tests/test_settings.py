"""Settings: without a database URL, the embedded database lives in the data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressroom.cli import app
from pressroom.config import DEFAULT_DATABASE_URL, Settings, get_settings


def test_the_default_database_is_in_the_default_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PRESSROOM_DATABASE_URL", raising=False)
    monkeypatch.delenv("PRESSROOM_DATA_DIR", raising=False)

    assert Settings(_env_file=None).database_url == DEFAULT_DATABASE_URL  # type: ignore[call-arg]


def test_a_database_url_wins_over_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite:///elsewhere.db", data_dir=tmp_path)

    assert settings.database_url == "sqlite:///elsewhere.db"


@pytest.mark.backend("sqlite")
def test_the_embedded_database_follows_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            ["stats", "--json"],
            env={
                "PRESSROOM_DATABASE_URL": None,
                "PRESSROOM_DATA_DIR": str(data),
                "PRESSROOM_LOG_LEVEL": "WARNING",
            },
        )
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert (data / "pressroom.db").is_file()
    assert not (workdir / "var").exists()


def test_the_site_address_is_an_address_to_link_to() -> None:
    assert Settings(site_url="https://press.example/").site_url == "https://press.example"
    assert Settings(site_url="").site_url is None
    for wrong in ("press.example", "ftp://press.example", "https://press.example/?a=1"):
        with pytest.raises(ValueError, match="site_url"):
            Settings(site_url=wrong)
