/**
 * What a construct refuses (a case the spec checks did not foresee) is still a spec problem:
 * reported against the service's base spec, once, with the environments it happened in.
 */
import { buildOutput } from '../../src/app';
import { formatProblems, SpecError } from '../../src/spec/errors';
import { loadProject } from '../../src/spec/load';
import { Dependency } from '../../src/spec/schema';

const CONFIG = { path: 'berth.yaml', text: 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n  prod: { production: true }\n' };
const BASE = `name: demo
image: registry.example.com/demo:1.0.0
web:
  api:
    port: 8000
    health: { liveness: /health }
  to-db:
    port: 8001
    public: false
    allowFrom: [api]
    health: { liveness: /health }
`;

test('a construct error names the base spec and every environment once, even when overlays exist', () => {
  const project = loadProject(CONFIG, [
    { path: 'charts/demo/service.yaml', text: BASE },
    { path: 'charts/demo/prod.yaml', text: 'web: { api: { replicas: 3 } }\n' },
    { path: 'charts/demo/staging.yaml', text: 'web: { api: { replicas: 1 } }\n' },
  ]);
  expect(project.units.map((u) => u.files)).toEqual([
    ['charts/demo/service.yaml', 'charts/demo/prod.yaml'],
    ['charts/demo/service.yaml', 'charts/demo/staging.yaml'],
  ]);
  // Past the spec checks: a dependency whose egress policy takes the name of to-db's ingress policy.
  for (const u of project.units) (u.spec.dependencies as Record<string, Dependency>)['db-ingress'] = Dependency.parse({ port: 5432, cidr: '10.0.0.5/32' });

  let error: unknown;
  try {
    buildOutput(project);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  expect(formatProblems((error as SpecError).problems)).toBe(
    'charts/demo/service.yaml\n  ✖ prod, staging: NetworkPolicy name "demo-to-db-ingress" would be written twice (a process and an egress destination share a name); rename one of them',
  );
});
