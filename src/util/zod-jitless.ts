/**
 * zod without its JIT, for the CLI. The first time zod parses with an object schema it compiles a
 * parser for it with `new Function`. A berth run parses a handful of documents, and code made by
 * `new Function` is compiled afresh by every process (it is not in the V8 code cache that keeps the
 * rest of the CLI precompiled), so compiling costs more than it saves: about 20 ms of a 0.5 s
 * synth. Without the JIT zod runs the same checks through its generic parsers.
 *
 * zod reads the setting when a schema is made, so src/cli.ts imports this module before anything
 * that defines schemas. Library use (the tests, the benchmark) keeps zod's default.
 */
import { z } from 'zod';

z.config({ jitless: true });
