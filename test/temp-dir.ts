/**
 * Temporary folders for tests, removed when the test file ends (its own module, so a test that
 * needs only a folder does not load the constructs through helpers.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];
// Hooks must be declared when the file loads, not inside a test.
if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of made.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}-outside`, { recursive: true, force: true });
    }
  });
}

/** An empty folder under the OS temp dir, removed (with a sibling `<dir>-outside`) after the test file. */
export function tempDir(prefix = 'berth-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
