/**
 * berth's public entry module: what a per-service hook (charts/<service>/chart.ts) and other
 * TypeScript imports from 'berth'. Minimal here (the hook's types and the chart it receives);
 * the public construct API of issue 22 extends it.
 */
export { ServiceChart } from './chart/service-chart';
export type { ServiceChartProps } from './chart/service-chart';
export type { HookContext, ServiceHook } from './hook/hook';
