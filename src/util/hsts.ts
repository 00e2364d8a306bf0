/**
 * Strict-Transport-Security, as berth's edge writes it. One home for its default: the spec's
 * `edge.hstsMaxAgeSeconds` and the Traefik and Gateway constructs (which send the header
 * themselves) all default to it.
 */

/** HSTS `max-age` when none is set: a year, the minimum the HSTS preload list accepts. */
export const DEFAULT_HSTS_MAX_AGE_SECONDS = 31536000;
