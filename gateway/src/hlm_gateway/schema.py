"""The gateway's schema, with the limits and caches every request goes through."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import strawberry
import structlog
from fastapi import WebSocket
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from hlm_gateway.allocations.mutations import AllocationMutation
from hlm_gateway.allocations.queries import AllocationQuery
from hlm_gateway.arguments import check_arguments
from hlm_gateway.assessments.mutations import AssessmentMutation
from hlm_gateway.assessments.queries import AssessmentQuery
from hlm_gateway.booking.mutations import BookingMutation
from hlm_gateway.booking.queries import BookingQuery
from hlm_gateway.catalogue.queries import CatalogueQuery
from hlm_gateway.config import Settings
from hlm_gateway.consents.mutations import ConsentMutation
from hlm_gateway.consents.queries import ConsentQuery
from hlm_gateway.context import Context
from hlm_gateway.cycles.mutations import CycleMutation
from hlm_gateway.cycles.queries import CycleQuery
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.facilitators.mutations import FacilitatorMutation
from hlm_gateway.facilitators.queries import FacilitatorQuery
from hlm_gateway.invitations.mutations import InvitationMutation
from hlm_gateway.invitations.queries import InvitationQuery
from hlm_gateway.journal.mutations import JournalMutation
from hlm_gateway.journal.queries import JournalQuery
from hlm_gateway.journey.queries import JourneyMutation, JourneyQuery
from hlm_gateway.limits import depth_limit_rule
from hlm_gateway.live.subscriptions import Subscription
from hlm_gateway.participants.mutations import ParticipantMutation
from hlm_gateway.register.mutations import RegisterMutation
from hlm_gateway.register.queries import RegisterQuery
from hlm_gateway.reports.queries import ReportQuery
from hlm_gateway.resources.queries import ResourceQuery
from hlm_gateway.teams.mutations import TeamMutation
from hlm_gateway.teams.queries import TeamQuery
from hlm_gateway.training.course_requests import CourseRequestMutation, CourseRequestQuery
from hlm_gateway.training.mutations import TrainingMutation
from hlm_gateway.training.queries import TrainingQuery


@strawberry.type
class Query(
    CatalogueQuery,
    JourneyQuery,
    JournalQuery,
    ConsentQuery,
    CycleQuery,
    AssessmentQuery,
    InvitationQuery,
    BookingQuery,
    FacilitatorQuery,
    AllocationQuery,
    ReportQuery,
    TeamQuery,
    ResourceQuery,
    TrainingQuery,
    CourseRequestQuery,
    RegisterQuery,
):
    pass


@strawberry.type
class Mutation(
    JourneyMutation,
    CycleMutation,
    BookingMutation,
    JournalMutation,
    ConsentMutation,
    AssessmentMutation,
    InvitationMutation,
    FacilitatorMutation,
    AllocationMutation,
    TeamMutation,
    ParticipantMutation,
    TrainingMutation,
    CourseRequestMutation,
    RegisterMutation,
):
    pass


# Every argument of the API is checked once, here, before any resolver sees it.
check_arguments(Query, Mutation, Subscription)


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask what the client cannot act on: anything but validation errors and the gateway's own."""
    original = error.original_error
    return original is not None and not isinstance(original, GatewayError)


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """One line per expected error (a refusal, a query that does not parse or validate, a service that is
        down), with no traceback: they are many, and the traceback says nothing the line does not. Only an
        unexpected error, a fault of the gateway's, is logged with its traceback."""
        # A logger per call: configure_logging may have been called again since (one per app).
        log = structlog.get_logger("hlm_gateway.errors")
        for error in errors:
            if _is_unexpected(error):
                log.error("unexpected error", path=error.path, exc_info=error.original_error)
                continue
            code = (error.extensions or {}).get("code")
            level = log.warning if code == ErrorCode.UPSTREAM_UNAVAILABLE else log.info
            level(
                "graphql error",
                code=code,
                message=error.message,
                path=error.path,
                service=(error.extensions or {}).get("service"),
            )


class _OperationContext(SchemaExtension):
    """Each operation on a websocket runs with a context of its own (fresh DataLoaders), as each HTTP
    request does; strawberry gives every operation of a socket the one context made at connection."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and isinstance(context.request, WebSocket):
            self.execution_context.context = context.for_operation()
        yield


class _ParserCache(ParserCache):
    """strawberry's ParserCache parses in ``on_parse``, outside the ``try`` strawberry wraps around its own
    parsing: a syntax error then escapes a subscription's stream, and the socket gets a bare ``complete``.
    A document that does not parse is left for strawberry to parse again and report as any other error."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories: each request gets fresh extension instances; the parser and validation caches live
    # at module level in strawberry, so they are still shared across requests. The depth and alias
    # limiters make a new validation rule class per instance, and the validation cache is keyed by the
    # rules: their rules are made once here, or every request would miss the cache and be validated anew.
    # They are added by one extension: each one is made, and asked for its hooks, on every request.
    rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.max_query_depth, settings.max_introspection_depth),
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension]] = [
        _OperationContext,
        lambda: _ParserCache(maxsize=settings.parser_cache_size),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=settings.validation_cache_size),
        lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="Unexpected error."),
    ]
    return GatewaySchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def schema_sdl() -> str:
    """The schema as SDL, as kept in gateway/schema.graphql."""
    return build_schema(Settings.model_construct()).as_str() + "\n"
