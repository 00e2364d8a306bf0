/**
 * src/util/sync-waves.ts: an object's sync wave is its own kind's, named by the kind, so no
 * construct stamps another kind's wave (a Certificate the Ingress's, a SealedSecret the
 * ExternalSecret's) that would go stale when one of them moves.
 */
import { SYNC_WAVES, syncWaveAnnotation } from '../../src/util/sync-waves';

describe('syncWaveAnnotation', () => {
  test('gives the wave of the kind it is asked for', () => {
    expect(syncWaveAnnotation('Certificate')).toEqual({ 'argocd.argoproj.io/sync-wave': String(SYNC_WAVES.Certificate) });
    expect(syncWaveAnnotation('SealedSecret')).toEqual({ 'argocd.argoproj.io/sync-wave': String(SYNC_WAVES.SealedSecret) });
    expect(syncWaveAnnotation('Middleware')).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
  });

  test('a construct prop moves one object without changing its kind', () => {
    expect(syncWaveAnnotation('ExternalSecret', -5)).toEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
  });
});
