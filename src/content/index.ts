export { checkContent, type ContentFiles, type ContentSummary } from './check';
export { ContentError, formatProblem, type ContentProblem } from './problems';
