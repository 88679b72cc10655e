// Finds values-file keys without a comment, so every setting of the chart stays documented where it is set.
import { isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';

// Free-form maps whose keys are the user's data (annotation names, env names, API objects, file names), not settings.
const FREE_FORM = new Set(['annotations', 'podAnnotations', 'podLabels', 'commonLabels', 'labels', 'extraEnv', 'nodeSelector', 'affinity', 'behavior', 'manifests', 'resourceAttributes']);

/** Dotted paths of the keys that have no comment line right above them. */
export function undocumentedValues(text: string): string[] {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`values file does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
  const missing: string[] = [];
  const walk = (map: YAMLMap, prefix: string) => {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      // The yaml parser files the comment above a map's first key on the map (or the document), not the key.
      const first = pair === map.items[0];
      const comments = [isScalar(pair.key) ? pair.key.commentBefore : undefined, first ? map.commentBefore : undefined, first && map === doc.contents ? doc.commentBefore : undefined];
      if (!comments.some((comment) => comment?.trim())) missing.push(prefix + key);
      if (isMap(pair.value) && !FREE_FORM.has(key)) walk(pair.value, `${prefix}${key}.`);
    }
  };
  if (isMap(doc.contents)) walk(doc.contents, '');
  return missing;
}
