/**
 * What makes a path in a container acceptable to berth: absolute, and with no "." or ".."
 * segment (Kubernetes resolves none, and a mount must say where it goes). The constructs refuse
 * other paths; validation (spec/semantics.ts) refuses them first, at the spec field.
 */

/** Does a path have a "." or ".." segment? */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((seg) => seg === '.' || seg === '..');
}

/**
 * An absolute path with at least one segment, none empty, "." or "..", and no trailing "/": a
 * directory to mount at, or a file to mount (never "/" itself).
 */
export const CLEAN_ABSOLUTE_PATH = /^(\/(?!\.\.?(\/|$))[^/\0]+)+$/;
