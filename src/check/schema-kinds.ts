/**
 * The kinds berth writes, each mapped to the `kubernetes-models` class that carries its schema.
 *
 * Classes are loaded with `require` on first use, so a run that writes no Gateway API objects
 * never loads (or compiles) the Gateway API schemas. The packages are the CommonJS lines
 * (kubernetes-models 4.x and its matching `@kubernetes-models/*` majors): the newer lines are
 * ESM-only and cannot be loaded by jest in CommonJS mode.
 */

import type { KindKey } from '../util/kinds';
import type { ExtraFields, FieldSchema } from './schema-strict';

/** A model class: its prototype's `validate()` checks `this` and throws errors carrying `errors`. */
export interface ModelClass {
  readonly prototype: { validate(): void };
}

/** How to validate one apiVersion/kind. */
export interface KindModel {
  /** Loads the model class. */
  readonly load: () => ModelClass;
  /**
   * The apiVersion the model's schema pins, when the package has no model for the version berth
   * writes but one whose schema is the same for the fields berth uses.
   * @default - the object's own apiVersion
   */
  readonly schemaApiVersion?: string;
  /**
   * Fields the CRD version berth targets has and the model lacks.
   * @default - none
   */
  readonly extraFields?: ExtraFields;
}

const integer: FieldSchema = { type: 'integer' };
const strings: FieldSchema = { type: 'array', items: { type: 'string' } };

/* eslint-disable @typescript-eslint/no-require-imports */
/** Every apiVersion/kind berth may write (util/kinds.ts, one model each), keyed `apiVersion/kind` (`apps/v1/Deployment`). */
export const KIND_MODELS: Readonly<Record<KindKey, KindModel>> = {
  'v1/Namespace': { load: () => require('kubernetes-models/v1/Namespace').Namespace },
  'v1/ServiceAccount': { load: () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount },
  'rbac.authorization.k8s.io/v1/Role': { load: () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    load: () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding,
  },
  'v1/ConfigMap': { load: () => require('kubernetes-models/v1/ConfigMap').ConfigMap },
  'v1/Secret': { load: () => require('kubernetes-models/v1/Secret').Secret },
  'v1/PersistentVolumeClaim': {
    load: () => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim,
  },
  'v1/Service': { load: () => require('kubernetes-models/v1/Service').Service },
  'apps/v1/Deployment': { load: () => require('kubernetes-models/apps/v1/Deployment').Deployment },
  'v1/Pod': { load: () => require('kubernetes-models/v1/Pod').Pod },
  'batch/v1/Job': { load: () => require('kubernetes-models/batch/v1/Job').Job },
  'batch/v1/CronJob': { load: () => require('kubernetes-models/batch/v1/CronJob').CronJob },
  'policy/v1/PodDisruptionBudget': {
    load: () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    load: () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    load: () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  },
  'networking.k8s.io/v1/Ingress': {
    load: () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  },
  'cert-manager.io/v1/Certificate': {
    load: () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate').Certificate,
  },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    load: () =>
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
  },
  'monitoring.coreos.com/v1/PodMonitor': {
    load: () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor').PodMonitor,
  },
  'monitoring.coreos.com/v1/PrometheusRule': {
    load: () =>
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
    // prometheus-operator 0.93 (the CRD berth targets) has these; the CommonJS model predates them.
    extraFields: {
      'spec.groups[]': { labels: { type: 'object', values: { type: 'string' } }, query_offset: { type: 'string' } },
      'spec.groups[].rules[]': { keep_firing_for: { type: 'string' } },
    },
  },
  // The CommonJS line of @kubernetes-models/external-secrets stops at v1beta1. v1 is the same
  // ExternalSecret promoted (external-secrets 0.16); the fields it adds (refreshPolicy,
  // target.manifest, dataFrom[].rewrite[].merge/transform, ...) are not ones berth writes, and
  // an object using them is reported as an unknown field rather than accepted.
  'external-secrets.io/v1/ExternalSecret': {
    load: () =>
      require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret').ExternalSecret,
    schemaApiVersion: 'external-secrets.io/v1beta1',
  },
  'bitnami.com/v1alpha1/SealedSecret': {
    load: () => require('@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret').SealedSecret,
    // sealed-secrets 0.16+: templated keys rendered by the controller (berth's .env delivery).
    extraFields: { 'spec.template': { data: { type: 'object', values: { type: 'string' } } } },
  },
  'argoproj.io/v1alpha1/Application': {
    load: () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application,
    // Argo CD 3: automated sync can be switched off without removing its settings.
    extraFields: { 'spec.syncPolicy.automated': { enabled: { type: 'boolean' } } },
  },
  'argoproj.io/v1alpha1/AppProject': {
    load: () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject').AppProject,
    // Argo CD 3 (the CRD in cdk8s.yaml): a project has a description, and a cluster-scoped
    // allowlist entry can name the objects it allows.
    extraFields: {
      spec: { description: { type: 'string' } },
      'spec.clusterResourceWhitelist[]': { name: { type: 'string' } },
      'spec.clusterResourceBlacklist[]': { name: { type: 'string' } },
    },
  },
  'gateway.networking.k8s.io/v1/HTTPRoute': {
    load: () => require('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute').HTTPRoute,
  },
  'traefik.io/v1alpha1/Middleware': {
    load: () => require('@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware').Middleware,
    // Traefik 3 renamed ipWhiteList (deprecated) to ipAllowList; the CommonJS model predates it.
    extraFields: {
      spec: {
        ipAllowList: {
          type: 'object',
          properties: {
            sourceRange: strings,
            ipStrategy: {
              type: 'object',
              properties: { depth: { type: 'integer', minimum: 0 }, excludedIPs: strings, ipv6Subnet: integer },
            },
            rejectStatusCode: integer,
          },
        },
      },
    },
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */
