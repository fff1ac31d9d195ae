import { z } from "zod";

type Issue = Parameters<z.core.$ZodErrorMap>[0];

const plural = (count: number | bigint, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * Plain-words messages for every schema that does not name its own (zod's defaults read like
 * "Too small: expected string to have >=2 characters"). A schema's own message still wins. They
 * are what forms show beside a field and what the API returns as a field's reason.
 */
function plainMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || issue.input === null || issue.input === "") return "This field is required.";
      return issue.expected === "number" || issue.expected === "int" ? "Enter a number." : "This value is not valid.";
    case "too_small": {
      const minimum = issue.minimum as number;
      if (issue.origin === "string") {
        return minimum <= 1
          ? "This field is required."
          : `Enter at least ${plural(minimum, "character", "characters")}.`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return minimum <= 1 ? "Choose at least one." : `Choose at least ${minimum}.`;
      }
      if (issue.origin === "date") return "This date is too early.";
      return `Enter a number of at least ${minimum}.`;
    }
    case "too_big": {
      const maximum = issue.maximum as number;
      if (issue.origin === "string") return `Use at most ${plural(maximum, "character", "characters")}.`;
      if (issue.origin === "array" || issue.origin === "set") return `Choose at most ${maximum}.`;
      if (issue.origin === "date") return "This date is too late.";
      return `Enter a number of at most ${maximum}.`;
    }
    case "invalid_format":
      switch (issue.format) {
        case "email":
          return "Enter an email address such as name@example.com.";
        case "url":
          return "Enter a web address such as https://example.com.";
        case "datetime":
        case "date":
          return "Enter a valid date.";
        case "regex":
          return "This value uses characters that are not allowed here.";
        default:
          return "This value is not valid.";
      }
    case "invalid_value":
      return "Choose one of the options.";
    case "not_multiple_of":
      return "Enter a whole number.";
    case "unrecognized_keys":
      return `Unexpected field${issue.keys.length === 1 ? "" : "s"}: ${issue.keys.join(", ")}.`;
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
      return "This value is not valid.";
    default:
      return undefined;
  }
}

z.config({ customError: plainMessage });
