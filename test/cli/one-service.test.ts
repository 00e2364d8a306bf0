/**
 * Commands about one service read one service: `berth explain` and `berth alerts` load berth.yaml
 * and that service's own files, so their cost does not grow with the repository (issue 20).
 */
import * as fs from 'fs';
import * as path from 'path';
import { berthInProcess, tempRepo } from '../helpers';

/** A copy of the repo with one more service whose spec does not even parse. */
function repoWithABrokenNeighbour(): string {
  const repo = tempRepo();
  fs.mkdirSync(path.join(repo, 'charts/zz-broken'));
  fs.writeFileSync(path.join(repo, 'charts/zz-broken/service.yaml'), 'name: zz-broken\nweb: [unclosed\n');
  return repo;
}

describe('commands about one service', () => {
  const repo = repoWithABrokenNeighbour();

  test('explain reads only the service it explains: a broken neighbour does not stop it', async () => {
    const r = await berthInProcess(repo, 'explain', 'rag', '--env', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Who can connect to the pods of rag/m);
  });

  test('alerts reads only the service it lists', async () => {
    const r = await berthInProcess(repo, 'alerts', 'rag', '--env', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Alerts of rag in prod: /);
  });

  test('a service without a folder of its name is looked for in the whole repo, whose problems are then reported', async () => {
    const r = await berthInProcess(repo, 'explain', 'nope', '--env', 'prod');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth: 1 problem found; dist\/ was not changed\.\n\ncharts\/zz-broken\/service\.yaml\n  ✖ YAML syntax error/);
  });

  test('synth still reads every service', async () => {
    const r = await berthInProcess(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('charts/zz-broken/service.yaml\n  ✖ YAML syntax error');
  });
});
