"""The gateway's schema, with the limits and caches every request goes through."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

import strawberry
import structlog
from fastapi import WebSocket
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
)
from graphql import (
    validate as validate_document,
)
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, ParserCache, SchemaExtension
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


class _QueryText:
    """A parsed document as a cache key: equal and hashed by the text it was parsed from. A document's own
    hash walks its whole syntax tree, on every request; a str computes its hash once."""

    __slots__ = ("document", "text")

    def __init__(self, text: str, document: DocumentNode) -> None:
        self.text = text
        self.document = document

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _QueryText) and other.text == self.text


@functools.cache
def validation_cache(maxsize: int) -> functools._lru_cache_wrapper[list[GraphQLError]]:
    """The validation errors of a query's text, under a set of rules: shared by every request (and every
    schema built with the same size, as strawberry's ValidationCache is)."""

    def validate(
        schema: GraphQLSchema, query: _QueryText, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        return validate_document(schema, query.document, rules)

    return functools.lru_cache(maxsize=maxsize)(validate)


class _Operation(ParserCache):
    """What every operation goes through before it runs, in one extension: strawberry makes each extension
    anew for every request, and looks at each of them for each of an operation's stages, so every extension
    more cost every request (the home screen paid for four where one does as much).

    - Each operation on a websocket runs with a context of its own (fresh DataLoaders), as each HTTP request
      does; strawberry gives every operation of a socket the one context made at connection.
    - The document may hold at most ``max_tokens`` tokens (as strawberry's MaxTokensLimiter).
    - The parsed document is strawberry's ParserCache's; a document that does not parse is left for
      strawberry to parse again and report as any other error (ParserCache parses outside the ``try``
      strawberry wraps around its own parsing: a syntax error would escape a subscription's stream, and the
      socket get a bare ``complete``).
    - ``rules`` are validated besides GraphQL's own (as strawberry's AddValidationRules), and the validation
      errors are kept by the query's text (:func:`validation_cache`) rather than by its parsed document, as
      strawberry's ValidationCache keeps them: hashing the document cost more than running the home screen's
      two top-level resolvers."""

    def __init__(
        self,
        *,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        parser_cache_size: int,
        validation_cache_size: int,
    ) -> None:
        super().__init__(maxsize=parser_cache_size)
        self.rules = rules
        self.max_tokens = max_tokens
        self.validate = validation_cache(validation_cache_size)

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and isinstance(context.request, WebSocket):
            execution.context = context.for_operation()
        execution.parse_options["max_tokens"] = self.max_tokens
        execution.validation_rules = execution.validation_rules + self.rules
        yield

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        with contextlib.suppress(GraphQLError):
            execution.graphql_document = self.cached_parse_document(execution.query, **execution.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document, text = execution.graphql_document, execution.query
        if document is not None and text is not None:
            schema = execution.schema._schema
            execution.pre_execution_errors = self.validate(
                schema, _QueryText(text, document), execution.validation_rules
            )
        yield


class _MaskErrors(MaskErrors):
    """strawberry's MaskErrors, reading a result's errors as an attribute: it first tests the result against
    a runtime-checkable protocol, which on this Python looks up the protocol's members through
    ``inspect.getattr_static`` on every request, errors or not (some 0.1M instructions of a rater's page,
    1.5 %). A result without ``errors`` has none to mask, as before."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories: each request gets fresh extension instances; the parser and validation caches live at
    # module level (strawberry's, and validation_cache here), so they are still shared across requests.
    # The depth and alias limiters make a new validation rule class per instance, and the validation cache
    # is keyed by the rules: their rules are made once here, or every request would miss the cache and be
    # validated anew.
    rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.max_query_depth, settings.max_introspection_depth),
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    operation_rules = tuple(rules)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: _Operation(
            rules=operation_rules,
            max_tokens=settings.max_query_tokens,
            parser_cache_size=settings.parser_cache_size,
            validation_cache_size=settings.validation_cache_size,
        ),
        lambda: _MaskErrors(should_mask_error=_is_unexpected, error_message="Unexpected error."),
    ]
    return GatewaySchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def schema_sdl() -> str:
    """The schema as SDL, as kept in gateway/schema.graphql."""
    return build_schema(Settings.model_construct()).as_str() + "\n"
