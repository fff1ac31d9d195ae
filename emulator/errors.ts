import type { z } from "zod";

/** The body every Management API v2 error has: `{ statusCode, error, message, errorCode }`. */
export interface ManagementErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}

/** A Management API failure; thrown by handlers, turned into Auth0's error body in one place. */
export class ManagementApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode: string,
  ) {
    super(message);
    this.name = "ManagementApiError";
  }

  toBody(): ManagementErrorBody {
    return {
      statusCode: this.statusCode,
      error: statusText(this.statusCode),
      message: this.message,
      errorCode: this.errorCode,
    };
  }
}

// Auth0's validation messages name the failing part of the request and the rule it broke,
// e.g. "Payload validation error: 'Additional properties not allowed: foo'." (errorCode invalid_body).
export type ValidationPart = "Payload" | "Query" | "Path";
const ERROR_CODES: Record<ValidationPart, string> = {
  Payload: "invalid_body",
  Query: "invalid_query_string",
  Path: "invalid_uri",
};

export function validationError(part: ValidationPart, rule: string, property?: string): ManagementApiError {
  const where = property ? ` on property ${property}` : "";
  return new ManagementApiError(400, `${part} validation error: '${rule}'${where}.`, ERROR_CODES[part]);
}

/** The JSON type name Auth0 (z-schema) uses in "Expected type X but found type Y". */
function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns the first zod issue into Auth0's validation error for that part of the request. */
export function zodToManagementError(
  part: ValidationPart,
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
): ManagementApiError {
  const issue = issues[0];
  if (!issue) return validationError(part, "Invalid request");
  const path = issue.path.map(String).join(".");
  const property = path || undefined;
  switch (issue.code) {
    case "unrecognized_keys":
      return validationError(part, `Additional properties not allowed: ${issue.keys.join(",")}`, property);
    case "invalid_type": {
      const found = valueAt(input, issue.path);
      if (found === undefined) return validationError(part, `Missing required property: ${path}`);
      const expected = issue.expected === "record" ? "object" : issue.expected;
      return validationError(part, `Expected type ${expected} but found type ${jsonTypeOf(found)}`, property);
    }
    case "invalid_format":
      return validationError(
        part,
        `Object didn't pass validation for format ${issue.format}: ${String(valueAt(input, issue.path))}`,
        property,
      );
    case "too_big":
      return validationError(
        part,
        issue.origin === "string"
          ? `String is too long (${String(valueAt(input, issue.path)).length} chars), maximum ${String(issue.maximum)}`
          : `Value is too big, must be at most ${String(issue.maximum)}`,
        property,
      );
    case "too_small":
      return validationError(
        part,
        issue.origin === "string"
          ? `String is too short (${String(valueAt(input, issue.path)).length} chars), minimum ${String(issue.minimum)}`
          : `Value is too small, must be at least ${String(issue.minimum)}`,
        property,
      );
    case "invalid_value":
      return validationError(part, `No enum match for: ${JSON.stringify(valueAt(input, issue.path))}`, property);
    default:
      return validationError(part, issue.message, property);
  }
}
