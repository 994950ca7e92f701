"""The gateway's participant operations, as the pages use them."""

QUESTIONNAIRE_FIELDS = """
instructions notObservedLabel
dimensions { key name position }
items { key dimensionKey text position }
performanceScale { value label }
importanceScale { value label }
importanceQuestions { dimensionKey text }
"""

CYCLES = """
query ParticipantCycles {
  cycles(first: 50) { edges { node { id kind status closesAt selfStatus } } }
}
"""

CREATE_CYCLE = """
mutation ParticipantCreateCycle($input: CreateCycleInput!, $key: String) {
  createCycleV2(input: $input, idempotencyKey: $key) {
    __typename
    ... on Cycle { id }
    ... on CycleRefused { message code problems { location message } }
  }
}
"""

SELF_ASSESSMENT = (
    """
query ParticipantSelfAssessment($cycleId: ID!) {
  cycle(id: $cycleId) { kind }
  selfAssessment(cycleId: $cycleId) {
    status
    questionnaire { """
    + QUESTIONNAIRE_FIELDS
    + """ }
    answers {
      answers { itemKey level notObserved }
      importance { dimensionKey rating }
      comments { dimensionKey text }
    }
  }
}
"""
)

SAVE_SELF = """
mutation ParticipantSaveSelf($cycleId: ID!, $response: ResponseInput!) {
  saveSelfAssessmentDraft(cycleId: $cycleId, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

SUBMIT_SELF = """
mutation ParticipantSubmitSelf($cycleId: ID!, $response: ResponseInput!) {
  submitSelfAssessment(cycleId: $cycleId, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""

CYCLE = """
query ParticipantCycle($id: ID!) {
  cycle(id: $id) {
    id kind status closesAt minimumsMet selfStatus
    progress { raterGroup invited submitted declined }
    raters { id name raterGroup }
    report { id state status }
  }
}
"""

CYCLE_REPORT = """
query ParticipantCycleReport($id: ID!) { cycle(id: $id) { id kind report { id } } }
"""

REPORT = """
query ParticipantReport($id: ID!) {
  report(id: $id) {
    id cycleId kind state status releasedAt content pdfUrl
    progress { __typename ... on Progress { sinceReportId } }
  }
}
"""

REPORT_PROGRESS = """
query ParticipantProgress($id: ID!, $since: ID) {
  report(id: $id) {
    id
    progress(since: $since) {
      __typename
      ... on Progress { sinceReportId content }
      ... on NoEarlierReport { message }
      ... on ReportsNotComparable { message }
    }
  }
}
"""

NOMINATE = """
mutation ParticipantNominate($cycleId: ID!, $raters: [RaterInput!]!) {
  nominateRatersV2(cycleId: $cycleId, raters: $raters) {
    __typename
    ... on CycleRefused { message problems { message } }
  }
}
"""

REMOVE_RATER = """
mutation ParticipantRemoveRater($cycleId: ID!, $raterId: ID!) {
  removeRaterV2(cycleId: $cycleId, raterId: $raterId) {
    __typename
    ... on CycleRefused { message problems { message } }
  }
}
"""

OPEN = """
mutation ParticipantOpen($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) {
    __typename
    ... on ThresholdNotMet { message problems { location message } }
  }
}
"""

REMIND = """
mutation ParticipantRemind($cycleId: ID!) {
  sendRemindersV2(cycleId: $cycleId) {
    __typename
    ... on RemindersSent { reminded }
    ... on CycleRefused { message problems { message } }
  }
}
"""

EXTEND = """
mutation ParticipantExtend($cycleId: ID!, $closesAt: DateTime!) {
  extendCycleV2(cycleId: $cycleId, closesAt: $closesAt) { __typename }
}
"""

CLOSE = """
mutation ParticipantClose($cycleId: ID!) {
  closeCycleV2(cycleId: $cycleId) {
    __typename
    ... on CycleRefused { message problems { message } }
  }
}
"""

HLM_DIMENSIONS = """
query JournalDimensions { framework(key: "hlm") { dimensions { key name position } } }
"""

JOURNAL = """
query Journal {
  observations(first: 10) { edges { node { id observedOn context whatHappened reflection dimensions { name } } } }
  goals(first: 50, status: ACTIVE) {
    edges {
      node { id title description targetOn reminderDue dimensions { name } savedResources { key title link status } }
    }
  }
}
"""

RECORD_OBSERVATION = """
mutation JournalRecord($input: RecordObservationInput!, $key: String) {
  recordObservation(input: $input, idempotencyKey: $key) {
    __typename
    ... on ObservationRejected { message problems { location message } }
  }
}
"""

SET_GOAL = """
mutation JournalSetGoal($input: SetGoalInput!, $key: String) {
  setGoal(input: $input, idempotencyKey: $key) {
    __typename
    ... on GoalRejected { message problems { location message } }
  }
}
"""

RESOURCE_TO_SAVE = """
query JournalResourceToSave($key: String!) {
  resource(key: $key) { key title link }
  goals(first: 50, status: ACTIVE) { edges { node { id title savedResources { key } } } }
}
"""

SAVE_RESOURCE_TO_GOAL = """
mutation JournalSaveResource($goalId: ID!, $resourceKey: String!) {
  saveResourceToGoal(goalId: $goalId, resourceKey: $resourceKey) {
    __typename
    ... on GoalRejected { message problems { location message } }
  }
}
"""

GOAL_ACHIEVED = """
mutation JournalGoalAchieved($id: ID!) {
  updateGoal(id: $id, input: {status: ACHIEVED}) { __typename ... on GoalRejected { message } }
}
"""

SESSION_FIELDS = "id status facilitatorName mode startsAt endsAt venue holdExpiresAt"

BOOKING = (
    """
query ParticipantBooking($cycleId: ID!) {
  cycle(id: $cycleId) { id kind status feedbackSession { """
    + SESSION_FIELDS
    + """ } }
  facilitatorMatches(cycleId: $cycleId, limit: 5) {
    rank score
    facilitator { id name organisation languages }
    reasons { factor detail }
    slots { slotId startsAt mode venue }
  }
}
"""
)

HOLD_SESSION = """
mutation ParticipantHoldSession($slotId: ID!, $cycleId: ID!, $mode: SessionMode) {
  holdSession(slotId: $slotId, cycleId: $cycleId, mode: $mode) {
    __typename
    ... on BookingConflict { message code }
  }
}
"""

CONFIRM_SESSION = """
mutation ParticipantConfirmSession($id: ID!) {
  confirmSession(id: $id) { __typename ... on SessionChangeRefused { message code } }
}
"""

FACILITATOR_SESSIONS = (
    """
query FacilitatorSessions {
  feedbackSessions(first: 50) { edges { node { """
    + SESSION_FIELDS
    + """ reportId } } }
  reports(first: 50) { edges { node { id status } } }
}
"""
)

FACILITATOR_SESSION = (
    """
query FacilitatorSession($id: ID!) { feedbackSession(id: $id) { """
    + SESSION_FIELDS
    + """ reportId } }
"""
)

FACILITATOR_REPORT = "query FacilitatorReport($id: ID!) { report(id: $id) { id status kind releasedAt } }"

RELEASE_REPORT = """
mutation FacilitatorRelease($id: ID!) {
  releaseReportV2(id: $id) {
    __typename
    ... on ReportReleaseRefused { message problems { message } }
  }
}
"""

REGISTER = """
query AcademyRegister($first: Int!, $after: String, $search: String, $status: FacilitatorStatus) {
  facilitators(first: $first, after: $after, search: $search, status: $status) {
    edges { node { id name organisation status capacityPerMonth accreditation { level isCurrent } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

REGISTER_FACILITATOR = """
mutation AcademyRegisterFacilitator($input: FacilitatorInput!) {
  registerFacilitator(input: $input) {
    __typename
    ... on Facilitator { id }
    ... on RegisterRefused { message problems { message } }
  }
}
"""

DEACTIVATE_FACILITATOR = """
mutation AcademyDeactivate($id: ID!) {
  updateFacilitator(id: $id, input: {status: INACTIVE}) { __typename ... on RegisterRefused { message } }
}
"""

ALLOCATIONS = """
query AcademyAllocations {
  allocations(first: 20) { edges { node { id status createdAt participantCount assignedCount } } }
}
"""

START_ALLOCATION = """
mutation AcademyStartAllocation($input: StartAllocationInput!, $key: String) {
  startAllocation(input: $input, idempotencyKey: $key) {
    __typename
    ... on AllocationSummary { id }
    ... on AllocationRefused { message problems { message } }
  }
}
"""

CONFIRM_ALLOCATION = """
mutation AcademyConfirmAllocation($id: ID!) {
  confirmAllocation(id: $id) { __typename ... on AllocationRefused { message } }
}
"""

DISCARD_ALLOCATION = """
mutation AcademyDiscardAllocation($id: ID!) {
  discardAllocation(id: $id) { __typename ... on AllocationRefused { message } }
}
"""

ALLOCATION = """
query AcademyAllocation($id: ID!) {
  allocation(id: $id) {
    id status progress stage participantCount assignedCount error createdAt confirmedAt
    assignments {
      participantId startsAt mode score reasons { detail } facilitator { name } bookingId bookingError
    }
    unassigned { participantId reason excludedBy { rule facilitators } }
  }
}
"""
