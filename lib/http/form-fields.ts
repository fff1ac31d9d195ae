import { z } from "zod";

// The one set of form coercions: an HTML form sends strings, sends a checkbox only when ticked,
// and sends a repeated field once per value. Form schemas `.extend` a domain schema with these.

/** An HTML checkbox: present ("on") when ticked, absent otherwise. */
export const formCheckbox = z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean());

/** A field that may be left empty: empty (or blank) becomes undefined. */
export const formOptional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

/** A field that may arrive once (a string) or several times (an array), or not at all. */
export const formList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
    z.array(item),
  );

/** A number typed into a text or number input. */
export const formInteger = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A form that is only a button: nothing to validate, and any field a hand-made request adds is dropped. */
export const buttonFormSchema = z.object({});
