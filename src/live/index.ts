export { reduce, makePairs, pairsForRound, shuffleSeating, mayAct, majority, tally, position, summarise, LiveError, type LiveState, type LiveEvent, type LiveMode, type Pair, type LiveSummary, type LiveAction } from './session';
export { liveView, youFor, AGENT_CHECKLIST, type LiveView } from './view';
export { parseRubric, rubricSchema, rubricScoreSchema, aggregateRubric, rubricToPercent, observationKey, replacesObservation, type Rubric, type RubricScore, type RubricAverage } from './rubric';
