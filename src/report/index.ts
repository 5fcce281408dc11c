export { renderReport, type ReportInput } from './report.js';
export { lineChart, barChart, thin, esc, type Series, type LineChartSpec, type BarChartSpec } from './svg.js';
