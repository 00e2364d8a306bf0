/**
 * Notes: what an importer could not carry over, or a decision a person should check. A note names
 * its input file and line when known, and never quotes a value that could be a secret.
 */

/** One finding of an importer or of `berth new` itself. */
export interface Note {
  /** The input file, as the user named it on the command line. */
  readonly file?: string;
  /** 1-based line in that file, when the parser knows it. */
  readonly line?: number;
  readonly message: string;
}

/** `file:line: message`, `file: message` or just the message. */
export function formatNote(note: Note): string {
  if (!note.file) return note.message;
  return `${note.file}${note.line ? `:${note.line}` : ''}: ${note.message}`;
}

/** Collects notes for one input file. */
export class NoteList {
  readonly notes: Note[] = [];

  constructor(readonly file?: string) {}

  /** Adds a note at a line of this file (or the whole file when line is undefined). */
  add(line: number | undefined, message: string): void {
    this.notes.push({ file: this.file, line, message });
  }
}
