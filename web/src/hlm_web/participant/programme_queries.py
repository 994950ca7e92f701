"""The gateway's operations behind the public register search and training courses, as the pages use them."""

SPECIALISMS = "query Specialisms { specialisms { key label } }"

PUBLIC_REGISTER = """
query PublicRegister(
  $region: String, $mode: SessionMode, $language: String, $specialism: String, $sessionKind: SessionKind,
  $first: Int!, $after: String
) {
  publicRegister(region: $region, mode: $mode, language: $language, specialism: $specialism,
                 sessionKind: $sessionKind, first: $first, after: $after) {
    edges { node { id name organisation region modes languages specialisms accreditationLevel sessionKinds } }
    pageInfo { hasNextPage endCursor }
  }
  specialisms { key label }
}
"""

REGISTER_LISTING_FIELDS = "isListed publishedFields sessionKinds isShown"

MY_REGISTER_LISTING = f"""
query MyRegisterListing {{
  myRegisterListing {{ {REGISTER_LISTING_FIELDS} }}
}}
"""

SET_MY_REGISTER_LISTING = f"""
mutation SetMyRegisterListing($input: RegisterListingInput!) {{
  setMyRegisterListing(input: $input) {{
    __typename
    ... on RegisterListing {{ {REGISTER_LISTING_FIELDS} }}
    ... on RegisterListingRefused {{ message problems {{ location message }} }}
  }}
}}
"""

COURSE_FIELDS = "id kind title region startsOn endsOn mode place capacity trainerId trainerName placesTaken waiting"
ENROLMENT_FIELDS = "id courseId name organisation status waitingPosition"

FACILITATOR_COURSES = f"""
query FacilitatorCourses($first: Int!, $after: String) {{
  courses(first: $first, after: $after) {{
    edges {{ node {{ {COURSE_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
  myEnrolments {{ {ENROLMENT_FIELDS} }}
}}
"""

ACADEMY_COURSES = f"""
query AcademyCourses($first: Int!, $after: String) {{
  courses(first: $first, after: $after) {{
    edges {{ node {{ {COURSE_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

COURSE = f"""
query AcademyCourse($id: ID!) {{
  course(id: $id) {{ {COURSE_FIELDS} enrolments {{ {ENROLMENT_FIELDS} email }} }}
}}
"""

TRAINERS = """
query Trainers($after: String) {
  facilitators(first: 100, after: $after, status: ACTIVE) {
    edges { node { id name accreditation { level isCurrent } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CREATE_COURSE = f"""
mutation ScheduleCourse($input: CourseInput!) {{
  createCourse(input: $input) {{
    __typename
    ... on Course {{ {COURSE_FIELDS} }}
    ... on TrainingRefused {{ message code problems {{ location message }} }}
  }}
}}
"""

ENROL = f"""
mutation EnrolMyself($courseId: ID!) {{
  enrol(courseId: $courseId) {{
    __typename
    ... on Enrolment {{ {ENROLMENT_FIELDS} }}
    ... on NotEligible {{ message reasons {{ message }} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""

WITHDRAW = f"""
mutation Withdraw($enrolmentId: ID!) {{
  withdraw(enrolmentId: $enrolmentId) {{
    __typename
    ... on Withdrawal {{ withdrawn {{ {ENROLMENT_FIELDS} }} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""

MY_FACILITATOR_ID = "query MyFacilitatorId { myFacilitatorProfile { id } }"

TRAINER_ENROLMENT_FIELDS = f"{ENROLMENT_FIELDS} email attended completedAt"

TRAINER_COURSE = f"""
query TrainerCourse($id: ID!) {{
  course(id: $id) {{ {COURSE_FIELDS} enrolments {{ {TRAINER_ENROLMENT_FIELDS} }} }}
}}
"""

RECORD_ATTENDANCE = f"""
mutation RecordAttendance($enrolmentId: ID!, $attended: Boolean!) {{
  recordAttendance(enrolmentId: $enrolmentId, attended: $attended) {{
    __typename
    ... on Enrolment {{ {TRAINER_ENROLMENT_FIELDS} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""

COMPLETE_COURSE = f"""
mutation CompleteCourse($enrolmentId: ID!) {{
  completeCourse(enrolmentId: $enrolmentId) {{
    __typename
    ... on CourseCompleted {{ enrolment {{ {TRAINER_ENROLMENT_FIELDS} }} accreditation {{ level expiresOn }} }}
    ... on CompletionRefused {{ message reasons {{ type message }} }}
    ... on TrainingRefused {{ message code }}
  }}
}}
"""

RECORD_ASSESSMENT = """
mutation RecordAssessment($input: AssessmentResultInput!) {
  recordAssessment(input: $input) {
    __typename
    ... on TrainingAssessment { name score passMark isPassed assessedOn }
    ... on TrainingRefused { message code problems { location message } }
  }
}
"""

ASSESSMENTS = """
query TrainingAssessments($email: String!, $after: String) {
  trainingAssessments(email: $email, first: 100, after: $after) {
    edges { node { score passMark isPassed } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Asked before the import form is shown: the region's results are for its academy administrators alone, so
# anyone else gets the gateway's FORBIDDEN, as on the other administrator pages.
ADMINISTERS_ASSESSMENTS = "query AdministersAssessments { trainingAssessments(first: 1) { pageInfo { hasNextPage } } }"

IMPORT_ASSESSMENTS = """
mutation ImportAssessments($csv: String!) {
  importAssessments(csv: $csv) {
    __typename
    ... on AssessmentsImported { recorded alreadyRecorded }
    ... on TrainingRefused { message code problems { location message } }
  }
}
"""

EXPRESS_INTEREST = """
mutation ExpressInterest($statement: String) {
  expressInterest(statement: $statement) {
    __typename
    ... on TrainerInterest { id deliveredSessions }
    ... on NotEligible { message reasons { type message } }
    ... on TrainingRefused { message code }
  }
}
"""
