/**
 * A prometheus-operator PrometheusRule (`monitoring.coreos.com/v1`): one group of alerting rules
 * for one service. The labels on the object are what the Prometheus resource's `ruleSelector`
 * matches (`release: kube-prometheus-stack` for the kube-prometheus-stack chart); an alert that
 * was deliberately left out is recorded in an annotation with its reason.
 */
import { SILENCED_ANNOTATION_PREFIX } from '../../util/annotations';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as prom from '../../../imports/monitoring.coreos.com';
import { kube } from '../resource';

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  /** The alert name, e.g. `BerthJobFailed`. */
  readonly alert: string;
  /** The PromQL expression: it fires for every series it returns. */
  readonly expr: string;
  /** @default - fires as soon as the expression returns a series */
  readonly for?: string;
  /** Labels of the alert (severity, routing). */
  readonly labels: Readonly<Record<string, string>>;
  /** Summary, description and runbook link. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** Props of {@link AlertRules}. */
export interface AlertRulesProps {
  /** The PrometheusRule's name. */
  readonly name: string;
  /** The rule group's name. */
  readonly groupName: string;
  /** Labels on the object: its own and what the Prometheus `ruleSelector` expects. */
  readonly labels: Readonly<Record<string, string>>;
  /** The alerting rules of the group. */
  readonly rules: readonly AlertRule[];
  /** Alerts left out on purpose, by name, with the reason (written as `silenced.berth.dev/<name>` annotations). @default - none */
  readonly silenced?: Readonly<Record<string, string>>;
}


/** A service's alerting rules. */
export class AlertRules extends Construct {
  readonly rule: ApiObject;

  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    if (props.rules.length === 0) throw new Error(`AlertRules ${props.name}: no rules; write no PrometheusRule instead of an empty one`);
    const silenced = Object.entries(props.silenced ?? {}).map(([alert, reason]) => [`${SILENCED_ANNOTATION_PREFIX}${alert}`, reason]);
    this.rule = kube<prom.PrometheusRuleProps>(this, 'Resource', prom.PrometheusRule, {
      metadata: { name: props.name, labels: { ...props.labels }, annotations: silenced.length ? Object.fromEntries(silenced) : undefined },
      spec: {
        groups: [
          {
            name: props.groupName,
            rules: props.rules.map((r) => ({
              alert: r.alert,
              expr: prom.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
              for: r.for,
              labels: { ...r.labels },
              annotations: { ...r.annotations },
            })),
          },
        ],
      },
    });
  }
}
