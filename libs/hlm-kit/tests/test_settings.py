"""Settings from a directory of secret files (a mounted Kubernetes Secret) as well as from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict, SettingsError

from hlm_kit.settings import ServiceSettings

DATABASE_URL = "postgresql+asyncpg://survey_svc:from-the-file@db:5432/hlm"


class SurveySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEY_")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Only the settings a test gives: nothing of the developer's own environment leaks in."""
    for name in ("HLM_SECRETS_DIR", "SURVEY_DATABASE_URL", "SURVEY_AMQP_URL", "SURVEY_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SURVEY_JWT_ISSUER", "hlm-test")
    monkeypatch.setenv("SURVEY_JWT_AUDIENCE", "hlm-platform")
    monkeypatch.setenv("SURVEY_JWT_JWKS_URL", "https://login.example.org/certs")
    return monkeypatch


def secrets(directory: Path, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        # As a Secret's key is mounted: the value, often with the newline an editor or `echo` added.
        (directory / name).write_text(value + "\n")
    return directory


def test_credentials_are_read_from_files_named_after_their_environment_variables(environment, tmp_path):
    directory = secrets(
        tmp_path / "secrets", SURVEY_DATABASE_URL=DATABASE_URL, SURVEY_AMQP_URL="amqp://hlm:pw@broker:5672/"
    )
    environment.setenv("HLM_SECRETS_DIR", str(directory))

    settings = SurveySettings()

    assert settings.database_url.get_secret_value() == DATABASE_URL
    assert settings.amqp_url.get_secret_value() == "amqp://hlm:pw@broker:5672/"


def test_any_setting_may_come_from_a_file_and_is_parsed_like_the_environment_variable(environment, tmp_path):
    directory = secrets(
        tmp_path / "secrets",
        SURVEY_DATABASE_URL=DATABASE_URL,
        SURVEY_AMQP_URL="amqp://hlm:pw@broker:5672/",
        SURVEY_DB_POOL_SIZE="25",
        SURVEY_RUN_WORKERS="false",
    )
    environment.setenv("HLM_SECRETS_DIR", str(directory))

    settings = SurveySettings()

    assert settings.db_pool_size == 25
    assert settings.run_workers is False


def test_the_environment_wins_over_a_file(environment, tmp_path):
    directory = secrets(
        tmp_path / "secrets", SURVEY_DATABASE_URL=DATABASE_URL, SURVEY_AMQP_URL="amqp://hlm:pw@broker:5672/"
    )
    environment.setenv("HLM_SECRETS_DIR", str(directory))
    environment.setenv("SURVEY_DATABASE_URL", "postgresql+asyncpg://survey_svc:from-the-env@db:5432/hlm")

    settings = SurveySettings()

    assert settings.database_url.get_secret_value() == "postgresql+asyncpg://survey_svc:from-the-env@db:5432/hlm"
    assert settings.amqp_url.get_secret_value() == "amqp://hlm:pw@broker:5672/"


def test_a_file_of_another_service_is_not_read(environment, tmp_path):
    # Each service's files carry its own prefix, as its environment variables do.
    directory = secrets(tmp_path / "secrets", REPORT_DATABASE_URL=DATABASE_URL, SURVEY_AMQP_URL="amqp://b:5672/")
    environment.setenv("HLM_SECRETS_DIR", str(directory))

    with pytest.raises(ValidationError, match="database_url"):
        SurveySettings()


def test_without_a_secrets_directory_only_the_environment_is_read(environment, tmp_path):
    secrets(tmp_path / "unused", SURVEY_DATABASE_URL=DATABASE_URL, SURVEY_AMQP_URL="amqp://b:5672/")
    environment.chdir(tmp_path / "unused")
    environment.setenv("SURVEY_AMQP_URL", "amqp://b:5672/")

    with pytest.raises(ValidationError, match="database_url"):
        SurveySettings()


def test_a_secrets_directory_that_is_not_there_stops_the_start_with_its_name(environment, tmp_path):
    # A deployment that names the directory but forgot to mount its Secret.
    environment.setenv("HLM_SECRETS_DIR", str(tmp_path / "not-mounted"))
    environment.setenv("SURVEY_DATABASE_URL", DATABASE_URL)
    environment.setenv("SURVEY_AMQP_URL", "amqp://b:5672/")

    with pytest.raises(SettingsError, match="not-mounted"):
        SurveySettings()


def test_a_kubernetes_secret_volume_with_its_symlinked_layout_is_read(environment, tmp_path):
    # The kubelet writes a Secret's keys into a timestamped directory and links each key to it through `..data`,
    # so that an update swaps all keys at once.
    directory = tmp_path / "secrets"
    data = secrets(
        directory / "..2026_12_06_09_00_00.000000000",
        SURVEY_DATABASE_URL=DATABASE_URL,
        SURVEY_AMQP_URL="amqp://hlm:pw@broker:5672/",
    )
    (directory / "..data").symlink_to(data.name)
    for key in ("SURVEY_DATABASE_URL", "SURVEY_AMQP_URL"):
        (directory / key).symlink_to(Path("..data") / key)
    environment.setenv("HLM_SECRETS_DIR", str(directory))

    settings = SurveySettings()

    assert settings.database_url.get_secret_value() == DATABASE_URL
