"""deploy/k8s: every overlay builds with kustomize and validates against the Kubernetes schemas (strict), and the
built manifests keep the promises schemas cannot check: probes, resources, hardened pods, a disruption budget and
an autoscaler per Deployment, Services that select pods, migrations per service, every setting a service or the
gateway needs at start, and network paths no wider than the platform needs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

# The oldest Kubernetes minor we support and the newest kubernetes-validate ships schemas for.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")
# Custom resources kubernetes-validate has no schema for; each is checked field by field below instead.
CUSTOM_KINDS = {("external-secrets.io/v1", "ExternalSecret")}


def kubernetes_validate(path: Path) -> subprocess.CompletedProcess[str]:
    versions = [arg for version in KUBERNETES_VERSIONS for arg in ("-k", version)]
    return subprocess.run(
        [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", *versions, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_kubernetes_validate_lets_a_kind_it_has_no_schema_for_through_with_only_a_warning(tmp_path):
    # Why the test below filters custom resources out and treats any warning as a failure: a mistyped kind or
    # apiVersion would otherwise pass.
    (tmp_path / "typo.yaml").write_text("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n")
    result = kubernetes_validate(tmp_path / "typo.yaml")
    assert result.returncode == 0
    assert "WARN" in result.stdout


def test_each_overlay_validates_strictly_against_the_kubernetes_schemas(manifests, tmp_path):
    known = [r for r in manifests.resources if (r["apiVersion"], r["kind"]) not in CUSTOM_KINDS]
    (tmp_path / "built.yaml").write_text(yaml.safe_dump_all(known))
    result = kubernetes_validate(tmp_path / "built.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    # A warning means a resource had no schema: an unknown kind or apiVersion, not a pass.
    assert result.stdout.strip() == "", result.stdout


def test_the_base_alone_builds_and_validates(platform, tmp_path):
    (tmp_path / "base.yaml").write_text(platform.kustomize_build(platform.k8s / "base"))
    result = kubernetes_validate(tmp_path / "base.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout


# --- Deployments -------------------------------------------------------------------------------------------------


def deployments(manifests) -> list[dict[str, Any]]:
    found = manifests.of_kind("Deployment")
    assert found
    return found


def containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]


def test_there_is_a_deployment_for_every_service_the_gateway_and_the_web_front(manifests, platform):
    assert {d["metadata"]["name"] for d in deployments(manifests)} == {d.name for d in platform.servers}


def port_numbers(container: dict[str, Any]) -> dict[str | int, int]:
    ports: dict[str | int, int] = {}
    for port in container.get("ports", []):
        ports[port["containerPort"]] = port["containerPort"]
        if "name" in port:
            ports[port["name"]] = port["containerPort"]
    return ports


def test_every_deployment_has_startup_liveness_and_readiness_probes_on_the_health_endpoints(manifests):
    expected_paths = {
        "startupProbe": "/health/live",
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
    }
    for deployment in deployments(manifests):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for probe, path in expected_paths.items():
                assert probe in container, f"{deployment['metadata']['name']}/{container['name']} has no {probe}"
                http = container[probe]["httpGet"]
                assert http["path"] == path
                assert http["port"] in port_numbers(container), f"{probe} port {http['port']} is not declared"


def test_every_container_of_every_workload_has_cpu_and_memory_requests_and_limits(manifests):
    for workload, pod_spec in manifests.workloads():
        for container in containers(pod_spec):
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= resources.get(kind, {}).keys(), (
                    f"{workload['kind']} {workload['metadata']['name']}/{container['name']} lacks {kind}"
                )


def test_every_pod_runs_as_non_root_with_a_read_only_root_filesystem_and_no_capabilities(manifests):
    for workload, pod_spec in manifests.workloads():
        where = f"{workload['kind']} {workload['metadata']['name']}"
        pod_security = pod_spec.get("securityContext", {})
        assert pod_spec.get("automountServiceAccountToken") is False, where
        for host_namespace in ("hostNetwork", "hostPID", "hostIPC"):
            assert not pod_spec.get(host_namespace), where
        for container in containers(pod_spec):
            security = container.get("securityContext", {})
            effective = pod_security | security
            assert effective.get("runAsNonRoot") is True, where
            assert effective.get("runAsUser", 1) != 0, where
            assert effective.get("seccompProfile", {}).get("type") == "RuntimeDefault", where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("privileged", False) is False, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not security.get("capabilities", {}).get("add"), where


def test_every_container_has_a_writable_tmp_from_an_empty_dir(manifests):
    for workload, pod_spec in manifests.workloads():
        volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
        for container in containers(pod_spec):
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert "/tmp" in mounts, f"{workload['metadata']['name']}/{container['name']}"
            assert "emptyDir" in volumes[mounts["/tmp"]]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions, as Kubernetes reads them) selects the labels."""
    assert set(selector) <= {"matchLabels", "matchExpressions"}, selector
    if not all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        matches = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }
        if not matches[operator]:
            return False
    return True


def test_a_selector_reads_match_expressions_as_kubernetes_does():
    gateway = {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/part-of": "hlm"}
    survey = {"app.kubernetes.io/name": "survey-svc", "app.kubernetes.io/part-of": "hlm"}
    not_gateway = {
        "matchLabels": {"app.kubernetes.io/part-of": "hlm"},
        "matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "NotIn", "values": ["gateway"]}],
    }
    assert selects(not_gateway, survey)
    assert not selects(not_gateway, gateway)
    assert not selects(not_gateway, {"app.kubernetes.io/name": "survey-svc"})
    assert selects({"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "Exists"}]}, gateway)
    assert selects({}, gateway)


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    return dict(workload["spec"]["template"]["metadata"]["labels"])


def test_every_deployment_selects_its_own_pods(manifests):
    for deployment in deployments(manifests):
        assert selects(deployment["spec"]["selector"], pod_labels(deployment))


def test_every_deployment_has_exactly_one_disruption_budget_that_lets_a_pod_be_evicted(manifests):
    budgets = manifests.of_kind("PodDisruptionBudget")
    for deployment in deployments(manifests):
        mine = [b for b in budgets if selects(b["spec"]["selector"], pod_labels(deployment))]
        assert len(mine) == 1, deployment["metadata"]["name"]
        # A budget of minAvailable = replicas would block every node drain.
        assert mine[0]["spec"].get("maxUnavailable", 0) >= 1


def test_every_deployment_has_a_cpu_autoscaler_whose_range_holds(manifests):
    autoscalers = {h["spec"]["scaleTargetRef"]["name"]: h for h in manifests.of_kind("HorizontalPodAutoscaler")}
    for deployment in deployments(manifests):
        autoscaler = autoscalers[deployment["metadata"]["name"]]
        assert autoscaler["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
        metrics = autoscaler["spec"]["metrics"]
        assert any(m["type"] == "Resource" and m["resource"]["name"] == "cpu" for m in metrics)
        # The autoscaler measures against the CPU request, so every container must have one.
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "cpu" in container["resources"]["requests"]


def test_production_keeps_at_least_two_replicas_of_every_service_and_one_in_development(built):
    for autoscaler in built["prod"].of_kind("HorizontalPodAutoscaler"):
        assert autoscaler["spec"]["minReplicas"] >= 2
    for deployment in built["prod"].of_kind("Deployment"):
        # The autoscaler owns the count; a replicas field would reset it on every apply.
        assert "replicas" not in deployment["spec"]
    for autoscaler in built["dev"].of_kind("HorizontalPodAutoscaler"):
        assert autoscaler["spec"]["minReplicas"] == autoscaler["spec"]["maxReplicas"] == 1
    for deployment in built["dev"].of_kind("Deployment"):
        assert deployment["spec"]["replicas"] == 1


def test_every_service_selects_the_pods_of_a_deployment_on_a_port_they_declare(manifests):
    for service in manifests.of_kind("Service"):
        selector = service["spec"]["selector"]
        targets = [d for d in deployments(manifests) if selects({"matchLabels": selector}, pod_labels(d))]
        assert targets, f"Service {service['metadata']['name']} selects no pods"
        for port in service["spec"]["ports"]:
            for target in targets:
                declared = {key for c in target["spec"]["template"]["spec"]["containers"] for key in port_numbers(c)}
                assert port.get("targetPort", port["port"]) in declared


def test_every_deployment_runs_the_serve_command_of_its_service_on_its_port(manifests, platform):
    for deployment in deployments(manifests):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        service = platform.service_of(container)
        assert service is not None
        assert service.name == deployment["metadata"]["name"]
        assert container["args"] == ["serve", "--host", "0.0.0.0", "--port", str(service.port)]
        assert port_numbers(container).get("http") == service.port


def test_every_pod_uses_a_service_account_of_the_manifests_that_mounts_no_token(manifests):
    accounts = {a["metadata"]["name"]: a for a in manifests.of_kind("ServiceAccount")}
    for _workload, pod_spec in manifests.workloads():
        name = pod_spec.get("serviceAccountName")
        if name is not None:
            assert accounts[name].get("automountServiceAccountToken") is False


# --- Images ------------------------------------------------------------------------------------------------------


def images(manifests) -> list[str]:
    return [c["image"] for _w, pod_spec in manifests.workloads() for c in containers(pod_spec)]


def test_every_image_names_a_version_and_none_is_latest(manifests):
    for image in images(manifests):
        name = image.split("@")[0].rsplit("/", 1)[-1]
        assert ":" in name or "@" in image, image
        assert not name.endswith(":latest"), image


def test_production_runs_images_pinned_by_digest_from_the_release_registry(built):
    for image in images(built["prod"]):
        assert re.fullmatch(r"[\w.-]+(/[\w.-]+)+:[\w.-]+@sha256:[0-9a-f]{64}", image), image


# --- Migrations --------------------------------------------------------------------------------------------------


def test_every_service_has_a_migration_job_running_its_migrate_command(manifests, service, platform):
    job = manifests.get("Job", f"{service.name}-migrate")
    pod_spec = job["spec"]["template"]["spec"]
    assert pod_spec["restartPolicy"] in ("Never", "OnFailure")
    steps = [c["args"] for c in containers(pod_spec)]
    # Init containers run first, in order: the schema is up to date before anything is written into it.
    expected = [["migrate"], ["load-catalogue"]] if service.name == "framework-svc" else [["migrate"]]
    assert steps == expected
    for container in containers(pod_spec):
        assert platform.service_of(container) == service


def test_migration_jobs_read_the_same_configuration_as_the_deployment(manifests, service):
    deployment_pod, deployment_container = manifests.server(service.name)
    job_pod = manifests.get("Job", f"{service.name}-migrate")["spec"]["template"]["spec"]
    for container in containers(job_pod):
        assert container["envFrom"] == deployment_container["envFrom"]
        assert manifests.secret_files(job_pod, container) == manifests.secret_files(deployment_pod, container)


# --- Settings ----------------------------------------------------------------------------------------------------


def test_every_container_gets_every_setting_it_requires_and_starts_with_them(
    manifests, server, platform, load_settings
):
    deployable = server
    found = 0
    for workload, pod_spec in manifests.workloads():
        for container in containers(pod_spec):
            if platform.service_of(container) != deployable or platform.is_bootstrap(container):
                continue
            found += 1
            where = f"{manifests.name}: {workload['kind']} {workload['metadata']['name']}/{container['name']}"
            environment = manifests.environment(container)
            files = manifests.secret_files(pod_spec, container)
            # A setting may be an environment variable or a file of the Secret mounted at HLM_SECRETS_DIR.
            given = environment.keys() | files.keys()
            missing = platform.required_settings(deployable) - given
            assert not missing, f"{where} lacks {sorted(missing)}"
            assert not platform.unknown_settings(deployable, given), where
            settings = load_settings(deployable, environment, files)
            assert settings.environment == ("production" if manifests.name == "prod" else "development"), where
    # A service's Deployment and migration Job; the gateway's Deployment, the web front's.
    assert found >= (2 if deployable.owns_database else 1)


def _cores(quantity: str) -> float:
    """A CPU quantity ("1", "2", "500m") in cores."""
    return int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_every_server_runs_one_http_worker_per_pod_within_its_cpu_limit(manifests, server, platform, load_settings):
    # A uvicorn worker's event loop runs on one core at most; workers beyond the limit only queue for it, each
    # holding its own database pool and memory. Production and development run one (README, "Scaling").
    found = 0
    for workload, pod_spec in manifests.workloads():
        if workload["kind"] != "Deployment":
            continue
        for container in containers(pod_spec):
            if platform.service_of(container) != server:
                continue
            found += 1
            settings = load_settings(
                server, manifests.environment(container), manifests.secret_files(pod_spec, container)
            )
            where = f"{manifests.name}: {workload['metadata']['name']}"
            assert settings.http_workers == 1, where
            assert settings.http_workers <= _cores(container["resources"]["limits"]["cpu"]), where
    assert found == 1


def test_production_verifies_tokens_against_a_jwks_url_and_holds_no_signing_secret(built, deployable, load_settings):
    manifests = built["prod"]
    pod_spec, container = manifests.server(deployable.name)
    settings = load_settings(deployable, manifests.environment(container), manifests.secret_files(pod_spec, container))
    assert settings.jwt_secret is None
    assert settings.jwt_jwks_url is not None
    assert settings.jwt_jwks_url.startswith("https://")


def test_development_connects_each_service_as_its_own_role_with_the_password_the_bootstrap_sets(built, service):
    manifests = built["dev"]
    url = make_url(manifests.settings_sources(*manifests.server(service.name))[f"{service.env_prefix}DATABASE_URL"])
    (admin,) = [
        manifests.settings_sources(pod_spec, c)
        for _w, pod_spec in manifests.workloads()
        for c in containers(pod_spec)
        if c.get("command") == ["hlm-bootstrap"]
    ]
    assert url.username == service.role
    assert url.password == admin[f"HLM_DB_PASSWORD_{service.role.upper()}"]
    assert (url.host, url.port) == (make_url(admin["HLM_ADMIN_DATABASE_URL"]).host, 5432)


# --- The gateway --------------------------------------------------------------------------------------------------


def gateway_settings(manifests, platform, load_settings):
    pod_spec, container = manifests.server(platform.gateway.name)
    return load_settings(
        platform.gateway, manifests.environment(container), manifests.secret_files(pod_spec, container)
    )


def test_the_gateway_has_no_migration_job_and_no_database(manifests, platform):
    for workload, pod_spec in manifests.workloads():
        if workload["kind"] == "Job":
            assert all(platform.service_of(c) != platform.gateway for c in containers(pod_spec))
    assert not any("DATABASE" in name for name in manifests.settings_sources(*manifests.server(platform.gateway.name)))


def test_the_gateway_calls_each_service_through_its_kubernetes_service_on_its_port(manifests, platform, load_settings):
    settings = gateway_settings(manifests, platform, load_settings)
    for service in platform.services:
        url = getattr(settings, f"{service.name.removesuffix('-svc')}_url")
        assert url == f"http://{service.name}:{service.port}"
        ports = [p["port"] for p in manifests.get("Service", service.name)["spec"]["ports"]]
        assert service.port in ports


def test_production_turns_introspection_and_graphiql_off_and_development_keeps_them(built, platform, load_settings):
    from hlm_gateway.schema import build_schema

    introspection = "{ __schema { queryType { name } } }"
    prod = gateway_settings(built["prod"], platform, load_settings)
    assert prod.introspection is False
    assert prod.graphiql is False
    refused = build_schema(prod).execute_sync(introspection)
    assert refused.errors, "the production schema answers an introspection query"
    assert refused.data is None

    dev = gateway_settings(built["dev"], platform, load_settings)
    assert dev.introspection is True
    answered = build_schema(dev).execute_sync(introspection)
    assert not answered.errors
    assert answered.data == {"__schema": {"queryType": {"name": "Query"}}}


def test_survey_and_facilitator_hash_raters_emails_with_the_same_key(built):
    dev = built["dev"]
    survey = dev.settings_sources(*dev.server("survey-svc"))
    facilitator = dev.settings_sources(*dev.server("facilitator-svc"))
    assert survey["SURVEY_EMAIL_HASH_KEY"] == facilitator["FACILITATOR_EMAIL_HASH_KEY"]

    prod = {e["metadata"]["name"]: e for e in built["prod"].of_kind("ExternalSecret")}

    def remote(name: str, key: str) -> dict[str, str]:
        (item,) = [d for d in prod[name]["spec"]["data"] if d["secretKey"] == key]
        return dict(item["remoteRef"])

    assert remote("survey-svc-secrets", "SURVEY_EMAIL_HASH_KEY") == remote(
        "facilitator-svc-secrets", "FACILITATOR_EMAIL_HASH_KEY"
    )


def test_every_config_map_and_secret_a_pod_reads_is_in_the_manifests(manifests):
    # Resolving a container's environment and secret files fails on any reference to a ConfigMap, Secret or key
    # that is not there.
    for _workload, pod_spec in manifests.workloads():
        for container in containers(pod_spec):
            manifests.settings_sources(pod_spec, container)


# --- Production secrets ------------------------------------------------------------------------------------------

EXTERNAL_SECRET_SPEC = {"refreshInterval", "secretStoreRef", "target", "data", "dataFrom"}
DURATION = re.compile(r"^(\d+(ns|us|µs|ms|s|m|h))+$")


def test_production_secrets_come_from_external_secrets_that_are_well_formed(built):
    # kubernetes-validate has no schema for the External Secrets Operator's CRD, so its fields are checked here.
    manifests = built["prod"]
    assert not manifests.of_kind("Secret"), "no credentials in the production manifests"
    external = manifests.of_kind("ExternalSecret")
    assert external
    for resource in external:
        name = resource["metadata"]["name"]
        assert resource["apiVersion"] == "external-secrets.io/v1", name
        spec = resource["spec"]
        assert set(spec) <= EXTERNAL_SECRET_SPEC, f"{name}: unknown fields {set(spec) - EXTERNAL_SECRET_SPEC}"
        assert DURATION.match(spec["refreshInterval"]), name
        assert spec["secretStoreRef"]["kind"] in ("SecretStore", "ClusterSecretStore"), name
        assert spec["secretStoreRef"]["name"], name
        assert set(spec["secretStoreRef"]) <= {"kind", "name"}, name
        assert spec["target"]["name"] == name
        assert spec["target"].get("creationPolicy", "Owner") in ("Owner", "Orphan", "Merge", "None"), name
        keys = [item["secretKey"] for item in spec["data"]]
        assert len(keys) == len(set(keys)), f"{name}: a key twice"
        for item in spec["data"]:
            assert set(item) <= {"secretKey", "remoteRef", "sourceRef"}, name
            assert set(item["remoteRef"]) <= {
                "key",
                "property",
                "version",
                "metadataPolicy",
                "conversionStrategy",
                "decodingStrategy",
            }, name
            assert item["remoteRef"]["key"], name


def test_every_secret_a_production_pod_reads_is_made_by_an_external_secret(built):
    manifests = built["prod"]
    targets = {e["spec"]["target"]["name"] for e in manifests.of_kind("ExternalSecret")}
    for _workload, pod_spec in manifests.workloads():
        for container in containers(pod_spec):
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in targets
        for volume in pod_spec.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] in targets


# --- Credentials as files ----------------------------------------------------------------------------------------


def platform_containers(manifests, platform) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, pod spec, container) of every container running a service, the gateway, the web front or the
    database bootstrap."""
    return [
        (
            f"{manifests.name}: {workload['kind']} {workload['metadata']['name']}/{container['name']}",
            pod_spec,
            container,
        )
        for workload, pod_spec in manifests.workloads()
        for container in containers(pod_spec)
        if platform.service_of(container) is not None
    ]


def test_no_service_takes_a_credential_from_its_environment(manifests, platform):
    # The environment is inherited by every child process and shows up in crash reports and `kubectl describe`;
    # a file under HLM_SECRETS_DIR is read by the service alone.
    for where, _pod_spec, container in platform_containers(manifests, platform):
        assert not [s for s in container.get("envFrom", []) if "secretRef" in s], where
        assert not [e for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})], where


def test_credentials_are_a_read_only_secret_volume_readable_by_the_pod_alone(manifests, platform):
    for where, pod_spec, container in platform_containers(manifests, platform):
        directory = manifests.environment(container).get("HLM_SECRETS_DIR")
        assert directory, f"{where}: no HLM_SECRETS_DIR"
        (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == directory]
        assert mount.get("readOnly") is True, where
        (volume,) = [v for v in pod_spec["volumes"] if v["name"] == mount["name"]]
        # The kubelet makes the files root's, with the pod's fsGroup as their group: the service reads them
        # through that group, and nobody else may.
        assert volume["secret"]["defaultMode"] == 0o440, where
        assert pod_spec["securityContext"]["fsGroup"] == pod_spec["securityContext"]["runAsGroup"], where
        assert manifests.secret_files(pod_spec, container), f"{where}: the Secret has no keys"


def test_development_credentials_come_from_the_generator_with_a_content_hash(built):
    # The hash suffix changes with the content, so a changed credential rolls the pods that read it.
    for secret in built["dev"].of_kind("Secret"):
        assert re.search(r"-[a-z0-9]{10}$", secret["metadata"]["name"]), secret["metadata"]["name"]


# --- Namespace and network policies ------------------------------------------------------------------------------


def test_the_namespace_enforces_the_restricted_pod_security_standard(manifests):
    (namespace,) = manifests.of_kind("Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for resource in manifests.resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == namespace["metadata"]["name"]


def policies(manifests) -> dict[str, dict[str, Any]]:
    return {p["metadata"]["name"]: p["spec"] for p in manifests.of_kind("NetworkPolicy")}


def allows_egress_to_port(policy: dict[str, Any], port: int, protocol: str = "TCP") -> bool:
    return "Egress" in policy["policyTypes"] and any(
        any(p.get("port") == port and p.get("protocol", "TCP") == protocol for p in rule.get("ports", []))
        for rule in policy.get("egress", [])
    )


def pods(manifests) -> list[tuple[str, dict[str, str]]]:
    return [(w["metadata"]["name"], pod_labels(w)) for w, _spec in manifests.workloads()]


def test_everything_is_denied_by_default_in_both_directions(manifests):
    default = policies(manifests)["default-deny"]
    assert default["podSelector"] == {}
    assert set(default["policyTypes"]) == {"Ingress", "Egress"}
    assert not default.get("ingress")
    assert not default.get("egress")


def test_every_pod_may_resolve_names_and_all_but_the_web_front_reach_rabbitmq_and_the_services_postgres(
    manifests, platform
):
    all_policies = policies(manifests).values()
    for name, labels in pods(manifests):
        mine = [p for p in all_policies if selects(p["podSelector"], labels)]
        assert any(allows_egress_to_port(p, 53, "UDP") for p in mine), f"{name}: no DNS"
        # The gateway consumes events for its subscriptions; the web front calls the gateway alone.
        reaches_rabbitmq = any(allows_egress_to_port(p, 5672) for p in mine)
        assert reaches_rabbitmq == (name != platform.web.name), f"{name}: RabbitMQ {reaches_rabbitmq}"
        # The gateway and the web front own no database, so they may not reach one.
        reaches_postgres = any(allows_egress_to_port(p, 5432) for p in mine)
        expected = name not in (platform.gateway.name, platform.web.name)
        assert reaches_postgres == expected, f"{name}: PostgreSQL {reaches_postgres}"


def ingress_sources(manifests, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        source
        for policy in policies(manifests).values()
        if "Ingress" in policy["policyTypes"] and selects(policy["podSelector"], labels)
        for rule in policy.get("ingress", [])
        for source in rule.get("from", [])
    ]


def test_the_ingress_controller_reaches_the_gateway_the_web_front_and_report_partner_api_and_nothing_else(manifests):
    ingress_controller = {"kubernetes.io/metadata.name": "ingress-nginx"}
    for deployment in deployments(manifests):
        sources = ingress_sources(manifests, pod_labels(deployment))
        from_ingress = any(s.get("namespaceSelector", {}).get("matchLabels") == ingress_controller for s in sources)
        name = deployment["metadata"]["name"]
        assert from_ingress == (name in ("gateway", "web", "report-svc")), name


def egress_destinations(manifests, labels: dict[str, str]) -> list[tuple[dict[str, Any], set[int]]]:
    """(pod selector, ports) of every in-namespace destination the policies selecting these labels allow."""
    return [
        (peer["podSelector"], {p["port"] for p in rule.get("ports", [])})
        for policy in policies(manifests).values()
        if "Egress" in policy["policyTypes"] and selects(policy["podSelector"], labels)
        for rule in policy.get("egress", [])
        for peer in rule.get("to", [])
        if "podSelector" in peer and "namespaceSelector" not in peer
    ]


def test_the_gateway_reaches_each_service_on_its_port_and_each_service_lets_it_in(manifests, platform):
    gateway = pod_labels(manifests.get("Deployment", platform.gateway.name))
    destinations = egress_destinations(manifests, gateway)
    for service in platform.services:
        labels = pod_labels(manifests.get("Deployment", service.name))
        reachable = set().union(*(ports for selector, ports in destinations if selects(selector, labels)))
        assert reachable == {service.port}, service.name
        sources = [s["podSelector"] for s in ingress_sources(manifests, labels) if "podSelector" in s]
        assert any(selects(selector, gateway) for selector in sources), f"{service.name} refuses the gateway"
    # In the namespace only the web front calls the gateway; else only the ingress controller (and Prometheus).
    web = pod_labels(manifests.get("Deployment", platform.web.name))
    callers = [s["podSelector"] for s in ingress_sources(manifests, gateway) if "podSelector" in s]
    assert callers
    assert all(selects(selector, web) for selector in callers)
    for service in platform.services:
        labels = pod_labels(manifests.get("Deployment", service.name))
        assert not any(selects(selector, labels) for selector in callers), f"{service.name} may call the gateway"


# --- The web front -----------------------------------------------------------------------------------------------


def test_the_web_front_reaches_the_gateway_names_and_in_production_the_identity_provider_alone(manifests, platform):
    web = pod_labels(manifests.get("Deployment", platform.web.name))
    identity_provider: list[dict[str, Any]] = []
    gateway = pod_labels(manifests.get("Deployment", platform.gateway.name))
    for name, policy in policies(manifests).items():
        if "Egress" not in policy["policyTypes"] or not selects(policy["podSelector"], web):
            continue
        for rule in policy.get("egress", []):
            ports = {(p.get("protocol", "TCP"), p["port"]) for p in rule.get("ports", [])}
            # Every rule names where it goes: a rule of ports alone would reach anything on them.
            assert rule.get("to"), f"{name} lets the web front reach any address on {ports}"
            for peer in rule["to"]:
                if "namespaceSelector" in peer:
                    assert peer["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}, name
                    assert ports == {("UDP", 53), ("TCP", 53)}, name
                elif "ipBlock" in peer:
                    # Sign-in: the provider's discovery, keys and token endpoint, over HTTPS and nothing else.
                    assert ports == {("TCP", 443)}, name
                    assert peer["ipBlock"]["cidr"] not in ("0.0.0.0/0", "::/0"), f"{name} reaches any address"
                    identity_provider.append(peer["ipBlock"])
                else:
                    assert selects(peer["podSelector"], gateway), f"{name}: the web front reaches {peer}"
                    assert ports == {("TCP", platform.gateway.port)}, name
    # Production signs people in with the provider; development on the web front's own page.
    assert bool(identity_provider) is (manifests.name == "prod")
    # and the gateway lets it in.
    sources = [s["podSelector"] for s in ingress_sources(manifests, gateway) if "podSelector" in s]
    assert any(selects(selector, web) for selector in sources), "the gateway refuses the web front"
    # The gateway, for its part, never calls the web front.
    assert not any("podSelector" in s for s in ingress_sources(manifests, web))


def test_the_web_front_calls_the_gateway_through_its_service_with_its_key_from_the_secret(
    manifests, platform, load_settings
):
    pod_spec, container = manifests.server(platform.web.name)
    files = manifests.secret_files(pod_spec, container)
    settings = load_settings(platform.web, manifests.environment(container), files)
    assert settings.gateway_url == f"http://{platform.gateway.name}:{platform.gateway.port}"
    ports = [p["port"] for p in manifests.get("Service", platform.gateway.name)["spec"]["ports"]]
    assert platform.gateway.port in ports
    # The key that signs every form is a file of the Secret, never in the environment or the ConfigMap.
    assert "WEB_SECRET_KEY" in files
    assert "WEB_SECRET_KEY" not in manifests.environment(container)
    assert settings.secret_key.get_secret_value() == files["WEB_SECRET_KEY"]
    # Raters reach production over HTTPS only, so its cookies say so.
    assert settings.secure_cookies is (manifests.name == "prod")


def test_raters_mail_links_to_the_web_fronts_answer_page(manifests):
    survey = manifests.settings_sources(*manifests.server("survey-svc"))
    assert survey["SURVEY_INVITATION_LINK_BASE_URL"].endswith("/answer/")
