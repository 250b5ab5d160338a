/**
 * Checks a value against a Proxmox VE API `returns` schema (the subset PVE::JSONSchema uses for
 * answers): type, properties (required unless `optional`), additionalProperties 0, items, enum,
 * minimum/maximum. Returns the differences, empty when the value fits.
 */
export interface PveSchema {
  type?: string;
  properties?: Record<string, PveSchema & { optional?: number }>;
  additionalProperties?: number;
  items?: PveSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

export function pveSchemaErrors(schema: PveSchema, value: unknown, path = '$'): string[] {
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in the enum`);
  switch (type) {
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      const record = value as Record<string, unknown>;
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (!(key in record)) {
          if (!sub.optional) errors.push(`${path}.${key}: required but missing`);
          continue;
        }
        errors.push(...pveSchemaErrors(sub, record[key], `${path}.${key}`));
      }
      if (schema.additionalProperties === 0) {
        for (const key of Object.keys(record))
          if (!(key in (schema.properties ?? {}))) errors.push(`${path}.${key}: not in the schema`);
      }
      return errors;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return schema.items
        ? value.flatMap((item, i) => pveSchemaErrors(schema.items!, item, `${path}[${i}]`))
        : [];
    case 'integer':
    case 'number': {
      const numeric =
        typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
      if (!numeric) return [`${path}: ${JSON.stringify(value)} is not a ${type}`];
      if (type === 'integer' && !Number.isInteger(Number(value))) return [`${path}: not an integer`];
      if (schema.minimum !== undefined && Number(value) < schema.minimum)
        errors.push(`${path}: below the minimum`);
      if (schema.maximum !== undefined && Number(value) > schema.maximum)
        errors.push(`${path}: above the maximum`);
      return errors;
    }
    case 'boolean':
      return [true, false, 0, 1].includes(value as number) ? errors : [`${path}: not a boolean`];
    case 'string':
      return typeof value === 'string' ? errors : [`${path}: not a string`];
    case 'null':
      return value === null ? errors : [`${path}: not null`];
    default:
      return errors;
  }
}
