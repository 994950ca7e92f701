"""The Dockerfiles of the services and the gateway, read as text: there is no Docker engine to build them with, so
these tests check what an image promises (a non-root user, a health check, no compilers, the console script) from its
final stage."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

# Compilers, build tools and C headers (Debian's -dev packages): none belongs in a runtime image.
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|cc|clang|build-essential|make|cmake|rustc|cargo|[\w.+]+-dev)\b")
# The one thing an image may add to the others: the Debian runtime libraries its service loads (report-svc prints
# with WeasyPrint, which needs Pango and fonts), in one RUN that installs without recommends and clears apt's lists.
RUNTIME_LIBRARIES = re.compile(r"\n(?:#[^\n]*\n)*RUN apt-get update [^\n]*\\\n(?:[^\n]*\\\n)*[^\n]*\n\n?")


def is_runtime_libraries(args: str) -> bool:
    return (
        args.startswith("apt-get update ")
        and "apt-get install -y --no-install-recommends " in args
        and args.endswith("rm -rf /var/lib/apt/lists/*")
    )


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, f"{path}: a continuation line ends the file"
    parsed = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        parsed.append((keyword.upper(), rest.strip()))
    return parsed


def stages(path: Path) -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction in instructions(path):
        if instruction[0] == "FROM":
            result.append([])
        assert result, f"{path}: an instruction before the first FROM"
        result[-1].append(instruction)
    return result


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), arguments
    return [str(v) for v in value]


def dockerfile(platform, deployable) -> Path:
    return platform.repo / deployable.dockerfile


def test_every_image_has_a_multi_stage_dockerfile_on_python_3_11_slim(platform, deployable):
    all_stages = stages(dockerfile(platform, deployable))
    assert len(all_stages) >= 2
    for stage in all_stages:
        assert stage[0][1].split()[0] == "python:3.11-slim"


def test_the_builder_installs_its_package_from_the_lock_file_with_uv(platform, deployable):
    builder = stages(dockerfile(platform, deployable))[0]
    runs = " ".join(args for keyword, args in builder if keyword == "RUN")
    assert re.search(r"pip install [^&]*\"?uv==\d", runs), "uv is installed from PyPI, pinned"
    assert f"uv sync --frozen --no-dev --no-editable --package {deployable.console_script}" in runs
    env = " ".join(args for keyword, args in builder if keyword == "ENV")
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in env


def test_the_final_image_runs_as_a_numeric_non_root_user(platform, deployable):
    final = stages(dockerfile(platform, deployable))[-1]
    users = [args for keyword, args in final if keyword == "USER"]
    assert users, "the final stage sets USER"
    user, _, group = users[-1].partition(":")
    # Numeric, so Kubernetes' runAsNonRoot can check it without the image's /etc/passwd.
    assert user.isdigit()
    assert int(user) != 0
    assert not group or (group.isdigit() and int(group) != 0)


def test_the_final_image_has_no_compilers_and_no_build_tools(platform, deployable):
    final = stages(dockerfile(platform, deployable))[-1]
    for keyword, args in final:
        if keyword == "RUN":
            assert not BUILD_TOOLS.search(args), f"build tool in the final stage: {args}"
            assert "apt-get install" not in args or is_runtime_libraries(args), args
            assert "pip install" not in args
        if keyword in ("COPY", "ADD"):
            # Only the built environment comes across, never the source tree or the build stage's tools.
            assert args.startswith("--from=builder "), args
            assert shlex.split(args)[1:] == ["/app/.venv", "/app/.venv"], args


def test_the_final_image_checks_its_health_on_the_port_it_exposes(platform, deployable):
    final = stages(dockerfile(platform, deployable))[-1]
    exposed = [args for keyword, args in final if keyword == "EXPOSE"]
    assert exposed == [str(deployable.port)]
    checks = [args for keyword, args in final if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    command = exec_form(checks[0].split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2]
    assert f"http://127.0.0.1:{deployable.port}/health/live" in command[2]


def test_the_final_image_starts_its_console_script(platform, deployable):
    final = stages(dockerfile(platform, deployable))[-1]
    entrypoints = [exec_form(args) for keyword, args in final if keyword == "ENTRYPOINT"]
    assert entrypoints == [[deployable.console_script]]
    commands = [exec_form(args) for keyword, args in final if keyword == "CMD"]
    assert commands == [["serve", "--host", "0.0.0.0", "--port", str(deployable.port)]]
    env = " ".join(args for keyword, args in final if keyword == "ENV")
    assert "/app/.venv/bin" in env
    # A read-only root filesystem: nothing writes bytecode, and caches go to /tmp.
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "HOME=/tmp" in env


def test_every_dockerfile_is_the_same_but_for_its_name_package_and_port(platform):
    def normalised(deployable) -> str:
        text = RUNTIME_LIBRARIES.sub("\n", dockerfile(platform, deployable).read_text())
        # The path first (it holds the name), then the console script before the name it may contain
        # (hlm-gateway, gateway): both stand for the same thing, so both become <service>.
        return (
            text.replace(deployable.dockerfile, "<dockerfile>")
            .replace(deployable.console_script, "<service>")
            .replace(deployable.name, "<service>")
            .replace(deployable.package, "<package>")
            .replace(str(deployable.port), "<port>")
        )

    reference = normalised(platform.deployables[0])
    for deployable in platform.deployables[1:]:
        assert normalised(deployable) == reference, f"{deployable.name}'s Dockerfile differs from the others"


def test_the_build_context_leaves_out_environments_caches_and_history_but_not_the_workspace(platform):
    lines = (line.strip() for line in (platform.repo / ".dockerignore").read_text().splitlines())
    ignored = {line for line in lines if line and not line.startswith("#")}
    assert {".git", "**/.venv", "**/__pycache__"} <= ignored
    for needed in ("pyproject.toml", "uv.lock", "libs", "services", "gateway"):
        assert not any(pattern.lstrip("*/") == needed for pattern in ignored), needed
