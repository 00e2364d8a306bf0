/**
 * A hook's type errors are tsc's to report (docs/hooks.md): a hook anywhere, type-checked with the
 * project's tsconfig, gets the error of a wrong use of berth's HookContext, which it imports as
 * 'berth'. A program over the whole public API costs seconds of CPU, so it runs with the other tests
 * of real tools; test/hook/hook.test.ts checks what decides it (the files included, the name resolved).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { HOOK_FILE } from '../../src/main';
import { REPO, tempDir } from '../helpers';

test("tsc reports a hook's type error against berth's HookContext, at the hook's line", () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  // Type-checked with the project's options alone (not the whole project: a third of the time).
  const file = path.join(tempDir(), 'charts/payments', HOOK_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "import type { HookContext } from 'berth';\n\nexport default function (_chart: unknown, ctx: HookContext): void {\n  const replicas: number = ctx.namespace;\n  void replicas;\n}\n");
  const program = ts.createProgram([file], { ...config.options, incremental: false, tsBuildInfoFile: undefined });
  const found = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => `line ${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(found).toEqual(["line 4: Type 'string' is not assignable to type 'number'."]);
}, 30_000);
