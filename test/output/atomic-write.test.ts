import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../temp-dir';
import { readTree, recoverInterruptedSwap, replaceTreeAtomically } from '../../src/output/atomic-write';

const tmp = () => tempDir('berth-atomic-');

describe('replaceTreeAtomically', () => {
  test('creates the folder with exactly the given files', () => {
    const dir = path.join(tmp(), 'dist');
    expect(replaceTreeAtomically(dir, new Map([['a/x.yaml', 'x'], ['b.yaml', 'b']]))).toBe(true);
    expect(readTree(dir)).toEqual(new Map([['a/x.yaml', 'x'], ['b.yaml', 'b']]));
  });

  test('removes files that are no longer produced and leaves no staging folders', () => {
    const root = tmp();
    const dir = path.join(root, 'dist');
    replaceTreeAtomically(dir, new Map([['old/x.yaml', 'x'], ['keep.yaml', 'k']]));
    replaceTreeAtomically(dir, new Map([['keep.yaml', 'k2']]));
    expect(readTree(dir)).toEqual(new Map([['keep.yaml', 'k2']]));
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('touches nothing when the content is already identical', () => {
    const dir = path.join(tmp(), 'dist');
    replaceTreeAtomically(dir, new Map([['a.yaml', 'a']]));
    const inode = fs.statSync(path.join(dir, 'a.yaml')).ino;
    expect(replaceTreeAtomically(dir, new Map([['a.yaml', 'a']]))).toBe(false);
    expect(fs.statSync(path.join(dir, 'a.yaml')).ino).toBe(inode);
  });

  test('restores the previous tree when a swap was interrupted between its two renames', () => {
    const root = tmp();
    const dir = path.join(root, 'dist');
    replaceTreeAtomically(dir, new Map([['a.yaml', 'a']]));
    fs.renameSync(dir, `${dir}.berth-old`);
    fs.mkdirSync(`${dir}.berth-new`);
    fs.writeFileSync(`${dir}.berth-new/half.yaml`, 'half');
    recoverInterruptedSwap(dir);
    expect(readTree(dir)).toEqual(new Map([['a.yaml', 'a']]));
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });
});
