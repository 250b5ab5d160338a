import { readFileSync } from 'node:fs';

/**
 * Checks a value against an OpenAPI 3.0 schema object (the part vendors use for JSON answers):
 * type with `nullable`, properties and `required`, `additionalProperties: false`, items, enum,
 * allOf / oneOf / anyOf. References are already inlined in the committed subsets. Returns the
 * differences, empty when the value fits.
 */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  nullable?: boolean;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: boolean | OpenApiSchema;
  items?: OpenApiSchema;
  enum?: unknown[];
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
}

/** The committed subset of a vendor's OpenAPI document: per path and method, bodies by status. */
export interface OpenApiSubset {
  openapi: string;
  version: string;
  paths: Record<
    string,
    Record<string, { requestBody?: OpenApiSchema; responses: Record<string, OpenApiSchema> }>
  >;
}

export function openApiErrors(schema: OpenApiSchema, value: unknown, path = '$'): string[] {
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${path}: null`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in the enum`);
  for (const part of schema.allOf ?? []) errors.push(...openApiErrors(part, value, path));
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) {
    const fits = choices.filter((choice) => openApiErrors(choice, value, path).length === 0);
    if (fits.length === 0) errors.push(`${path}: fits none of the ${choices.length} alternatives`);
  }
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'object':
      return [...errors, ...objectErrors(schema, value, path)];
    case 'array':
      if (!Array.isArray(value)) return [...errors, `${path}: not an array`];
      return schema.items
        ? [...errors, ...value.flatMap((item, i) => openApiErrors(schema.items!, item, `${path}[${i}]`))]
        : errors;
    case 'integer':
      return Number.isInteger(value)
        ? errors
        : [...errors, `${path}: ${JSON.stringify(value)} is not an integer`];
    case 'number':
      return typeof value === 'number'
        ? errors
        : [...errors, `${path}: ${JSON.stringify(value)} is not a number`];
    case 'boolean':
    case 'string':
      return typeof value === type ? errors : [...errors, `${path}: not a ${type}`];
    default:
      return errors;
  }
}

function objectErrors(schema: OpenApiSchema, value: unknown, path: string): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  const record = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  const errors = (schema.required ?? [])
    .filter((key) => !(key in record))
    .map((key) => `${path}.${key}: required but missing`);
  for (const [key, item] of Object.entries(record)) {
    const sub = properties[key];
    if (sub) errors.push(...openApiErrors(sub, item, `${path}.${key}`));
    else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not in the schema`);
    else if (typeof schema.additionalProperties === 'object')
      errors.push(...openApiErrors(schema.additionalProperties, item, `${path}.${key}`));
  }
  return errors;
}

/** The schema of one answer (or of the request body with status 'request'). */
export function operationSchema(
  subset: OpenApiSubset,
  call: { method: string; path: string; status: string },
): OpenApiSchema {
  const operation = subset.paths[call.path]?.[call.method];
  if (!operation) throw new Error(`${call.method} ${call.path} is not in the committed subset`);
  const schema =
    call.status === 'request'
      ? operation.requestBody
      : (operation.responses[call.status] ?? operation.responses.default);
  if (!schema) throw new Error(`${call.method} ${call.path} has no schema for ${call.status}`);
  return schema;
}

/**
 * A vendor document loaded from a provider folder, with the known differences between it and what the
 * vendor really answers: each named with its reason; `unmet()` lists those no check ran into, so the
 * list cannot outlive the drift it explains. `trimmed` names nested objects the fixtures carry only in
 * part: a field the document requires there may be missing, a field present must still fit.
 */
export function vendorDocument(
  url: URL,
  known: { drift: Record<string, string>; trimmed?: string[] },
): {
  schemaOf: (method: string, path: string, status?: string) => OpenApiSchema;
  unexplained: (schema: OpenApiSchema, value: unknown) => string[];
  unmet: () => string[];
} {
  const spec = JSON.parse(readFileSync(url, 'utf8')) as OpenApiSubset;
  const seen = new Set<string>();
  return {
    schemaOf: (method, path, status = '200') => operationSchema(spec, { method, path, status }),
    unexplained: (schema, value) =>
      openApiErrors(schema, value).filter((error) => {
        const plain = error.replace(/\[\d+\]/g, '');
        const inTrimmed = (known.trimmed ?? []).some((o) => plain.includes(`.${o}.`));
        if (inTrimmed && plain.endsWith('required but missing')) return false;
        const drift = Object.keys(known.drift).find((d) => plain.endsWith(`.${d}`));
        if (drift) seen.add(drift);
        return !drift;
      }),
    unmet: () => Object.keys(known.drift).filter((d) => !seen.has(d)),
  };
}
