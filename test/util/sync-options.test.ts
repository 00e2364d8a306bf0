/**
 * The one composer of Argo CD's sync-options annotation (src/util/sync-options.ts): options from
 * two places merge instead of overwriting each other.
 */
import { DELETE_FALSE, KEEP_IN_CLUSTER, parseSyncOptions, PRUNE_FALSE, SKIP_DRY_RUN_ON_MISSING_RESOURCE, syncOptionsAnnotation, withSyncOptions } from '../../src/util/sync-options';
import { applySyncOrder } from '../../src/chart/sync-waves';

describe('withSyncOptions', () => {
  test('starts a value, and adds to one without repeating an option', () => {
    expect(withSyncOptions(undefined, KEEP_IN_CLUSTER)).toBe('Prune=false,Delete=false');
    expect(withSyncOptions('Prune=false', KEEP_IN_CLUSTER)).toBe('Prune=false,Delete=false');
    expect(withSyncOptions(' Prune=false , Delete=false ', [SKIP_DRY_RUN_ON_MISSING_RESOURCE])).toBe('Prune=false,Delete=false,SkipDryRunOnMissingResource=true');
  });

  test('an option already set keeps its value', () => {
    expect(withSyncOptions('Prune=confirm', KEEP_IN_CLUSTER)).toBe('Prune=confirm,Delete=false');
  });

  test('syncOptionsAnnotation names the annotation Argo CD reads', () => {
    expect(syncOptionsAnnotation(KEEP_IN_CLUSTER)).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });
});

describe('applySyncOrder', () => {
  test('adds SkipDryRunOnMissingResource to a CRD-backed object without dropping the options it has', () => {
    const o = { apiVersion: 'example.com/v1', kind: 'Claim', metadata: { name: 'x', annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } } };
    applySyncOrder([o]);
    expect(o.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false,SkipDryRunOnMissingResource=true');
  });
});

describe('parseSyncOptions', () => {
  test('reads the options of a value as Argo CD does: trimmed, in order, empty entries dropped', () => {
    expect(parseSyncOptions(' Prune=false , ,Delete=false ')).toEqual([PRUNE_FALSE, DELETE_FALSE]);
    expect(parseSyncOptions(undefined)).toEqual([]);
    expect(parseSyncOptions('')).toEqual([]);
    expect(KEEP_IN_CLUSTER).toEqual(['Prune=false', 'Delete=false']);
  });
});
