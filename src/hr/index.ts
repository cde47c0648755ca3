export { certState, factsOf, bestExam, bestPerScenario, type PersonFacts, type CertState } from './facts';
export { computeDashboard, dashboardTally, applyFilters, peoplePage, EXPIRING_DAYS, expiresSoon, personOverdue, type Dashboard, type HrFilters, type PeopleSort } from './dashboard';
export { toCsv, csvCell } from './csv';
export { statementsFor, statementId, iris, VERBS, type Statement, type XapiInput } from './xapi';
