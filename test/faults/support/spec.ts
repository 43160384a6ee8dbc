// The operations the live app documents (its own /openapi.json, generated from the routes), so
// the fault tests cover every route, including routes added after these tests were written.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  $ref?: string;
  [other: string]: unknown;
};

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** Upper case, as sent. */
  method: string;
  /** OpenAPI template, e.g. /v1/cases/{id}/handover. */
  path: string;
  params: Parameter[];
  /** application/json request body schema, when the operation takes one. */
  body?: JsonSchema;
  responses: string[];
  /** Answers 401 without a valid token (the spec lists 401). */
  requiresAuth: boolean;
  /** A case command: answers the case (id, version) with an ETag; each 2xx appends events. */
  caseCommand: boolean;
  /** e.g. "POST /v1/cases/{id}/handover" */
  name: string;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema: JsonSchema }> };
        responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation in the document, with $refs into components resolved. */
export function operationsOf(spec: unknown): Operation[] {
  const doc = spec as OpenApi;
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema | undefined => {
    if (!schema || depth > 20) return schema;
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return resolve(doc.components?.schemas?.[name], depth + 1);
    }
    const out: JsonSchema = { ...schema };
    if (schema.properties)
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)!]));
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => resolve(s, depth + 1)!);
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!methods.includes(method)) continue;
      const responses = Object.keys(op.responses ?? {});
      const success = op.responses?.['200'] ?? op.responses?.['201'];
      const successSchema = resolve(success?.content?.['application/json']?.schema);
      const upper = method.toUpperCase();
      ops.push({
        method: upper,
        path,
        params: (op.parameters ?? []).map((p) => ({ ...p, required: p.required ?? p.in === 'path', schema: resolve(p.schema) ?? {} })),
        ...(op.requestBody?.content?.['application/json'] ? { body: resolve(op.requestBody.content['application/json'].schema) } : {}),
        responses,
        requiresAuth: responses.includes('401'),
        caseCommand:
          upper === 'POST' && Boolean(successSchema?.properties?.id && successSchema.properties.version && successSchema.properties.status),
        name: `${upper} ${path}`,
      });
    }
  }
  return ops;
}

/** Fills a path template; values are inserted as given (callers encode). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'missing');
}
