export { rankByScore, decileBounds } from './ranking.js';
export { confusion, precisionRecallF1, bestF1, logLoss, brier, LOG_LOSS_EPS, type Confusion } from './classification.js';
export { averagePrecision, rocCurve, prCurve } from './curves.js';
export { gainsTable, calibrationTable, type GainsRow, type CalibrationRow } from './gains.js';
export { profitTable, type ProfitTable, type ProfitCut } from './profit.js';
export { scoreSummary, formatSummary, type ScoreSummary, type SummaryOptions } from './summary.js';
export { permutationImportance, formatImportance, type Importance, type ImportanceOptions } from './importance.js';
