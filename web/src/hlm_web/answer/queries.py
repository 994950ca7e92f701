"""The gateway's rater operations, as the pages use them."""

INVITATION = """
query RaterInvitation($token: String!) {
  invitation(token: $token) {
    stage participantName raterGroup closesAt draftSavedAt
    questionnaire {
      instructions notObservedLabel
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

SAVE_DRAFT = """
mutation RaterSaveDraft($token: String!, $response: ResponseInput!) {
  saveInvitationDraft(token: $token, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

SUBMIT = """
mutation RaterSubmit($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

DECLINE = """
mutation RaterDecline($token: String!) { declineInvitation(token: $token) }
"""
