import { z } from "zod";

/** A tree size or leaf index as a query parameter: a non-negative integer, nothing else. */
const count = (name: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, `${name} must be a whole number, at least 0`)
    .transform(Number);

export const inclusionProofQuery = z.object({ index: count("index"), size: count("size") });
export const consistencyProofQuery = z.object({ from: count("from"), to: count("to") });

/** One page of entries: `end` is exclusive; at most 1,000 per page. */
const MAX_ENTRIES_PAGE = 1_000;
export const entriesQuery = z
  .object({ start: count("start"), end: count("end") })
  .refine((page) => page.end > page.start, { message: "end must be larger than start", path: ["end"] })
  .refine((page) => page.end - page.start <= MAX_ENTRIES_PAGE, {
    message: `at most ${MAX_ENTRIES_PAGE} entries per page`,
    path: ["end"],
  });
