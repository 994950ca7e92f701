"""While the database is unreachable a rater is told to try again (503 with Retry-After), and their
token shows in no log line and no error document."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from pydantic import SecretStr

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.tcp_proxy import TcpProxy
from survey_svc.config import Settings

from ..conftest import serving  # noqa: TID252  (test support shared by the suite)


@pytest_asyncio.fixture
async def database_proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    """A forwarder to Postgres the test can cut, as a network fault or a database restart would."""
    target = urlsplit(database_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.accept()
    yield proxy
    await proxy.close()


@pytest_asyncio.fixture
async def survey_through_proxy(
    survey: Any,
    settings: Settings,
    database_url: str,
    database_proxy: TcpProxy,
    client_address: tuple[str, int],
) -> AsyncIterator[Any]:
    """The survey driver, against the service reaching its database through ``database_proxy``, on
    committed data."""
    settings = settings.model_copy(
        update={
            "database_url": SecretStr(database_proxy.url_for(database_url)),
            "log_level": "INFO",
            "log_json": True,
        }
    )
    async with serving(settings, client_address) as (app, client):
        yield dataclasses.replace(
            survey,
            client=client,
            settings=settings,
            sessionmaker=app.state.sessionmaker,
            participant_sub=f"participant-{uuid.uuid4().hex[:8]}",
        )


async def test_with_the_database_down_a_rater_gets_503_and_their_token_is_never_logged(
    survey_through_proxy: Any,
    database_proxy: TcpProxy,
    full_answers: Any,
    hlm_360: QuestionnairePublishedV1,
    assert_problem: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    survey = survey_through_proxy
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    assert (await survey.client.get(f"/v1/invitations/{token}")).status_code == 200
    capsys.readouterr()

    await database_proxy.refuse()
    opened = await survey.client.get(f"/v1/invitations/{token}")
    submitted = await survey.client.post(f"/v1/invitations/{token}/submit", json=full_answers(hlm_360))
    draft = await survey.client.put(f"/v1/invitations/{token}/draft", json=full_answers(hlm_360))

    logged = capsys.readouterr()
    for response in (opened, submitted, draft):
        problem = assert_problem(response, 503)
        assert response.headers["retry-after"] == "5"
        assert problem["instance"].startswith("/v1/invitations/~token~")
        assert token not in response.text
    assert logged.out.count('"database unavailable"') == 3
    assert token not in logged.out + logged.err

    await database_proxy.accept()
    assert (await survey.client.get(f"/v1/invitations/{token}")).status_code == 200
