"""The gateway's rater operations, as the pages use them.

The invitation's questionnaire is asked for only when this process does not know it yet
(``withQuestionnaire``): a published questionnaire never changes and an invitation stays pinned to one,
so the pages keep it (hlm_web.answer.questionnaire.KnownQuestionnaires) and the gateway does not send its
statements again with every page. A link opened here for the first time is asked for its
``questionnaireId`` alone, and its questionnaire only when no link opened before was on it.

A dimension's page asks for that dimension's answers only (``itemKeys``, ``dimensionKeys``: its statements
and itself, from the questionnaire it holds); the other pages leave them null, for the whole draft. Either way
the gateway leaves out the rest before it builds its answer, whose cost grows with every answer in it."""

INVITATION = """
query RaterInvitation(
  $token: String!, $withQuestionnaire: Boolean! = true, $itemKeys: [String!] = null, $dimensionKeys: [String!] = null
) {
  invitation(token: $token) {
    stage participantName raterGroup closesAt draftSavedAt questionnaireId
    questionnaire @include(if: $withQuestionnaire) {
      id instructions notObservedLabel
      dimensions { key name position }
      items { key dimensionKey text position }
      performanceScale { value label }
      importanceScale { value label }
      importanceQuestions { dimensionKey text }
    }
    draft {
      answers(itemKeys: $itemKeys) { itemKey level notObserved }
      importance(dimensionKeys: $dimensionKeys) { dimensionKey rating }
      comments(dimensionKeys: $dimensionKeys) { dimensionKey text }
    }
  }
}
"""

# One page sent: survey-svc puts it in place of that dimension's part of the draft, and what chooses the next
# page comes back (no read of the invitation first): which statements are answered and which dimensions'
# importance is rated, not each answer.
SAVE_PAGE = """
mutation RaterSavePage($token: String!, $dimensionKey: String!, $response: ResponseInput!) {
  saveInvitationPage(token: $token, dimensionKey: $dimensionKey, response: $response) {
    __typename
    ... on InvitationPageSaved {
      draft { answeredItemKeys importance { dimensionKey } }
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
