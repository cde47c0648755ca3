export { certState, factsOf, bestExam, bestPerScenario, type PersonFacts, type CertState } from './facts';
export { computeDashboard, dashboardTally, applyFilters, inScope, peoplePage, selectPeople, hasStatus, personOverdue, PEOPLE_STATUSES, type PeopleStatus, type PeopleSelection, EXPIRING_DAYS, expiresSoon, type Dashboard, type HrFilters, type PeopleSort } from './dashboard';
export { toCsv, csvCell } from './csv';
export { statementsFor, statementId, iris, VERBS, type Statement, type XapiInput } from './xapi';
