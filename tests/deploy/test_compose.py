"""docker-compose.yml: valid against the Compose specification, and a start-up order that works: the bootstrap
after PostgreSQL is healthy, each migration after the bootstrap, each service after its migration, the gateway after
every service is healthy, each with every setting it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url


def check_compose_file(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_compose_file_is_valid_against_the_compose_specification(platform):
    result = check_compose_file(platform.repo / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_validation_rejects_a_depends_on_condition_the_specification_does_not_have(platform, tmp_path):
    broken = (
        (platform.repo / "docker-compose.yml")
        .read_text()
        .replace("condition: service_completed_successfully", "condition: service_finished", 1)
    )
    (tmp_path / "docker-compose.yml").write_text(broken)
    assert check_compose_file(tmp_path / "docker-compose.yml").returncode != 0


def image_of(service) -> str:
    return f"hlm/{service.name}:dev"


def test_each_image_is_built_by_exactly_one_compose_service(compose, deployable):
    builders = [
        name
        for name, spec in compose["services"].items()
        if spec.get("image") == image_of(deployable) and "build" in spec
    ]
    assert builders == [deployable.name]
    build = compose["services"][deployable.name]["build"]
    assert build == {"context": ".", "dockerfile": deployable.dockerfile}


def test_postgres_and_rabbitmq_report_their_health(compose):
    assert compose["services"]["postgres"]["image"] == "postgres:16"
    assert compose["services"]["rabbitmq"]["image"] == "rabbitmq:3.13-management"
    for name in ("postgres", "rabbitmq"):
        assert compose["services"][name]["healthcheck"]["test"]


def test_the_bootstrap_runs_once_postgres_is_healthy_and_sets_every_role_password(compose, platform):
    bootstrap = compose["services"]["bootstrap"]
    assert bootstrap["entrypoint"] == ["hlm-bootstrap"]
    assert bootstrap["command"] == ["--database", "hlm"]
    assert bootstrap["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    environment = bootstrap["environment"]
    assert make_url(environment["HLM_ADMIN_DATABASE_URL"]).host == "postgres"
    for service in platform.services:
        assert environment[f"HLM_DB_PASSWORD_{service.role.upper()}"]


def one_shots(compose, service) -> dict[str, dict]:
    return {
        name: spec
        for name, spec in compose["services"].items()
        if spec.get("image") == image_of(service) and name != service.name and name != "bootstrap"
    }


def test_each_service_is_migrated_after_the_bootstrap_and_starts_after_its_migration(compose, service):
    shots = one_shots(compose, service)
    migrate = shots[migrate_name(service)]
    assert migrate["command"] == ["migrate"]
    assert migrate["depends_on"] == {"bootstrap": {"condition": "service_completed_successfully"}}
    assert migrate["restart"] == "no"

    server = compose["services"][service.name]
    last_step = "framework-load-catalogue" if service.name == "framework-svc" else migrate_name(service)
    assert server["depends_on"][last_step] == {"condition": "service_completed_successfully"}
    assert server["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}


def migrate_name(service) -> str:
    return f"{service.name.removesuffix('-svc')}-migrate"


def test_the_framework_catalogue_is_loaded_after_the_framework_migration(compose):
    load = compose["services"]["framework-load-catalogue"]
    assert load["command"] == ["load-catalogue"]
    assert load["depends_on"] == {"framework-migrate": {"condition": "service_completed_successfully"}}


def test_each_server_serves_on_its_port_and_is_healthy_only_when_ready(compose, deployable):
    server = compose["services"][deployable.name]
    assert server["command"] == ["serve", "--host", "0.0.0.0", "--port", str(deployable.port)]
    assert f"127.0.0.1:{deployable.port}:{deployable.port}" in server["ports"]
    assert f"http://127.0.0.1:{deployable.port}/health/ready" in " ".join(server["healthcheck"]["test"])


def test_the_gateway_starts_once_every_service_is_healthy_and_has_no_migration(compose, platform):
    gateway = compose["services"][platform.gateway.name]
    expected = {service.name: {"condition": "service_healthy"} for service in platform.services}
    assert gateway["depends_on"] == expected | {"rabbitmq": {"condition": "service_healthy"}}
    assert one_shots(compose, platform.gateway) == {}


def test_every_container_of_ours_runs_read_only_without_capabilities(compose, platform):
    ours = {name: spec for name, spec in compose["services"].items() if spec.get("image", "").startswith("hlm/")}
    assert {d.name for d in platform.deployables} | {"bootstrap"} <= ours.keys()
    for name, spec in ours.items():
        assert spec["read_only"] is True, name
        assert "/tmp" in spec["tmpfs"], name
        assert spec["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in spec["security_opt"], name


def test_every_dependency_names_a_service_of_the_file(compose):
    for name, spec in compose["services"].items():
        for dependency in spec.get("depends_on", {}):
            assert dependency in compose["services"], f"{name} depends on unknown {dependency}"


def compose_environment(spec) -> dict[str, str]:
    environment = spec.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def test_every_container_gets_every_setting_it_requires_and_starts_with_them(
    compose, deployable, platform, load_settings
):
    containers = {deployable.name: compose["services"][deployable.name]} | one_shots(compose, deployable)
    for name, spec in containers.items():
        environment = compose_environment(spec)
        missing = platform.required_settings(deployable) - environment.keys()
        assert not missing, f"{name} lacks {sorted(missing)}"
        assert not platform.unknown_settings(deployable, environment), name
        settings = load_settings(deployable, environment)
        assert settings.environment == "development"
        amqp = environment[f"{deployable.env_prefix}AMQP_URL"]
        rabbitmq = compose["services"]["rabbitmq"]["environment"]
        assert amqp == f"amqp://{rabbitmq['RABBITMQ_DEFAULT_USER']}:{rabbitmq['RABBITMQ_DEFAULT_PASS']}@rabbitmq:5672/"


def test_the_gateway_calls_each_service_by_its_name_on_the_compose_network(compose, platform, load_settings):
    gateway = platform.gateway
    settings = load_settings(gateway, compose_environment(compose["services"][gateway.name]))
    for service in platform.services:
        url = getattr(settings, f"{service.name.removesuffix('-svc')}_url")
        assert url == f"http://{service.name}:{service.port}"
        assert service.name in compose["services"]


def test_each_service_connects_as_its_own_role_with_the_password_the_bootstrap_set(compose, service):
    bootstrap = compose_environment(compose["services"]["bootstrap"])
    environment = compose_environment(compose["services"][service.name])
    url = make_url(environment[f"{service.env_prefix}DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.database) == ("postgres", 5432, "hlm")
    assert url.username == service.role
    assert url.password == bootstrap[f"HLM_DB_PASSWORD_{service.role.upper()}"]


def test_survey_and_facilitator_hash_raters_emails_with_the_same_key(compose):
    survey = compose_environment(compose["services"]["survey-svc"])
    facilitator = compose_environment(compose["services"]["facilitator-svc"])
    assert survey["SURVEY_EMAIL_HASH_KEY"] == facilitator["FACILITATOR_EMAIL_HASH_KEY"]
