// The hook refuses an environment it was not written for: the error is told at this file and line.
import type { Chart } from 'cdk8s';
import type { HookContext } from 'berth';

function replicasOf(ctx: HookContext): number {
  const replicas = ctx.spec.web.api?.replicas;
  if (ctx.env === 'prod' && replicas !== undefined && replicas < 5) throw new Error(`ledger needs 5 API replicas in prod, the spec sets ${replicas}`);
  return replicas ?? 1;
}

export default function (_chart: Chart, ctx: HookContext): void {
  replicasOf(ctx);
}
