"""What a questionnaire's pages show, for whoever answers it: a rater through their link
(/answer/{token}) or a participant their own self-assessment (/assessments/{cycle}/self).

Both walk the same pages (the task list, one dimension per page, check your answers) from the same
templates; ``base`` is the URL the pages hang from, and ``Voice`` the words that differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hlm_web.answer.questionnaire import NOT_OBSERVED, Answers, Dimension, PageAnswers, Questionnaire


@dataclass(frozen=True)
class Voice:
    """The words of the pages that depend on whose leadership the answers are about."""

    title: str  # the task list's heading
    intro: str  # above each dimension's statements
    comment_hint: str
    saved: str  # the banner after "Save and come back later"
    check_title: str
    send_heading: str
    send_text: str
    send_button: str
    send_verb: str


def rater_voice(participant_name: str, closes_on: str | None) -> Voice:
    by = f" by {closes_on}" if closes_on else ""
    return Voice(
        title=f"Feedback on {participant_name}'s leadership",
        intro=(
            "For each statement, choose the level that best matches what you have seen "
            f"{participant_name} do at work in recent months."
        ),
        comment_hint=f"Shown to {participant_name} word for word, without your name.",
        saved=f"Your answers have been saved. Come back to them through the link in your email{by}.",
        check_title="Check your answers before sending your feedback",
        send_heading="Now send your feedback",
        send_text="Once you send it you cannot change your answers, and the link in your email stops working.",
        send_button="Send feedback",
        send_verb="send",
    )


SELF_VOICE = Voice(
    title="Your self-assessment",
    intro="For each statement, choose the level that best matches what you do at work, as you see it.",
    comment_hint="Shown in your report word for word. Only you, and a facilitator you share it with, read it.",
    saved="Your answers have been saved. Come back to them from your assessments.",
    check_title="Check your answers before you submit your self-assessment",
    send_heading="Now submit your self-assessment",
    send_text="Once you submit it you cannot change your answers. Your report is ready straight away.",
    send_button="Submit self-assessment",
    send_verb="submit",
)


def page_url(base: str, dimension: Dimension, *, change: bool = False) -> str:
    return f"{base}/{dimension.slug}/change" if change else f"{base}/{dimension.slug}"


def check_sections(base: str, questionnaire: Questionnaire, answers: Answers) -> list[dict[str, Any]]:
    """Check your answers: per dimension, a summary list row per answer with its Change link."""
    sections = []
    for dimension in questionnaire.dimensions:
        change = page_url(base, dimension, change=True)

        def row(key: str, value: str, anchor: str, hidden: str, change: str = change) -> dict[str, Any]:
            return {
                "key": {"text": key},
                "value": {"text": value},
                "actions": {"items": [{"href": f"{change}#{anchor}", "text": "Change", "visuallyHiddenText": hidden}]},
            }

        rows = [
            row(
                f"{number}. {item.text}",
                questionnaire.level_label(answers.levels.get(item.key)),
                item.field,
                f"{dimension.name}, statement {number}",
            )
            for number, item in enumerate(dimension.items, start=1)
        ]
        rows.append(
            row(
                dimension.importance_question,
                questionnaire.importance_label(answers.importance.get(dimension.key)),
                "importance",
                f"{dimension.name}, importance",
            )
        )
        rows.append(
            row("Comments", answers.comments.get(dimension.key) or "None", "comment", f"{dimension.name}, comments")
        )
        sections.append({"dimension": dimension, "rows": rows})
    return sections


def dimension_context(
    base: str,
    questionnaire: Questionnaire,
    answers: Answers,
    dimension: Dimension,
    *,
    change: bool,
    page: PageAnswers | None,
    first_back_url: str,
) -> dict[str, Any]:
    """The context of one dimension's page: the saved answers, or the page's own when it comes back with errors."""
    if page is None:
        levels = {item.key: answers.levels.get(item.key) for item in dimension.items}
        importance, comment, errors = answers.importance.get(dimension.key), answers.comments.get(dimension.key, ""), []
    else:
        levels = {item.key: page.levels.get(item.key) for item in dimension.items}
        importance, comment, errors = page.importance, page.comment, page.errors
    previous = questionnaire.before(dimension)
    back = f"{base}/check" if change else (page_url(base, previous) if previous else first_back_url)
    values = {key: str(value) for key, value in levels.items() if value is not None}
    error_for = dict(errors)
    slug = dimension.slug
    return {
        "base_url": base,
        "questionnaire": questionnaire,
        "dimension": dimension,
        "number": questionnaire.position(dimension) + 1,
        "total": len(questionnaire.dimensions),
        "values": values,
        # Each statement's radios (answer/_dimension_fields.jinja's "statement"), by these arguments.
        "statements": [
            (questionnaire, slug, number, values.get(item.key), error_for.get(item.field), NOT_OBSERVED)
            for number, item in enumerate(dimension.items, start=1)
        ],
        "importance": str(importance) if importance is not None else None,
        "comment": comment,
        "errors": errors,
        "error_for": error_for,
        "NOT_OBSERVED": NOT_OBSERVED,
        "change": change,
        "back_url": back,
        "action_url": page_url(base, dimension, change=change),
    }


# In a 360 the participant's own answers wait for their raters'.
SELF_360_VOICE = Voice(
    **{
        **SELF_VOICE.__dict__,
        "title": "Your own answers",
        "send_text": "Once you submit them you cannot change your answers. "
        "They are shown beside your raters' in your report.",
        "check_title": "Check your answers before you submit them",
        "send_button": "Submit your answers",
    }
)
