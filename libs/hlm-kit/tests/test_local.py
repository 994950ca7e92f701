"""The platform as `make run` and the end-to-end tests start it on one machine."""

from __future__ import annotations

from hlm_kit.local import SERVICES, PlatformConfig, service_env

CONFIG = PlatformConfig(
    admin_url="postgresql://postgres@127.0.0.1:5432/postgres",
    database="hlm",
    amqp_url="amqp://guest:guest@127.0.0.1:5672/",
    jwt_secret="secret",
    jwt_issuer="hlm-dev",
    jwt_audience="hlm-platform",
    email_hash_key="key",
)


def test_the_web_front_calls_the_gateway_alone_and_signs_its_forms_with_a_key_of_this_run() -> None:
    [web] = [s for s in SERVICES if s.is_web_front]
    [gateway] = [s for s in SERVICES if s.command == "hlm-gateway"]
    moved = [s.on_port(s.port + 100) for s in SERVICES]
    env = service_env(web.on_port(9080), CONFIG, moved)
    assert env["WEB_GATEWAY_URL"] == f"http://127.0.0.1:{gateway.port + 100}"
    # The services are the gateway's business: the web front is given no address of theirs.
    assert not {"WEB_FRAMEWORK_URL", "WEB_SURVEY_URL", "WEB_REPORT_URL", "WEB_FACILITATOR_URL"} & env.keys()
    assert env["WEB_SECRET_KEY"] == CONFIG.web_secret_key
    # Plain http on a development machine: a cookie that asks for HTTPS would never come back.
    assert env["WEB_SECURE_COOKIES"] == "false"


def test_the_web_fronts_development_sign_in_mints_tokens_the_services_here_trust() -> None:
    [web] = [s for s in SERVICES if s.is_web_front]
    env = service_env(web, CONFIG, SERVICES)
    assert env["WEB_DEV_JWT_SECRET"] == CONFIG.jwt_secret
    assert env["WEB_DEV_JWT_ISSUER"] == CONFIG.jwt_issuer
    assert env["WEB_DEV_JWT_AUDIENCE"] == CONFIG.jwt_audience
