/**
 * The rules for names, images and ports, in one home: the spec schema (spec/schema.ts) builds its
 * zod types from these patterns and messages, and the constructs (which must not import spec/)
 * check their props with {@link dnsLabelProblem}, {@link imageRefProblem} and {@link portProblem},
 * so a TypeScript user and a YAML user are refused by the very same rule with the same words.
 */

/** A DNS-1123 label that also starts with a letter: usable as a Service, namespace or object name. */
export const DNS_LABEL_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** What a name that is not a DNS label is told. */
export const DNS_LABEL_MESSAGE = 'must be a DNS label: lower-case letters, digits and "-", starting with a letter';
/** The longest service or process name: object names are built from two of them and must fit in 63. */
export const DNS_LABEL_MAX_LENGTH = 40;
/** What a name longer than {@link DNS_LABEL_MAX_LENGTH} is told. */
export const DNS_LABEL_LENGTH_MESSAGE = `must be at most ${DNS_LABEL_MAX_LENGTH} characters (object names are built from it and must fit in 63)`;

/** An image with both a tag and a digest (`app:1.2@sha256:…`): which one runs is ambiguous. */
export const IMAGE_TAG_AND_DIGEST_PATTERN = /^[^@]*:[^/@]+@sha256:/;
/** What an image with both a tag and a digest is told. */
export const IMAGE_TAG_AND_DIGEST_MESSAGE = 'has both a tag and a digest: keep one (with Renovate, turn pinDigests off for charts/, as renovate.json does)';
/** An image reference with an explicit tag or digest. */
export const IMAGE_REF_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
/** What an image that is not a pinned reference is told. */
export const IMAGE_REF_MESSAGE = 'must be an image reference with a tag or digest, such as registry.example.com/app:1.4.2';
/** The `latest` tag: a sync would not be reproducible. */
export const IMAGE_LATEST_PATTERN = /:latest$/;
/** What an image tagged `latest` is told. */
export const IMAGE_LATEST_MESSAGE = 'must not use the "latest" tag: pin a version so a sync is reproducible';

/** The lowest TCP port. */
export const PORT_MIN = 1;
/** The highest TCP port. */
export const PORT_MAX = 65535;
/** What a port out of range (or not an integer) is told. */
export const PORT_MESSAGE = `must be between ${PORT_MIN} and ${PORT_MAX}`;

/** Why `name` is not a DNS label of at most {@link DNS_LABEL_MAX_LENGTH} characters; undefined when it is one. */
export function dnsLabelProblem(name: string): string | undefined {
  if (typeof name !== 'string') return DNS_LABEL_MESSAGE;
  if (name.length > DNS_LABEL_MAX_LENGTH) return DNS_LABEL_LENGTH_MESSAGE;
  return DNS_LABEL_PATTERN.test(name) ? undefined : DNS_LABEL_MESSAGE;
}

/**
 * Why `image` is not a pinned image reference; undefined when it is one. The checks run in the
 * schema's order.
 * @param opts.allowTagAndDigest accept `app:1.2@sha256:…` (Kubernetes runs the digest). A spec
 * refuses it, so Renovate does not rewrite both (renovate.json); berth's own job images carry both
 * so a reader sees the version. @default false
 */
export function imageRefProblem(image: string, opts: { readonly allowTagAndDigest?: boolean } = {}): string | undefined {
  if (typeof image !== 'string') return IMAGE_REF_MESSAGE;
  const both = IMAGE_TAG_AND_DIGEST_PATTERN.test(image);
  if (both && !opts.allowTagAndDigest) return IMAGE_TAG_AND_DIGEST_MESSAGE;
  // The tag of a tag-and-digest reference is informative only: the digest is what must be valid.
  if (!IMAGE_REF_PATTERN.test(both ? image.replace(/:[^/@:]+@sha256:/, '@sha256:') : image)) return IMAGE_REF_MESSAGE;
  return IMAGE_LATEST_PATTERN.test(image) ? IMAGE_LATEST_MESSAGE : undefined;
}

/** Why `port` is not a TCP port number; undefined when it is one. */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= PORT_MIN && port <= PORT_MAX ? undefined : PORT_MESSAGE;
}

/**
 * Throws a plain Error naming the construct (its `node.path`), the prop, the value received and
 * the rule, when `problem` is set: constructs call it in their constructor, so a bad prop fails
 * where it is written, not at synth.
 */
export function refuseProp(constructPath: string, prop: string, value: unknown, problem: string | undefined): void {
  if (problem === undefined) return;
  throw new Error(`${constructPath}: ${prop} ${JSON.stringify(value)} ${problem}`);
}
