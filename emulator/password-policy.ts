import { readFileSync } from "node:fs";

/** The least length of Auth0's "fair" password policy. */
export const PASSWORD_MIN_LENGTH = 8;

/** Auth0's "fair" policy: at least 8 characters, of at least 3 of these 4 kinds. */
const CHARACTER_KINDS = [
  { code: "lowerCase", message: "lower case letters (a-z)", test: /[a-z]/ },
  { code: "upperCase", message: "upper case letters (A-Z)", test: /[A-Z]/ },
  { code: "numbers", message: "numbers (i.e. 0-9)", test: /[0-9]/ },
  { code: "specialCharacters", message: "special characters (e.g. !@#$%^&*)", test: /[^a-zA-Z0-9]/ },
] as const;
const KINDS_REQUIRED = 3;

/** Read once, on first use: the list is the emulator's own file, 10,000 lines. */
let commonPasswords: Set<string> | undefined;
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#")),
  );
  return commonPasswords.has(password.toLowerCase());
}

interface PolicyRule {
  message: string;
  format?: number[];
  code: string;
  verified: boolean;
  items?: Array<{ message: string; code: string; verified: boolean }>;
}

/** Why Auth0 refuses a password, in the shape of its Authentication API errors. */
export type PasswordRefusal =
  | { name: "PasswordStrengthError"; message: string; rules: PolicyRule[]; policy: string }
  | { name: "PasswordDictionaryError"; message: string };

/**
 * Checks a password as a tenant with the "fair" policy and the Password Dictionary on does
 * (Auth0 checks the dictionary without regard to letter case). Null when it is accepted.
 */
export function checkPassword(password: string): PasswordRefusal | null {
  const longEnough = [...password].length >= PASSWORD_MIN_LENGTH;
  const kinds = CHARACTER_KINDS.map((kind) => ({ ...kind, verified: kind.test.test(password) }));
  const varied = kinds.filter((kind) => kind.verified).length >= KINDS_REQUIRED;
  if (!longEnough || !varied) {
    return {
      name: "PasswordStrengthError",
      message: "Password is too weak",
      rules: [
        {
          message: "At least %d characters in length",
          format: [PASSWORD_MIN_LENGTH],
          code: "lengthAtLeast",
          verified: longEnough,
        },
        {
          message: "Contain at least %d of the following %d types of characters:",
          format: [KINDS_REQUIRED, CHARACTER_KINDS.length],
          code: "containsAtLeast",
          verified: varied,
          items: kinds.map(({ message, code, verified }) => ({ message, code, verified })),
        },
      ],
      policy: [
        `* At least ${PASSWORD_MIN_LENGTH} characters in length`,
        `* Contain at least ${KINDS_REQUIRED} of the following ${CHARACTER_KINDS.length} types of characters:`,
        ...CHARACTER_KINDS.map((kind) => ` * ${kind.message}`),
      ].join("\n"),
    };
  }
  if (isCommon(password)) return { name: "PasswordDictionaryError", message: "Password is too common" };
  return null;
}
