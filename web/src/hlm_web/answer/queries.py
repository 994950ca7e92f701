"""The gateway's rater operations, as the pages use them.

The invitation's questionnaire is asked for only when this process does not know it yet for the link
(``withQuestionnaire``): a published questionnaire never changes and an invitation stays pinned to one,
so the pages keep it (hlm_web.answer.questionnaire.KnownQuestionnaires) and the gateway does not send its
statements again with every page."""

INVITATION = """
query RaterInvitation($token: String!, $withQuestionnaire: Boolean! = true) {
  invitation(token: $token) {
    stage participantName raterGroup closesAt draftSavedAt
    questionnaire @include(if: $withQuestionnaire) {
      id instructions notObservedLabel
      dimensions { key name position }
      items { key dimensionKey text position }
      performanceScale { value label }
      importanceScale { value label }
      importanceQuestions { dimensionKey text }
    }
    draft {
      answers { itemKey level notObserved }
      importance { dimensionKey rating }
      comments { dimensionKey text }
    }
  }
}
"""

# One page sent: survey-svc puts it in place of that dimension's part of the draft and the whole draft comes
# back, from which the next page is chosen (no read of the invitation first).
SAVE_PAGE = """
mutation RaterSavePage($token: String!, $dimensionKey: String!, $response: ResponseInput!) {
  saveInvitationPage(token: $token, dimensionKey: $dimensionKey, response: $response) {
    __typename
    ... on InvitationPageSaved {
      draft {
        answers { itemKey level notObserved }
        importance { dimensionKey rating }
        comments { dimensionKey text }
      }
    }
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

SUBMIT_DRAFT = """
mutation RaterSubmitDraft($token: String!) {
  submitInvitationDraft(token: $token) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

DECLINE = """
mutation RaterDecline($token: String!) { declineInvitation(token: $token) }
"""
