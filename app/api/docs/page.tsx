import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { createApiDocument, PROBLEM_CODES } from "@/lib/consent-api/openapi-document";

export const metadata: Metadata = { title: "API reference" };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  security?: Array<Record<string, string[]>>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The API reference, rendered on the server from the OpenAPI document (ADR 033): Scalar and
 * Redoc need scripts from a CDN or inline, which the portal's nonce CSP and offline installs rule
 * out. Public, like /api/v1/openapi.json: it holds no data.
 */
export default function ApiDocsPage() {
  const document = createApiDocument();
  const schemas = (document.components?.schemas ?? {}) as Record<string, unknown>;
  return (
    <div className="space-y-8">
      <PageHeader title={document.info.title} intro={document.info.description}>
        <p className="mt-3 text-sm text-slate-700">
          Version {document.info.version} · the machine-readable document:{" "}
          <a className="text-blue-800 underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
        </p>
      </PageHeader>
      {Object.entries(document.paths ?? {}).map(([path, item]) =>
        METHODS.flatMap((method) => {
          const operation = (item as Record<string, Operation | undefined>)[method];
          if (!operation) return [];
          return [
            <section
              key={`${method} ${path}`}
              id={operation.operationId}
              aria-labelledby={`${operation.operationId}-heading`}
              className="rounded-lg bg-white p-5 shadow-sm"
            >
              <h2 id={`${operation.operationId}-heading`} className="text-lg font-semibold">
                <span className="mr-2 rounded bg-slate-900 px-2 py-0.5 font-mono text-sm text-white uppercase">
                  {method}
                </span>
                <code>{path}</code>
              </h2>
              <p className="mt-2 font-medium">{operation.summary}</p>
              {operation.description && (
                <p className="mt-1 whitespace-pre-line text-slate-700">{operation.description}</p>
              )}
              {operation.parameters && operation.parameters.length > 0 && (
                <>
                  <h3 className="mt-4 font-semibold">Parameters</h3>
                  <ul className="mt-1 list-disc pl-6 text-sm">
                    {operation.parameters.map((parameter) => (
                      <li key={`${parameter.in}:${parameter.name}`}>
                        <code>{parameter.name}</code> ({parameter.in}
                        {parameter.required ? ", required" : ""})
                        {parameter.description ? ` — ${parameter.description}` : ""}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {operation.requestBody?.content && (
                <details className="mt-4">
                  <summary className="cursor-pointer font-semibold">Request body</summary>
                  <pre className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs">
                    {json(Object.values(operation.requestBody.content)[0]?.schema)}
                  </pre>
                </details>
              )}
              <h3 className="mt-4 font-semibold">Answers</h3>
              <ul className="mt-1 list-disc pl-6 text-sm">
                {Object.entries(operation.responses ?? {}).map(([status, response]) => (
                  <li key={status}>
                    <code>{status}</code> {response.description}
                  </li>
                ))}
              </ul>
            </section>,
          ];
        }),
      )}
      <section aria-labelledby="problems-heading" className="rounded-lg bg-white p-5 shadow-sm">
        <h2 id="problems-heading" className="text-lg font-semibold">
          Problems
        </h2>
        <p className="mt-1 text-slate-700">
          Errors are RFC 9457 problem details (<code>application/problem+json</code>); <code>type</code> points here.
        </p>
        <dl className="mt-3 space-y-2 text-sm">
          {Object.entries(PROBLEM_CODES).map(([code, meaning]) => (
            <div key={code} id={`problem-${code}`}>
              <dt className="font-mono font-semibold">{code}</dt>
              <dd className="text-slate-700">{meaning}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="schemas-heading" className="rounded-lg bg-white p-5 shadow-sm">
        <h2 id="schemas-heading" className="text-lg font-semibold">
          Schemas
        </h2>
        {Object.entries(schemas).map(([name, schema]) => (
          <details key={name} id={`schema-${name}`} className="mt-2">
            <summary className="cursor-pointer font-mono">{name}</summary>
            <pre className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs">{json(schema)}</pre>
          </details>
        ))}
      </section>
    </div>
  );
}
