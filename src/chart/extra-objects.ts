/**
 * The extra-objects stage of a unit's synth (app.ts): berth's objects → extra objects → the
 * TypeScript hook → patches → checks. Each object of `extra/` joins the service's output in its
 * namespace, with its labels; app.ts then gives it its kind's sync wave and apply order like
 * berth's own objects.
 */
import { serviceLabels } from '../constructs/workloads/labels';
import { objectRef } from '../check/types';
import { Problem, SpecError } from '../spec/errors';
import { ExtraObject } from '../spec/extra-objects';
import type { ServiceModel } from '../model/service-model';

/** A copy with every object's keys sorted, as berth renders its own objects (a stable, readable diff). */
export function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])])) as T;
}

/** `Kind name` of an object, as errors list them. */
export const kindAndName = (o: Record<string, any>) => `${o.kind} ${o.metadata?.name}`;

/**
 * Adds a unit's extra objects (copies) to its rendered objects, in `namespace` with the
 * service's labels over their own, and returns each by its object reference (check/types.ts
 * `objectRef`), where app.ts tells the findings on it. An extra object with the kind and name of
 * one berth writes is refused: one would replace the other in the cluster.
 */
export function addExtraObjects(
  objects: Array<Record<string, any>>,
  extras: readonly ExtraObject[],
  service: string,
  namespace: string,
  metadata: ServiceModel['metadata'] = { labels: {}, annotations: {} },
): Map<string, ExtraObject> {
  const byRef = new Map<string, ExtraObject>();
  const problems: Problem[] = [];
  const own = new Set(objects.map(kindAndName));
  for (const x of extras) {
    const object = sortedKeys(x.object) as Record<string, any>;
    if (own.has(kindAndName(object))) {
      problems.push({
        file: x.file,
        path: 'metadata.name',
        line: x.lineOf(['metadata', 'name']),
        message: `Document ${x.index + 1} is ${kindAndName(object)}, which berth already writes for the service`,
        fix: 'give the extra object another name, or change berth\'s object with a patch (patches: in the spec) instead',
      });
      continue;
    }
    // The spec's labels and annotations for every object of the service (issue 21 item 3) go on
    // these too, under the object's own; berth's service labels win over both.
    const annotations = { ...metadata.annotations, ...object.metadata.annotations };
    object.metadata = sortedKeys({
      ...object.metadata,
      namespace,
      labels: { ...metadata.labels, ...object.metadata.labels, ...serviceLabels(service) },
      ...(Object.keys(annotations).length > 0 && { annotations }),
    });
    objects.push(object);
    byRef.set(objectRef(object), x);
  }
  if (problems.length) throw new SpecError(problems);
  return byRef;
}
