/**
 * `berth explain` probes the ingress controller of the service's own edge profile, the one its
 * policies admit (the service's model, src/model/), not the environment's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { explainService } from '../../src/explain/explain';
import { resolveService } from '../../src/model/service-model';
import { ServiceSpec } from '../../src/spec/schema';
import { berth, environment, specInput, synthSpec, tempRepo } from '../helpers';

const traefikEnv = environment({ edgeProfile: 'traefik', ingressClassName: 'traefik' });
const nginxEdge = specInput({ edge: { hosts: ['demo.example.com'], profile: 'nginx' } });
const row = (text: string, source: string) => text.split('\n').find((l) => l.startsWith(`${source} `))?.split(/ +/).slice(1);

describe('explain and a service whose edge profile differs from the environment', () => {
  test('the ingress-controller probe is the controller of the service profile, and it is allowed in', () => {
    const objects = synthSpec(nginxEdge, traefikEnv);
    const model = resolveService(ServiceSpec.parse(nginxEdge), traefikEnv, 'staging');
    const { text, inbound } = explainService(objects, { env: traefikEnv, model });
    expect(text).toContain('  ingress-controller  pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx\n');
    expect(inbound.cells.filter((c) => c.source === 'ingress-controller').map((c) => c.allowed)).toEqual([true]);
    expect(row(text, 'ingress-controller')).toEqual(['allowed']);
  });

  test('without the model, the environment profile: the same policies deny the Traefik probe', () => {
    const objects = synthSpec(nginxEdge, traefikEnv);
    const { text } = explainService(objects, { env: traefikEnv });
    expect(text).toContain('  ingress-controller  pods app.kubernetes.io/name=traefik in namespace traefik\n');
    expect(row(text, 'ingress-controller')).toEqual(['denied']);
  });

  test('berth explain through the CLI: george with edge.profile nginx in staging (Traefik) shows ingress-nginx allowed', () => {
    const dir = tempRepo();
    const file = path.join(dir, 'charts/george/service.yaml');
    const spec = fs.readFileSync(file, 'utf8');
    expect(spec).toContain('\n  hosts: [george.example.com]\n');
    fs.writeFileSync(file, spec.replace('\n  hosts: [george.example.com]\n', '\n  hosts: [george.example.com]\n  profile: nginx\n'));
    const r = berth(dir, 'explain', 'george', '--env', 'staging');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  ingress-controller  pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx\n');
    // api and frontend are public; the six internal services are not.
    expect(r.stdout).toMatch(/\nfrom \\ to +api:5000 +auth:6001 +billing:6004 +chroma:6003 +external-data:6006 +filesystem:6002 +frontend:5173 +git:6005\n/);
    expect(row(r.stdout, 'ingress-controller')).toEqual(['allowed', 'denied', 'denied', 'denied', 'denied', 'denied', 'allowed', 'denied']);
  }, 60_000);
});
