from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hlm_kit import health, heap
from hlm_kit.observability import RequestContextMiddleware, configure_logging
from hlm_kit.tracing import TELEMETRY
from hlm_web import assets, csrf
from hlm_web.answer import router as answer_router
from hlm_web.answer.questionnaire import KnownQuestionnaires
from hlm_web.config import Settings
from hlm_web.gateway import (
    Forbidden,
    GatewayClient,
    GatewayRefused,
    GatewayUnavailable,
    LinkNotValid,
    RateLimited,
    SignInNeeded,
)
from hlm_web.participant import (
    academy,
    assessment_import,
    booking,
    course_records,
    course_requests,
    facilitating,
    feedback360,
    find,
    journal,
    listing,
    partner_requests,
    progress,
    training,
)
from hlm_web.participant import router as participant_router
from hlm_web.security import SecurityHeadersMiddleware
from hlm_web.signin import router as signin_router
from hlm_web.signin import session
from hlm_web.templating import create_templates, render

log = structlog.get_logger(__name__)


def create_app(
    settings: Settings | None = None, *, gateway_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The web front, with ``settings`` or those of the environment. ``gateway_transport`` replaces the
    network to the gateway (tests mount its ASGI app)."""
    settings = settings or Settings()
    configure_logging("hlm-web", level=settings.log_level, json=settings.log_json)
    csrf.configure(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gateway = GatewayClient(settings.gateway_url, timeout_s=settings.gateway_timeout_s, transport=gateway_transport)
        app.state.gateway = gateway
        # Ready needs nothing beyond the process: with the gateway down, a rater should get this web
        # front's "try again later" page (which keeps their answers), not an error from the ingress.
        app.state.readiness_checks = {}
        heap.settle()
        try:
            yield
        finally:
            await gateway.aclose()

    app = FastAPI(
        title="HLM web",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # FastAPI's own telemetry off, as in every app of the platform: the request context's span is the
        # one server span. Left on, FastAPI asked on every request whether any provider was configured.
        telemetry=TELEMETRY,
    )
    app.state.settings = settings
    app.state.templates = create_templates()
    app.state.questionnaires = KnownQuestionnaires()
    app.state.oauth = signin_router.create_oauth(settings)
    # A rater's pages first, before even the probes: they are most of the requests, and a request walks the
    # routes in order until one matches, twice (FastAPI asks each included router whether it matches, then
    # finds the route again to handle it). A dimension's page, shown and sent, comes first of all, as
    # Starlette routes matched once (answer/router.py, PAGE_ROUTES). The answer routes all sit under
    # /answer/{token}, which no other router uses.
    app.router.routes.extend(answer_router.PAGE_ROUTES)
    app.include_router(answer_router.router)
    app.include_router(health.router)
    app.include_router(signin_router.router)
    # The 360's fixed paths (/assessments/360/new) before the participant's /assessments/{cycle}/... ones.
    app.include_router(feedback360.router)
    app.include_router(booking.router)
    app.include_router(facilitating.router)
    app.include_router(academy.router)
    app.include_router(training.router)
    app.include_router(course_records.router)
    app.include_router(assessment_import.router)
    app.include_router(course_requests.router)
    app.include_router(partner_requests.router)
    app.include_router(find.router)
    app.include_router(listing.router)
    app.include_router(participant_router.router)
    app.include_router(progress.router)
    app.include_router(journal.router)
    assets.mount(app, settings.nhsuk_frontend_dir)

    @app.exception_handler(csrf.CsrfRefused)
    async def csrf_refused(request: Request, exc: csrf.CsrfRefused) -> HTMLResponse:
        return render(request, "refused.html", status_code=403)

    @app.exception_handler(LinkNotValid)
    async def link_not_valid(request: Request, exc: LinkNotValid) -> HTMLResponse:
        # One page for every link that opens nothing: it must not tell a used link from a guessed one.
        return render(request, "link_not_valid.html", status_code=404)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited) -> HTMLResponse:
        minutes = max(1, -(-exc.retry_after_s // 60)) if exc.retry_after_s else None
        response = render(request, "rate_limited.html", {"minutes": minutes}, status_code=429)
        if exc.retry_after_s:
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(GatewayUnavailable)
    async def gateway_unavailable(request: Request, exc: GatewayUnavailable) -> HTMLResponse:
        # A form that could not be saved comes back as hidden fields under a "Try again" button: nothing
        # the rater chose is lost.
        kept = getattr(request.state, "form", None) if request.method == "POST" else None
        return render(request, "try_again_later.html", {"kept": kept, "action_url": request.url.path}, status_code=503)

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        # No session, or one whose token has run out or that the gateway no longer accepts: sign in,
        # then come back to the page they were on.
        session.sign_out(request)
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?{urlencode({'next': back})}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return render(request, "forbidden.html", status_code=403)

    @app.exception_handler(GatewayRefused)
    async def gateway_refused(request: Request, exc: GatewayRefused) -> HTMLResponse:
        return render(request, "problem.html", status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        if exc.status_code == 404:
            return render(request, "not_found.html", status_code=404)
        if exc.status_code == 405:
            return render(request, "not_found.html", status_code=405)
        log.warning("request refused", status=exc.status_code)
        return render(request, "problem.html", status_code=exc.status_code)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=session.COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        # Secure always in production; a development machine serving plain http turns secure_cookies off.
        https_only=settings.secure_cookies or settings.environment == "production",
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
